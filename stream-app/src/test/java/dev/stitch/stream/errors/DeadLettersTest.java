package dev.stitch.stream.errors;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Dead letters are logged at most once a minute per reason, with how many came since the last line. */
class DeadLettersTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final List<String> lines = new ArrayList<>();
    private final DeadLetters deadLetters = new DeadLetters(now::get, lines::add);

    @Test
    void logsTheFirstDeadLetterOfAReasonAtOnceAndTheNextOnesOnceAMinuteWithTheirCount() {
        deadLetters.record(DeadLetterReason.UNDECODABLE, "not a SegmentEvent", "segment.raw-0@1");
        for (int i = 0; i < 5; i++) {
            now.addAndGet(1_000);
            deadLetters.record(DeadLetterReason.UNDECODABLE, "not a SegmentEvent", "segment.raw-0@" + (i + 2));
        }
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("1 record(s)").contains("\"undecodable\"", "segment.raw-0@1");

        now.addAndGet(DeadLetters.LOG_INTERVAL_MS);
        deadLetters.record(DeadLetterReason.UNDECODABLE, "not a SegmentEvent", "segment.raw-0@7");
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).startsWith("6 record(s)").contains("segment.raw-0@7");
    }

    @Test
    void limitsEachReasonOnItsOwn() {
        deadLetters.record(DeadLetterReason.UNDECODABLE, "not a SegmentEvent", "segment.raw-0@1");
        deadLetters.record(DeadLetterReason.ID_TOO_LONG, "the userId is too long", "segment.raw-0@2");
        deadLetters.record(DeadLetterReason.UNDECODABLE, "not a SegmentEvent", "segment.raw-0@3");

        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).contains("\"id-too-long\"");
    }
}
