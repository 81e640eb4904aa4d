package dev.stitch.serde;

import dev.stitch.schema.ChangeKind;
import dev.stitch.schema.IdentityChange;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import java.time.Instant;

/** Sample records with every field set, optional ones included. */
final class TestRecords {

    static final Instant RECEIVED_AT = Instant.parse("2026-03-01T10:15:30.123Z");

    private TestRecords() {
    }

    static SegmentEvent segmentEvent(String messageId) {
        return SegmentEvent.newBuilder()
                .setMessageId(messageId)
                .setType("track")
                .setUserId("user-1")
                .setAnonymousId("anon-1")
                .setContextAnonymousId("pixel-1")
                .setPreviousId(null)
                .setGroupId("group-1")
                .setEvent("Order Completed")
                .setName(null)
                .setTimestamp(RECEIVED_AT.minusMillis(250))
                .setOriginalTimestamp(RECEIVED_AT.minusMillis(1_250))
                .setSentAt(RECEIVED_AT.minusMillis(1_000))
                .setReceivedAt(RECEIVED_AT)
                .setSource("bridge")
                .setJson("{\"type\":\"track\",\"event\":\"Order Completed\",\"messageId\":\"" + messageId + "\"}")
                .build();
    }

    static TimelineEvent timelineEvent() {
        return TimelineEvent.newBuilder()
                .setUserId("user-1")
                .setSequence(42L)
                .setStitched(true)
                .setLate(false)
                .setEvent(segmentEvent("m-7"))
                .build();
    }

    static IdentityChange identityChange() {
        return IdentityChange.newBuilder()
                .setId("anon-1")
                .setKind(ChangeKind.MERGED)
                .setUserId("user-1")
                .setPreviousUserId("user-2")
                .setReason("user-2 identified as user-1.")
                .setMessageId("m-9")
                .setTimestamp(RECEIVED_AT)
                .build();
    }
}
