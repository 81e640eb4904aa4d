package dev.stitch.stream.timeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.serde.InMemorySchemaRegistry;
import dev.stitch.serde.SubjectNames;
import dev.stitch.serde.WireFormat;
import dev.stitch.stream.state.OutgoingEvent;
import dev.stitch.stream.state.StitchSerdes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * An event that arrived in a record written with the application's own schema is written by copying
 * that record's body behind the head: byte for byte what the serializer writes for the whole event.
 * A record written with another schema is not copied.
 */
class OutgoingEventBytesPropertyTest {

    private static final String RAW = "segment.raw";
    private static final String TIMELINE = "stitch.timeline";
    private static final String[] TEXTS = {"a", "ünï", "😀", "\"q\"", "", "x y", "\\"};

    private final StitchSerdes serdes = StitchSerdes.using(new InMemorySchemaRegistry());
    private final OutgoingEventBytes bytes = new OutgoingEventBytes(serdes.timelineEvent().serializer(), serdes.wireSchemas(), TIMELINE);

    @Test
    void copyingTheArrivedBodyWritesWhatTheSerializerWrites() {
        qt().withExamples(300).forAll(longs().all()).check(seed -> {
            Random random = new Random(seed);
            SegmentEvent event = event(random);
            byte[] arrivedAs = serdes.segmentEvent().serializer().serialize(RAW, event);
            String userId = random.nextBoolean() ? null : "user-" + text(random);
            Long sequence = random.nextBoolean() ? null : random.nextLong();
            TimelineEvent timelineEvent = new TimelineEvent(userId, sequence, random.nextBoolean(), random.nextBoolean(), event);
            byte[] expected = serdes.timelineEvent().serializer().serialize(TIMELINE, timelineEvent);
            return serdes.wireSchemas().isOwnSegmentEvent(RAW, arrivedAs)
                    && Arrays.equals(bytes.of(new OutgoingEvent(timelineEvent, arrivedAs)), expected)
                    && Arrays.equals(bytes.of(OutgoingEvent.encoded(timelineEvent)), expected);
        });
    }

    @Test
    void aRecordWrittenWithAnotherSchemaIsNotOwnAndSoNotCopied() throws IOException {
        Schema other = SchemaBuilder.record("SegmentEvent").namespace("dev.stitch.schema").fields()
                .requiredString("messageId").requiredString("json").endRecord();
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        StitchSerdes ownSerdes = StitchSerdes.using(registry);
        int otherId = registry.register(SubjectNames.valueSubject("legacy.raw"), other);
        GenericRecord record = new GenericData.Record(other);
        record.put("messageId", "m-1");
        record.put("json", "{}");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, otherId);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(other).write(record, encoder);
        encoder.flush();

        byte[] own = ownSerdes.segmentEvent().serializer().serialize(RAW, event(new Random(1)));

        assertThat(ownSerdes.wireSchemas().isOwnSegmentEvent(RAW, out.toByteArray())).isFalse();
        assertThat(ownSerdes.wireSchemas().isOwnSegmentEvent(RAW, own)).isTrue();
    }

    /** A Segment event with any of its optional ids and texts, as the parser makes it. */
    private static SegmentEvent event(Random random) {
        String type = new String[]{"page", "track", "identify", "alias", "group"}[random.nextInt(5)];
        ObjectNode json = SegmentEventParser.JSON.createObjectNode().put("type", type).put("messageId", "m-" + text(random))
                .put("timestamp", Instant.ofEpochMilli(1_700_000_000_000L + random.nextInt(1_000_000)).toString());
        if (random.nextBoolean()) {
            json.put("anonymousId", "anon-" + text(random));
        }
        if (random.nextBoolean() || !json.has("anonymousId") || type.equals("alias")) {
            json.put("userId", "user-" + text(random));
        }
        if (random.nextBoolean() || type.equals("track")) {
            json.put("event", "Did " + text(random));
        }
        if (random.nextBoolean() || type.equals("alias")) {
            json.put("previousId", "prev-" + text(random));
        }
        if (random.nextBoolean() || type.equals("group")) {
            json.put("groupId", "group-" + text(random));
        }
        if (random.nextBoolean()) {
            json.putObject("context").put("anonymousId", "ctx-" + text(random)).putObject("page").put("url", "https://x.example/" + text(random));
        }
        if (random.nextBoolean()) {
            json.putObject("traits").put("email", text(random) + "@example.com").put("n", random.nextInt());
        }
        return SegmentEventParser.parse(json, Instant.ofEpochMilli(1_700_000_500_000L), "test");
    }

    private static String text(Random random) {
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(4); i >= 0; i--) {
            text.append(TEXTS[random.nextInt(TEXTS.length)]);
        }
        return text.toString();
    }
}
