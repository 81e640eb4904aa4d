package dev.stitch.stream.topology;

import dev.stitch.schema.ChangeKind;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.identity.IdentityStage;
import dev.stitch.stream.topology.StitchDriver.Emitted;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.identify;
import static dev.stitch.stream.topology.SegmentEvents.page;
import static org.assertj.core.api.Assertions.assertThat;

/** R12: the anonymous-history buffer is bounded per id and in time; what leaves it is counted. */
class AnonymousHistoryBoundsTest {

    @Test
    void keepsOnlyTheNewestEventsOfAnIdBeyondTheSizeBound() {
        var settings = StitchSettings.defaults().withHistoryBounds(Duration.ofDays(30), 3, Duration.ofHours(1));
        try (var stitch = new StitchDriver(settings)) {
            for (int i = 1; i <= 5; i++) {
                stitch.send(page("h" + i, "pixel-1", "Page " + i, at(i)));
            }
            stitch.send(identify("i1", "alice", "pixel-1", at(6))).settle();

            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("alice", "h3", 1L, true, false),
                    new Emitted("alice", "h4", 2L, true, false),
                    new Emitted("alice", "h5", 3L, true, false),
                    new Emitted("alice", "i1", 4L, false, false));
            assertThat(stitch.anonymous()).as("every event was published as anonymous activity")
                    .containsExactly("pixel-1 h1", "pixel-1 h2", "pixel-1 h3", "pixel-1 h4", "pixel-1 h5");
            assertThat(stitch.metric("history-expired")).isEqualTo(2.0);
        }
    }

    @Test
    void dropsHistoryOlderThanTheRetention() {
        var settings = StitchSettings.defaults().withHistoryBounds(Duration.ofHours(1), 1000, Duration.ofMinutes(1));
        try (var stitch = new StitchDriver(settings)) {
            int twoHours = 2 * 3600;
            stitch.send(page("old", "pixel-1", "Home", at(1)))
                    .send(page("fresh", "pixel-1", "Home", at(twoHours - 60)))
                    .send(page("other", "pixel-2", "Home", at(twoHours)))
                    .send(identify("i1", "alice", "pixel-1", at(twoHours + 1)))
                    .settle();

            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("alice", "fresh", 1L, true, false),
                    new Emitted("alice", "i1", 2L, false, false));
            assertThat(stitch.metric("history-expired")).isEqualTo(1.0);
        }
    }

    /** Whether or not the sweep has reached it yet, history past the retention is never stitched, and is counted. */
    @Test
    void historyPastTheRetentionIsNotStitchedBeforeTheSweepReachesIt() {
        var settings = StitchSettings.defaults().withHistoryBounds(Duration.ofHours(1), 1000, Duration.ofDays(365));
        try (var stitch = new StitchDriver(settings)) {
            int twoHours = 2 * 3600;
            stitch.send(page("old", "pixel-1", "Home", at(1)))
                    .send(page("fresh", "pixel-1", "Home", at(twoHours - 60)))
                    .send(identify("i1", "alice", "pixel-1", at(twoHours + 1)))
                    .settle();

            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("alice", "fresh", 1L, true, false),
                    new Emitted("alice", "i1", 2L, false, false));
            assertThat(stitch.metric("history-expired")).isEqualTo(1.0);
        }
    }

    @Test
    void forgetsAnUnlinkedIdWhoseWholeHistoryExpiredAndRecordsIt() {
        var settings = StitchSettings.defaults().withHistoryBounds(Duration.ofHours(1), 1000, Duration.ofMinutes(1));
        try (var stitch = new StitchDriver(settings)) {
            stitch.send(page("gone-1", "pixel-gone", "Home", at(1)))
                    .send(page("gone-2", "pixel-gone", "Pricing", at(2)))
                    .send(page("kept", "pixel-kept", "Home", at(2 * 3600 - 60)))
                    .send(page("later", "pixel-other", "Home", at(2 * 3600)));

            assertThat(stitch.changes()).containsExactly(
                    new StitchDriver.Change("pixel-gone", ChangeKind.EXPIRED, null, null, null));
            assertThat(stitch.metric("ids-expired")).isEqualTo(1.0);
            assertThat(stitch.metric("history-expired")).isEqualTo(2.0);

            stitch.send(identify("i1", "alice", "pixel-gone", at(2 * 3600 + 1))).settle();
            assertThat(stitch.timeline()).as("nothing of the forgotten history comes back")
                    .containsExactly(new Emitted("alice", "i1", 1L, false, false));
        }
    }

    /** A sweep reads the ids a slice at a time: the ids past the first slice expire one second of stream time later. */
    @Test
    void sweepsTheIdsASliceAtATime() {
        var settings = StitchSettings.defaults().withHistoryBounds(Duration.ofHours(1), 1000, Duration.ofMinutes(1));
        int ids = IdentityStage.SWEEP_SLICE + 100;
        try (var stitch = new StitchDriver(settings)) {
            for (int i = 0; i < ids; i++) {
                stitch.send(page("p" + i, "pixel-" + i, "Home", at(1)));
            }
            stitch.send(page("later", "pixel-later", "Home", at(2 * 3600)));
            assertThat(stitch.metric("ids-expired")).as("the first slice").isEqualTo((double) IdentityStage.SWEEP_SLICE);

            stitch.send(page("later-2", "pixel-later-2", "Home", at(2 * 3600 + 1)));
            assertThat(stitch.metric("ids-expired")).as("the second slice ends the pass").isEqualTo((double) ids);
            assertThat(stitch.metric("history-expired")).isEqualTo((double) ids);
            assertThat(stitch.changes()).hasSize(ids).allMatch(change -> change.kind() == ChangeKind.EXPIRED);
        }
    }
}
