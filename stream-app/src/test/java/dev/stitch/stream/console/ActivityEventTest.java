package dev.stitch.stream.console;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ActivityEventTest {

    private static SegmentEvent.Builder event(String messageId, String type) {
        return SegmentEvent.newBuilder().setMessageId(messageId).setType(type).setJson("{}")
                .setTimestamp(Instant.ofEpochMilli(1_000)).setReceivedAt(Instant.ofEpochMilli(2_000));
    }

    @Test
    void cutsTheFreeTextsARowShowsSoThatTheRingStaysSmall() {
        String huge = "x".repeat(100_000);
        SegmentEvent segment = event(huge, huge).setUserId("user-1").setEvent(huge).build();

        ActivityEvent row = ActivityEvent.of(new TimelineEvent("user-1", 7L, false, false, segment), false);

        assertThat(row.messageId()).hasSize(ActivityEvent.MAX_TEXT_LENGTH + 1).endsWith("…");
        assertThat(row.type()).hasSize(ActivityEvent.MAX_TEXT_LENGTH + 1);
        assertThat(row.name()).hasSize(ActivityEvent.MAX_TEXT_LENGTH + 1);
    }

    @Test
    void marksAnonymousLateStitchedAndIdentifiedEvents() {
        SegmentEvent page = event("m1", "page").setAnonymousId("pixel-1").setName("Home").build();
        SegmentEvent track = event("m2", "track").setUserId("user-1").setEvent("Opened").build();

        assertThat(ActivityEvent.of(new TimelineEvent(null, null, false, false, page), true).mark()).isEqualTo(ActivityEvent.Mark.ANONYMOUS);
        assertThat(ActivityEvent.of(new TimelineEvent("user-1", 1L, true, false, page), false).mark()).isEqualTo(ActivityEvent.Mark.STITCHED);
        assertThat(ActivityEvent.of(new TimelineEvent("user-1", 2L, true, true, page), false).mark()).isEqualTo(ActivityEvent.Mark.LATE);
        ActivityEvent identified = ActivityEvent.of(new TimelineEvent("user-1", 3L, false, false, track), false);
        assertThat(identified.mark()).isEqualTo(ActivityEvent.Mark.IDENTIFIED);
        assertThat(identified.name()).isEqualTo("Opened");
        assertThat(identified.sequence()).isEqualTo(3L);
        assertThat(ActivityEvent.of(new TimelineEvent(null, null, false, false, page), true).userId()).isNull();
    }
}
