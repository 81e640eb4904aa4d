package dev.stitch.stream.topology;

import dev.stitch.events.EventIds;
import dev.stitch.events.IdLimits;
import dev.stitch.events.JunkIds;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.schema.internal.StitchedEvent;
import dev.stitch.schema.internal.StitchedEvents;
import dev.stitch.stream.errors.DeadLetterHeaders;
import dev.stitch.stream.errors.DeadLetterReason;
import dev.stitch.stream.timeline.OrderHeaders;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

/**
 * Whatever arrives on the topics the application reads, each record yields either the records it
 * should or exactly one dead letter with a reason, and the stream never throws. Checked on generated
 * records (QuickTheories shrinks a failure to its smallest case) through one driver per property;
 * each example's ids and messageIds are its own, so examples do not meet in the state.
 */
class StreamDecodingPropertyTest {

    private static final int EXAMPLES = 150;
    private static final List<String> JUNK = List.of("", "   ", "undefined", "null", "NaN", "0", "[object Object]",
            "00000000-0000-0000-0000-000000000000");
    private static final List<String> CODES = Arrays.stream(DeadLetterReason.values()).map(DeadLetterReason::code).toList();

    private final AtomicLong example = new AtomicLong();

    @Test
    void arbitraryBytesOnTheRawTopicAreOneDeadLetterEach() {
        try (var stitch = new StitchDriver()) {
            qt().withExamples(EXAMPLES)
                    .forAll(nullable(bytes(64)), nullable(bytes(2048)), headers())
                    .checkAssert((key, value, headers) -> {
                        example.incrementAndGet();
                        stitch.sendBytes(key, value, headers, arrival()).settle();
                        assertOneDeadLetterOrOutput(stitch);
                    });
        }
    }

    @Test
    void arbitraryEventsAreStitchedOrOneDeadLetterWithTheirReason() {
        try (var stitch = new StitchDriver()) {
            qt().withExamples(EXAMPLES)
                    .forAll(id().zip(id(), id(), (user, anonymous, fromContext) -> new String[]{user, anonymous, fromContext}),
                            longs().all(), strings().allPossible().ofLengthBetween(0, 40))
                    .checkAssert((eventIds, millis, key) -> {
                        long n = example.incrementAndGet();
                        String messageId = "m-" + n;
                        SegmentEvent event = SegmentEvents.event(messageId, n % 2 == 0 ? "track" : "identify",
                                unique(eventIds[0], n), unique(eventIds[1], n), unique(eventIds[2], n), Instant.ofEpochMilli(millis))
                                .setEvent("Clicked").build();
                        stitch.sendKeyed(key, event, arrival()).settle();

                        var letters = stitch.deadLetters();
                        var timeline = stitch.timelineRecords();
                        var anonymous = stitch.anonymous();
                        stitch.changes();
                        EventIds ids = EventIds.of(event, JunkIds.defaults());
                        if (IdLimits.defaults().tooLongField(event) != null) {
                            assertThat(letters).extracting(StreamDecodingPropertyTest::code).containsExactly("id-too-long");
                        } else if (!ids.hasIdentity()) {
                            assertThat(letters).extracting(StreamDecodingPropertyTest::code).containsExactly("no-identity");
                        } else if (ids.userId() != null) {
                            assertThat(letters).isEmpty();
                            assertThat(timeline).extracting(TestRecord::key).containsExactly(ids.userId());
                            assertThat(timeline.get(0).value().getEvent().getMessageId()).isEqualTo(messageId);
                        } else {
                            assertThat(letters).isEmpty();
                            assertThat(anonymous).containsExactly(ids.anonymousId() + " " + messageId);
                        }
                    });
        }
    }

    @Test
    void arbitraryRecordsOnTheUserMovesTopicReachTheirUserOrAreOneDeadLetter() {
        try (var stitch = new StitchDriver()) {
            qt().withExamples(EXAMPLES)
                    .forAll(arbitrary().pick(List.of("garbage", "garbage-with-order-headers", "change-marker", "history-marker",
                                    "event", "history")),
                            nullable(bytes(512)), longs().all(), integers().between(0, 9))
                    .checkAssert((kind, garbage, millis, keyChoice) -> {
                        long n = example.incrementAndGet();
                        String user = keyChoice == 0 ? null : "mover-" + n;
                        SegmentEvent event = SegmentEvents.track("moved-" + n, user, null, "Moved", Instant.ofEpochMilli(millis));
                        byte[] encoded = stitch.serdes().timelineEvent().serializer().serialize("stitch.timeline",
                                new TimelineEvent(user, null, true, false, event));
                        Headers headers = switch (kind) {
                            case "garbage" -> new RecordHeaders();
                            case "change-marker" -> new RecordHeaders().add("stitch.record", new byte[]{'c'});
                            case "history-marker", "history" -> new RecordHeaders().add("stitch.record", new byte[]{'h'});
                            default -> new RecordHeaders(OrderHeaders.of(event).toArray());
                        };
                        byte[] value = switch (kind) {
                            case "event" -> encoded;
                            case "history" -> stitch.serdes().stitchedEvents().serializer().serialize("events-by-user",
                                    new StitchedEvents(List.of(new StitchedEvent(millis, event.getMessageId(), ByteBuffer.wrap(encoded)))));
                            default -> garbage;
                        };
                        stitch.sendMovedBytes(user, value, headers, arrival()).settle();

                        var letters = stitch.deadLetters();
                        var timeline = stitch.timelineRecords();
                        if ((kind.equals("event") || kind.equals("history")) && user != null) {
                            assertThat(letters).isEmpty();
                            assertThat(timeline).extracting(r -> r.value().getEvent().getMessageId()).containsExactly("moved-" + n);
                        } else {
                            assertThat(letters).hasSize(1);
                            assertThat(code(letters.get(0))).isIn(CODES);
                            assertThat(DeadLetterHeaders.text(letters.get(0).headers(), DeadLetterHeaders.REASON)).isNotBlank();
                            assertThat(timeline).isEmpty();
                        }
                    });
        }
    }

    private static void assertOneDeadLetterOrOutput(StitchDriver stitch) {
        var letters = stitch.deadLetters();
        int outputs = stitch.timelineRecords().size() + stitch.anonymous().size();
        stitch.changes();
        if (letters.isEmpty()) {
            assertThat(outputs).isPositive();
        } else {
            assertThat(letters).hasSize(1);
            assertThat(code(letters.get(0))).isIn(CODES);
            assertThat(DeadLetterHeaders.text(letters.get(0).headers(), DeadLetterHeaders.REASON)).isNotBlank();
        }
    }

    /** Ids of every sort: absent, junk, ordinary, any unicode, longer than an id may be. */
    private static Gen<String> id() {
        return Generate.oneOf(Generate.constant((String) null), Generate.pick(JUNK),
                strings().basicLatinAlphabet().ofLengthBetween(1, 20),
                strings().betweenCodePoints(0, 0xD7FF).ofLengthBetween(1, 30),
                strings().basicLatinAlphabet().ofLengthBetween(257, 2000));
    }

    /** Ordinary ids made the example's own, so that no two examples share an id; junk and over-long ones stay as they are. */
    private static String unique(String id, long n) {
        if (id == null || JUNK.contains(id) || id.length() > IdLimits.DEFAULT_MAX_LENGTH - 12 || id.isBlank()) {
            return id;
        }
        return "e" + n + "-" + id;
    }

    private static Gen<byte[]> bytes(int maxLength) {
        return Generate.byteArrays(integers().between(0, maxLength), Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
    }

    private static <T> Gen<T> nullable(Gen<T> gen) {
        return Generate.frequency(org.quicktheories.api.Pair.of(1, Generate.constant((T) null)), org.quicktheories.api.Pair.of(9, gen));
    }

    /** A few headers with any names and bytes, now and then one of the application's own. */
    private static Gen<Headers> headers() {
        Gen<String> names = Generate.oneOf(strings().allPossible().ofLengthBetween(0, 20),
                Generate.pick(List.of("stitch.record", "stitch.event-time", "stitch.message-id", DeadLetterHeaders.REASON)));
        return names.zip(nullable(bytes(40)), integers().between(0, 3), (name, value, count) -> {
            Headers headers = new RecordHeaders();
            for (int i = 0; i < count; i++) {
                headers.add(name, value);
            }
            return headers;
        });
    }

    private Instant arrival() {
        return SegmentEvents.T0.plusSeconds(example.get());
    }

    private static String code(TestRecord<byte[], byte[]> letter) {
        return DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.CODE);
    }
}
