package dev.stitch.bridge;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code X-Signature} check of Segment's webhook destination: the hex HMAC-SHA1 of the
 * (decompressed) request body with the shared secret, so the signature covers every event the bridge
 * accepts. Some senders sign a one-event array over its element alone ({@code JSON.stringify(events[0])});
 * that is accepted for an array of exactly one element, whose element then is everything accepted. An
 * array of more elements signed over its first one only is refused: its other events are not signed.
 */
final class WebhookSignature {

    private static final String ALGORITHM = "HmacSHA1";

    private final SecretKeySpec key;

    WebhookSignature(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /** @throws Refusal when the signature is missing or does not match (401), or leaves events unsigned (403) */
    void verify(byte[] body, RequestDocument document, String header) {
        if (header == null || header.isBlank()) {
            throw Refusal.unauthorized("missing_signature", "this bridge requires an X-Signature header: the hex HMAC-SHA1 of the body "
                    + "with the webhook's shared secret");
        }
        byte[] presented;
        try {
            presented = HexFormat.of().parseHex(header.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Refusal.unauthorized("invalid_signature", "the X-Signature header is not a hex HMAC-SHA1");
        }
        if (MessageDigest.isEqual(sign(body, 0, body.length), presented)) {
            return;
        }
        if (document.array() && !document.events().isEmpty()) {
            RequestDocument.Span first = document.events().get(0).span();
            if (MessageDigest.isEqual(sign(body, first.offset(), first.length()), presented)) {
                if (document.events().size() == 1) {
                    return;
                }
                throw Refusal.forbidden("unsigned_events", "[1]", "the X-Signature covers the array's first event only, and the array "
                        + "holds " + document.events().size() + " events: sign the whole body, or send one event per request");
            }
        }
        throw Refusal.unauthorized("invalid_signature", "the X-Signature header does not match the body; check the shared secret");
    }

    /** The raw HMAC-SHA1 of {@code length} bytes of {@code body} from {@code offset}. */
    byte[] sign(byte[] body, int offset, int length) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(body, offset, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot compute " + ALGORITHM, e);
        }
    }
}
