package dev.stitch.stream.topology;

import dev.stitch.stream.topology.StitchDriver.Emitted;
import org.junit.jupiter.api.Test;

import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.identify;
import static dev.stitch.stream.topology.SegmentEvents.page;
import static dev.stitch.stream.topology.SegmentEvents.track;
import static org.assertj.core.api.Assertions.assertThat;

/** R9: an event whose messageId was already processed is emitted once only. */
class DeduplicationTest {

    @Test
    void emitsARetriedEventOnce() {
        try (var stitch = new StitchDriver()) {
            var event = track("s1", "alice", null, "Order Completed", at(1));
            stitch.send(event, at(1))
                    .send(event, at(3))
                    .send(track("s2", "alice", null, "Order Shipped", at(4)))
                    .settle();

            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("alice", "s1", 1L, false, false),
                    new Emitted("alice", "s2", 2L, false, false));
            assertThat(stitch.metric("duplicates")).isEqualTo(1.0);
        }
    }

    @Test
    void stitchesARetriedAnonymousEventOnce() {
        try (var stitch = new StitchDriver()) {
            var view = page("p1", "pixel-1", "Home", at(1));
            stitch.send(view, at(1))
                    .send(view, at(2))
                    .send(identify("i1", "alice", "pixel-1", at(3)))
                    .send(view, at(4))
                    .settle();

            assertThat(stitch.anonymous()).containsExactly("pixel-1 p1");
            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("alice", "p1", 1L, true, false),
                    new Emitted("alice", "i1", 2L, false, false));
        }
    }

    @Test
    void processesTheSameMessageIdAgainOnceTheWindowHasPassed() {
        try (var stitch = new StitchDriver()) {
            var event = track("s1", "alice", null, "Heartbeat", at(1));
            stitch.send(event, at(1))
                    .send(event, at(1).plus(java.time.Duration.ofHours(25)))
                    .settle();

            assertThat(stitch.timeline()).extracting(Emitted::messageId).containsExactly("s1", "s1");
        }
    }
}
