package dev.stitch.bridge;

import dev.stitch.bridge.RequestDocument.SentEvent;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.SegmentEvent;

import java.util.List;
import java.util.Objects;

/**
 * What a request may do, by the kind of its key. A browser key is public (it sits in every page that
 * loads analytics.js), so it may send what a browser sends and nothing that changes someone else's
 * identity: no erasure, no path that only servers use, and an {@code alias} only of the visitor's own
 * anonymous id (what analytics.js sends before a visitor has a user id). An erasure needs a webhook
 * signature the bridge has verified, whatever the key.
 */
final class KeyPermissions {

    private KeyPermissions() {
    }

    /** @throws Refusal 403 when a browser key is used on a path only servers post to */
    static void checkPath(KeyKind kind, Endpoint endpoint) {
        if (kind == KeyKind.BROWSER && !endpoint.browserMaySend()) {
            throw Refusal.forbidden("server_key_required", null, endpoint.paths().get(0) + " takes a server write key: this is a "
                    + "browser key, which is public (it sits in web pages) and sends only what a browser sends, to /v1/track, "
                    + "/v1/identify, /v1/page, /v1/screen, /v1/group, /v1/alias, /v1/batch, their short forms and the pixel's /api/v1/event");
        }
    }

    /**
     * @param events         the normalised events, one for each of {@code sent}, in the same order
     * @param signedWebhook  whether the bridge verified the request's {@code X-Signature}
     * @throws Refusal 403 for the first event the key's kind may not send
     */
    static void checkEvents(KeyKind kind, boolean signedWebhook, List<SegmentEvent> events, List<SentEvent> sent) {
        for (int i = 0; i < events.size(); i++) {
            SegmentEvent event = events.get(i);
            SentEvent from = sent.get(i);
            String prefix = from.path().isEmpty() ? "" : from.path() + ": ";
            if (SegmentEventParser.DELETE.equals(event.getType()) && !signedWebhook) {
                throw Refusal.forbidden("signature_required", from.field("type"), prefix + "this bridge takes a \"delete\" (an erasure) "
                        + "only with a verified X-Signature, and no STITCH_BRIDGE_SIGNING_SECRET is set: a write key alone "
                        + "cannot erase anyone. Erase through the query API instead: DELETE /v1/users/{userId} with its API token");
            }
            if (kind == KeyKind.BROWSER && SegmentEventParser.ALIAS.equals(event.getType()) && !aliasesOwnAnonymousId(event)) {
                throw Refusal.forbidden("server_key_required", from.field("previousId"), prefix + "a browser key may alias only the "
                        + "visitor's own anonymous id (\"previousId\" equal to the event's \"anonymousId\"): any other previousId could "
                        + "merge two users, which needs a server write key");
            }
        }
    }

    private static boolean aliasesOwnAnonymousId(SegmentEvent event) {
        String previousId = Objects.toString(event.getPreviousId(), null);
        return previousId != null && (previousId.equals(Objects.toString(event.getAnonymousId(), null))
                || previousId.equals(Objects.toString(event.getContextAnonymousId(), null)));
    }
}
