package dev.stitch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.schema.IdentityChange;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AvroSerdeRoundTripTest {

    private final String scope = "serde-" + UUID.randomUUID();
    private final SchemaRegistry registry = SchemaRegistries.connect("mock://" + scope, null);

    @AfterEach
    void dropScope() {
        InMemorySchemaRegistry.dropScope(scope);
    }

    @Test
    void segmentEventRoundTrips() {
        SegmentEvent event = TestRecords.segmentEvent("m-1");

        assertThat(roundTrip(SegmentEvent.class, "segment.raw", event)).isEqualTo(event);
    }

    @Test
    void timelineEventRoundTripsWithItsNestedSegmentEvent() {
        TimelineEvent event = TestRecords.timelineEvent();

        TimelineEvent read = roundTrip(TimelineEvent.class, "stitch.timeline", event);

        assertThat(read).isEqualTo(event);
        assertThat(read.getEvent().getOriginalTimestamp()).isEqualTo(event.getEvent().getOriginalTimestamp());
    }

    @Test
    void identityChangeRoundTripsWithItsEnum() {
        IdentityChange change = TestRecords.identityChange();

        assertThat(roundTrip(IdentityChange.class, "stitch.identity-changes", change)).isEqualTo(change);
    }

    @Test
    void readsDataWrittenWithAnOlderSchemaOfTheSubjectIntoTheCurrentClass() throws IOException {
        Schema older = withoutFields(SegmentEvent.getClassSchema(), "contextAnonymousId", "source");
        int olderId = registry.register("segment.raw-value", older);
        GenericRecord written = new GenericData.Record(older);
        written.put("messageId", "m-old");
        written.put("type", "identify");
        written.put("userId", "user-9");
        written.put("timestamp", 1_000L);
        written.put("receivedAt", 2_000L);
        written.put("json", "{}");
        AvroSerde<SegmentEvent> serde = new AvroSerde<>(SegmentEvent.class, registry);

        SegmentEvent read = serde.deserializer().deserialize("segment.raw", frame(olderId, older, written));
        byte[] current = serde.serializer().serialize("segment.raw", read);

        assertThat(read.getMessageId()).isEqualTo("m-old");
        assertThat(read.getUserId()).isEqualTo("user-9");
        assertThat(read.getTimestamp().toEpochMilli()).isEqualTo(1_000L);
        assertThat(read.getContextAnonymousId()).as("absent from the writer, so its default").isNull();
        assertThat(read.getSource()).isNull();
        assertThat(registry.latest("segment.raw-value").version())
                .as("the current schema registers as version 2 of the subject").isEqualTo(2);
        assertThat(WireFormat.readSchemaId("segment.raw", current, 0, current.length)).isNotEqualTo(olderId);
    }

    @Test
    void refusesDataWhoseWriterSchemaCannotBeReadAsTheType() {
        byte[] change = new AvroSerde<>(IdentityChange.class, registry).serializer()
                .serialize("stitch.identity-changes", TestRecords.identityChange());
        AvroDeserializer<SegmentEvent> segmentEvents = new AvroDeserializer<>(SegmentEvent.class, registry);

        assertThatThrownBy(() -> segmentEvents.deserialize("stitch.identity-changes", change))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("cannot be read as dev.stitch.schema.SegmentEvent");
    }

    @Test
    void registersTheValueSchemaUnderTopicValueOnceForManyRecords() {
        CountingSchemaRegistry counting = new CountingSchemaRegistry(registry);
        AvroSerde<SegmentEvent> serde = new AvroSerde<>(SegmentEvent.class, counting);

        for (int i = 0; i < 3; i++) {
            serde.deserializer().deserialize("segment.raw", serde.serializer().serialize("segment.raw", TestRecords.segmentEvent("m-" + i)));
        }

        assertThat(counting.registrations).hasValue(1);
        assertThat(counting.lookupsById).hasValue(1);
        assertThat(registry.subjects()).containsExactly("segment.raw-value");
        assertThat(registry.latest("segment.raw-value").schema()).isEqualTo(SegmentEvent.getClassSchema());
    }

    @Test
    void registersUnderTopicKeyWhenConfiguredAsAKeySerde() {
        AvroSerde<IdentityChange> serde = new AvroSerde<>(IdentityChange.class, registry);
        serde.configure(Map.of(), true);

        serde.serializer().serialize("stitch.keys", TestRecords.identityChange());

        assertThat(registry.subjects()).containsExactly("stitch.keys-key");
    }

    @Test
    void aRegistryThatCannotBeReachedIsNotMistakenForABadRecord() {
        byte[] bytes = new AvroSerde<>(SegmentEvent.class, registry).serializer()
                .serialize("segment.raw", TestRecords.segmentEvent("m-1"));
        SchemaRegistry unreachable = new RestSchemaRegistryClient(List.of(StubRegistryServer.closedPortUrl()), null);

        assertThatThrownBy(() -> new AvroDeserializer<>(SegmentEvent.class, unreachable).deserialize("segment.raw", bytes))
                .isExactlyInstanceOf(SchemaRegistryException.class);
    }

    @Test
    void readsGeneratedClassesWithoutTrustingAvroPackagesJvmWide() {
        byte[] bytes = new AvroSerde<>(TimelineEvent.class, registry).serializer()
                .serialize("stitch.timeline", TestRecords.timelineEvent());

        TimelineEvent read = new AvroDeserializer<>(TimelineEvent.class, registry).deserialize("stitch.timeline", bytes);

        assertThat(read).isEqualTo(TestRecords.timelineEvent());
        assertThat(System.getProperty("org.apache.avro.SERIALIZABLE_PACKAGES")).isNull();
        assertThat(ClassSecurityValidator.getGlobal()).isSameAs(ClassSecurityValidator.DEFAULT);
        // What the serde spares its users: Avro's own reader refuses the class.
        assertThatThrownBy(() -> new SpecificDatumReader<>(TimelineEvent.getClassSchema()))
                .isInstanceOf(SecurityException.class);
    }

    @Test
    void oneSerdeServesSeveralThreadsAtOnce() throws Exception {
        AvroSerde<SegmentEvent> serde = new AvroSerde<>(SegmentEvent.class, registry);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                String thread = "t" + t;
                results.add(threads.submit(() -> {
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < 500; i++) {
                        SegmentEvent event = TestRecords.segmentEvent(thread + "-" + i);
                        ids.add(serde.deserializer().deserialize("segment.raw", serde.serializer().serialize("segment.raw", event)).getMessageId());
                    }
                    return ids;
                }));
            }
            for (int t = 0; t < 4; t++) {
                List<String> ids = results.get(t).get();
                assertThat(ids).hasSize(500).first().isEqualTo("t" + t + "-0");
                assertThat(ids).last().isEqualTo("t" + t + "-499");
                assertThat(Set.copyOf(ids)).hasSize(500);
            }
        } finally {
            threads.shutdownNow();
        }
    }

    private <T extends SpecificRecord> T roundTrip(Class<T> type, String topic, T record) {
        AvroSerde<T> serde = new AvroSerde<>(type, registry);
        return serde.deserializer().deserialize(topic, serde.serializer().serialize(topic, record));
    }

    /** The schema as an older release would have had it: these (optional) fields not yet added. */
    private static Schema withoutFields(Schema schema, String... removed) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode tree = (ObjectNode) json.readTree(schema.toString());
        Iterator<JsonNode> fields = ((ArrayNode) tree.get("fields")).elements();
        while (fields.hasNext()) {
            if (List.of(removed).contains(fields.next().get("name").asText())) {
                fields.remove();
            }
        }
        return new Schema.Parser().parse(tree.toString());
    }

    private static byte[] frame(int schemaId, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WireFormat.writeHeader(out, schemaId);
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
