package dev.stitch.stream.topology;

import dev.stitch.stream.errors.DeadLetterHeaders;
import dev.stitch.stream.topology.StitchDriver.Emitted;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.track;
import static org.assertj.core.api.Assertions.assertThat;

/** Records the stream cannot use go to the dead-letter topic with a reason, and the stream goes on. */
class DeadLetterTest {

    @Test
    void sendsUndecodableBytesToTheDeadLetterTopicAndKeepsProcessing() {
        try (var stitch = new StitchDriver()) {
            byte[] garbage = "{\"type\":\"track\"}".getBytes(StandardCharsets.UTF_8);
            stitch.sendBytes("k1".getBytes(StandardCharsets.UTF_8), garbage, at(1))
                    .send(track("s1", "alice", null, "Signed Up", at(2)))
                    .settle();

            var letters = stitch.deadLetters();
            assertThat(letters).hasSize(1);
            var letter = letters.get(0);
            assertThat(letter.key()).isEqualTo("k1".getBytes(StandardCharsets.UTF_8));
            assertThat(letter.value()).isEqualTo(garbage);
            assertThat(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.REASON)).contains("not a SegmentEvent");
            assertThat(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.ERROR)).isNotBlank();
            assertThat(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("segment.raw");
            assertThat(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
            assertThat(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
            assertThat(stitch.timeline()).containsExactly(new Emitted("alice", "s1", 1L, false, false));
            assertThat(stitch.metric("dead-letters")).isEqualTo(1.0);
        }
    }

    @Test
    void sendsATombstoneToTheDeadLetterTopic() {
        try (var stitch = new StitchDriver()) {
            stitch.sendBytes("k1".getBytes(StandardCharsets.UTF_8), null, at(1));

            var letters = stitch.deadLetters();
            assertThat(letters).hasSize(1);
            assertThat(DeadLetterHeaders.text(letters.get(0).headers(), DeadLetterHeaders.REASON)).contains("tombstone");
        }
    }

    @Test
    void reKeysAnEventWhoseRecordKeyIsNotItsRoutingKey() {
        try (var stitch = new StitchDriver()) {
            stitch.sendKeyed("some-other-key", SegmentEvents.page("p1", "pixel-1", "Home", at(1)), at(1))
                    .send(SegmentEvents.identify("i1", "alice", "pixel-1", at(2)))
                    .settle();

            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("alice", "p1", 1L, true, false),
                    new Emitted("alice", "i1", 2L, false, false));
        }
    }
}
