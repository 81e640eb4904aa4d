package dev.stitch.stream.timeline;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.serde.SchemaRegistries;
import dev.stitch.stream.state.StitchSerdes;
import dev.stitch.stream.topology.SegmentEvents;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

/** Setting a timeline's fields in the encoded event gives the same bytes as encoding the event with them set. */
class TimelineEventHeadPropertyTest {

    private static final String TOPIC = "stitch.timeline";
    private final Serde<TimelineEvent> serde = StitchSerdes.using(SchemaRegistries.connect("mock://" + UUID.randomUUID(), null))
            .timelineEvent();

    @Test
    void placingAnEncodedEventEqualsEncodingThePlacedEvent() {
        // The last number picks the arrived event's stitched flag (bit 2) and what it arrived with (bits 0-1):
        // no userId yet, a sequence, a late flag, or neither.
        qt().forAll(strings().betweenCodePoints(0x20, 0xD7FF).ofLengthBetween(0, 40), longs().between(1, Long.MAX_VALUE), booleans().all(),
                        integers().between(0, 7))
                .checkAssert((userId, sequence, late, arrival) -> {
                    boolean stitched = (arrival & 4) != 0;
                    int arrivedWith = arrival & 3;
                    TimelineEvent arrived = new TimelineEvent(arrivedWith == 0 ? null : "user-as-sent", arrivedWith == 1 ? 7L : null,
                            stitched, arrivedWith == 2, event());
                    TimelineEvent placed = new TimelineEvent(userId, sequence, stitched, late, event());

                    byte[] spliced = TimelineEventHead.placed(serde.serializer().serialize(TOPIC, arrived), userId, sequence, late);

                    assertThat(spliced).isEqualTo(serde.serializer().serialize(TOPIC, placed));
                    assertThat(serde.deserializer().deserialize(TOPIC, spliced)).isEqualTo(placed);
                });
    }

    private static SegmentEvent event() {
        return SegmentEvents.track("m-1", "alice", "anon-1", "Signed Up", Instant.parse("2026-01-01T00:00:00Z"));
    }
}
