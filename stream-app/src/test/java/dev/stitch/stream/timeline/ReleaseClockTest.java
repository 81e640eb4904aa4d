package dev.stitch.stream.timeline;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Release time is stream time moved on by the wall clock since stream time last moved forward. */
class ReleaseClockTest {

    @Test
    void countsTheWallClockSinceStreamTimeLastMovedForward() {
        ReleaseClock clock = new ReleaseClock(1_000, 50_000);

        assertThat(clock.advance(1_000, 50_000)).isEqualTo(1_000);
        assertThat(clock.advance(1_000, 50_300)).isEqualTo(1_300);
        // Stream time moved: the wall clock counts from here.
        assertThat(clock.advance(2_000, 50_400)).isEqualTo(2_000);
        assertThat(clock.advance(2_000, 51_000)).isEqualTo(2_600);
    }

    @Test
    void aRecordOlderThanStreamTimeDoesNotRestartTheQuietTime() {
        ReleaseClock clock = new ReleaseClock(5_000, 10_000);

        assertThat(clock.advance(4_000, 12_000)).isEqualTo(7_000);
        assertThat(clock.advance(5_000, 12_500)).isEqualTo(7_500);
    }

    @Test
    void aWallClockThatStepsBackDoesNotTakeTheReleaseTimeBelowStreamTime() {
        ReleaseClock clock = new ReleaseClock(5_000, 10_000);

        assertThat(clock.advance(5_000, 9_000)).isEqualTo(5_000);
    }
}
