package dev.stitch.stream.topology;

import dev.stitch.stream.config.RecordLimits;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.topology.StitchDriver.Emitted;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.track;
import static org.assertj.core.api.Assertions.assertThat;

/** R10: per user, event-time order within the grace period, a gap-free sequence, late events flagged. */
class ReorderingTest {

    @Test
    void ordersEventsThatArriveOutOfOrderWithinTheGracePeriod() {
        try (var stitch = new StitchDriver()) {
            stitch.send(track("e3", "alice", null, "Step", at(3)), at(10))
                    .send(track("e1", "alice", null, "Step", at(1)), at(11))
                    .send(track("e2", "alice", null, "Step", at(2)), at(12))
                    .settle();

            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("alice", "e1", 1L, false, false),
                    new Emitted("alice", "e2", 2L, false, false),
                    new Emitted("alice", "e3", 3L, false, false));
        }
    }

    @Test
    void ordersEventsOfEqualTimeByMessageId() {
        try (var stitch = new StitchDriver()) {
            stitch.send(track("m-b", "alice", null, "Step", at(1)))
                    .send(track("m-a", "alice", null, "Step", at(1)))
                    .settle();

            assertThat(stitch.timeline()).extracting(Emitted::messageId).containsExactly("m-a", "m-b");
        }
    }

    @Test
    void emitsAnEventLaterThanTheGracePeriodFlaggedLateAndContinuesTheSequence() {
        try (var stitch = new StitchDriver()) {
            stitch.send(track("e5", "alice", null, "Step", at(50)), at(50))
                    .send(track("e6", "alice", null, "Step", at(51)), at(51))
                    .settle()
                    .send(track("e4", "alice", null, "Step", at(40)), at(70))
                    .send(track("e7", "alice", null, "Step", at(71)), at(71))
                    .settle();

            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("alice", "e5", 1L, false, false),
                    new Emitted("alice", "e6", 2L, false, false),
                    new Emitted("alice", "e4", 3L, false, true),
                    new Emitted("alice", "e7", 4L, false, false));
            assertThat(stitch.metric("late-events")).isEqualTo(1.0);
        }
    }

    @Test
    void releasesEventsByStreamTimeWhenTrafficKeepsFlowing() {
        try (var stitch = new StitchDriver()) {
            stitch.send(track("e1", "alice", null, "Step", at(1)), at(1))
                    .send(track("b1", "bob", null, "Step", at(3)), at(3));
            assertThat(stitch.timeline()).isEmpty();

            stitch.send(track("b2", "bob", null, "Step", at(7)), at(7));

            assertThat(stitch.timeline()).containsExactly(new Emitted("alice", "e1", 1L, false, false));
        }
    }

    @Test
    void keepsEventsWaitingWhileTheGracePeriodHasNotPassed() {
        try (var stitch = new StitchDriver()) {
            stitch.send(track("e1", "alice", null, "Step", at(1)), at(1)).idle(Duration.ofSeconds(3));

            assertThat(stitch.timeline()).isEmpty();
            stitch.idle(Duration.ofSeconds(3));
            assertThat(stitch.timeline()).containsExactly(new Emitted("alice", "e1", 1L, false, false));
        }
    }

    @Test
    void aQuietInputReleasesEventsOnTimeThoughOlderRecordsStillArrive() {
        try (var stitch = new StitchDriver()) {
            stitch.send(track("e1", "alice", null, "Step", at(10)), at(10)).idle(Duration.ofSeconds(3));
            // Took a longer way (a link's answer, a moved event): older than stream time, so the input is still quiet.
            stitch.send(track("b1", "bob", null, "Step", at(9)), at(9)).idle(Duration.ofMillis(2_100));

            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("bob", "b1", 1L, false, false),
                    new Emitted("alice", "e1", 1L, false, false));
        }
    }

    @Test
    void aFloodForOneUserReleasesItsEarliestEventsAtOnceSoItsStateStaysBounded() {
        RecordLimits small = RecordLimits.defaults().withMaxRecordBytes(64 * 1024);
        StitchSettings settings = StitchSettings.defaults().withLimits(small);
        int maxWaiting = 64 * 1024 / 2 / (2 * Long.BYTES + 4 * small.ids().maxLength() + 2 * Integer.BYTES);
        try (var stitch = new StitchDriver(settings)) {
            for (int i = 1; i <= maxWaiting + 3; i++) {
                stitch.send(track(String.format("e%03d", i), "alice", null, "Step", at(i)), at(1));
            }

            assertThat(stitch.timeline()).extracting(Emitted::messageId).containsExactly("e001", "e002", "e003");
            stitch.settle();
            List<Emitted> rest = stitch.timeline();
            assertThat(rest).hasSize(maxWaiting);
            assertThat(rest.get(0)).isEqualTo(new Emitted("alice", "e004", 4L, false, false));
            assertThat(rest).extracting(Emitted::late).containsOnly(false);
        }
    }
}
