package dev.stitch.stream.topology;

import dev.stitch.events.IdLimits;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.stream.config.RecordLimits;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.errors.DeadLetterHeaders;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import dev.stitch.stream.topology.StitchDriver.Emitted;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.identifyWithTraits;
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

    @Test
    void sendsAnEventOverTheSizeLimitToTheDeadLetterTopic() {
        StitchSettings settings = StitchSettings.defaults().withLimits(RecordLimits.defaults().withMaxEventBytes(2048));
        try (var stitch = new StitchDriver(settings)) {
            stitch.send(identifyWithTraits("big", "alice", null, "{\"bio\":\"" + "x".repeat(3000) + "\"}", at(1)))
                    .send(track("small", "alice", null, "Signed Up", at(2)))
                    .settle();

            var letters = stitch.deadLetters();
            assertThat(letters).hasSize(1);
            assertThat(code(letters.get(0))).isEqualTo("event-too-large");
            assertThat(DeadLetterHeaders.text(letters.get(0).headers(), DeadLetterHeaders.REASON)).contains("STITCH_MAX_EVENT_BYTES");
            assertThat(stitch.timeline()).containsExactly(new Emitted("alice", "small", 1L, false, false));
            assertThat(stitch.metric("dead-letters")).isEqualTo(1.0);
        }
    }

    @Test
    void sendsAnEventWithAnIdLongerThanTheLimitToTheDeadLetterTopic() {
        StitchSettings settings = StitchSettings.defaults().withLimits(
                new RecordLimits(RecordLimits.DEFAULT_MAX_EVENT_BYTES, RecordLimits.defaults().maxRecordBytes(), new IdLimits(8)));
        try (var stitch = new StitchDriver(settings)) {
            stitch.send(track("t1", "a-very-long-user-id", null, "Signed Up", at(1)))
                    .send(track("t2", "bob", null, "Signed Up", at(2)))
                    .settle();

            var letters = stitch.deadLetters();
            assertThat(letters).hasSize(1);
            assertThat(code(letters.get(0))).isEqualTo("id-too-long");
            assertThat(DeadLetterHeaders.text(letters.get(0).headers(), DeadLetterHeaders.REASON)).contains("userId");
            assertThat(stitch.timeline()).containsExactly(new Emitted("bob", "t2", 1L, false, false));
        }
    }

    @Test
    void sendsUnusableUserMovesToTheDeadLetterTopicAndKeepsProcessing() {
        try (var stitch = new StitchDriver()) {
            SegmentEvent moved = track("m1", "bob", null, "Moved", at(1));
            // garbage with an event's order headers, a record of no known kind, a tombstone, a record without a key
            stitch.sendMovedBytes("alice", "garbage".getBytes(StandardCharsets.UTF_8),
                            new RecordHeaders(dev.stitch.stream.timeline.OrderHeaders.of(moved).toArray()), at(1))
                    .sendMovedBytes("alice", new byte[]{0, 0, 0, 0, 1}, new RecordHeaders(), at(1))
                    .sendMovedBytes("alice", null, new RecordHeaders(), at(1))
                    .sendMovedBytes(null, "x".getBytes(StandardCharsets.UTF_8), new RecordHeaders(), at(1))
                    .send(track("t1", "alice", null, "Signed Up", at(2)))
                    .settle();

            var letters = stitch.deadLetters();
            assertThat(letters).extracting(DeadLetterTest::code).containsExactly("undecodable", "unknown-kind", "no-value", "no-key");
            assertThat(letters).allSatisfy(letter ->
                    assertThat(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("stitch.user-moves"));
            assertThat(stitch.timeline()).containsExactly(new Emitted("alice", "t1", 1L, false, false));
            assertThat(stitch.metric("dead-letters")).isEqualTo(4.0);
        }
    }

    @Test
    void aStateWriteLargerThanKafkaTakesGoesToTheDeadLetterTopicAndTheStreamGoesOn() {
        // Each identify adds traits to alice's profile, until it would be larger than a record may be.
        StitchSettings settings = StitchSettings.defaults().withLimits(new RecordLimits(3000, 6000, IdLimits.defaults()));
        try (var stitch = new StitchDriver(settings)) {
            for (int i = 0; i < 6; i++) {
                stitch.send(identifyWithTraits("i" + i, "alice", null, "{\"trait" + i + "\":\"" + "v".repeat(1500) + "\"}", at(i)));
            }
            stitch.settle().send(track("t1", "bob", null, "Signed Up", at(10))).settle();

            var letters = stitch.deadLetters();
            assertThat(letters).isNotEmpty();
            assertThat(letters).extracting(DeadLetterTest::code).containsOnly("record-too-large");
            assertThat(DeadLetterHeaders.text(letters.get(0).headers(), DeadLetterHeaders.REASON)).contains("STITCH_MAX_RECORD_BYTES");
            assertThat(stitch.timeline()).contains(new Emitted("bob", "t1", 1L, false, false));
        }
    }

    private static String code(TestRecord<byte[], byte[]> letter) {
        return DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.CODE);
    }
}
