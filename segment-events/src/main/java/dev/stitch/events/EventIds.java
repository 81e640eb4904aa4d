package dev.stitch.events;

import dev.stitch.schema.SegmentEvent;

/**
 * The usable identities of one event, junk removed.
 *
 * @param userId               the known user, or null
 * @param anonymousId          the event's primary anonymous id: the top-level {@code anonymousId},
 *                             else {@code context.anonymousId}; null when neither is usable
 * @param secondaryAnonymousId {@code context.anonymousId} when it differs from a usable top-level
 *                             {@code anonymousId} (a pixel id passed through a server call), else null
 */
public record EventIds(String userId, String anonymousId, String secondaryAnonymousId) {

    public static EventIds of(SegmentEvent event, JunkIds junk) {
        String user = junk.usableOrNull(event.getUserId());
        if (SegmentEventParser.DELETE.equals(event.getType())) {
            // A user deletion is about the user alone, and is routed by it.
            return new EventIds(user, null, null);
        }
        String topLevel = junk.usableOrNull(event.getAnonymousId());
        String fromContext = junk.usableOrNull(event.getContextAnonymousId());
        if (topLevel == null) {
            return new EventIds(user, fromContext, null);
        }
        return new EventIds(user, topLevel, topLevel.equals(fromContext) ? null : fromContext);
    }

    /**
     * The key an event is partitioned by on the raw topic and in the identity stage: its primary
     * anonymous id, else its userId; null when it has no usable identity.
     */
    public String routingKey() {
        return anonymousId != null ? anonymousId : userId;
    }

    public boolean hasIdentity() {
        return routingKey() != null;
    }
}
