package dev.stitch.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.internal.UserState;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class AvroSerdeWireFormatTest {

    private static final String TOPIC = "segment.raw";
    /** Four distinct bytes, so that the test sees their order. */
    private static final int SCHEMA_ID = 0x01020304;

    private final SchemaRegistry registry = new SingleSchemaRegistry(SCHEMA_ID, SegmentEvent.getClassSchema());
    private final AvroSerde<SegmentEvent> serde = new AvroSerde<>(SegmentEvent.class, registry);

    @Test
    void serializedRecordIsMagicByteThenBigEndianSchemaIdThenAvroBinary() throws IOException {
        SegmentEvent event = TestRecords.segmentEvent("m-1");

        byte[] bytes = serde.serializer().serialize(TOPIC, event);

        assertThat(bytes[0]).isEqualTo((byte) 0x0);
        assertThat(Arrays.copyOfRange(bytes, 1, 5)).containsExactly(0x01, 0x02, 0x03, 0x04);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null);
        GenericRecord decoded = new GenericDatumReader<GenericRecord>(SegmentEvent.getClassSchema()).read(null, decoder);
        assertThat(decoder.isEnd()).as("every byte after the header is the record").isTrue();
        assertThat(decoded.get("messageId")).hasToString("m-1");
        assertThat(decoded.get("contextAnonymousId")).hasToString("pixel-1");
        assertThat(decoded.get("receivedAt")).isEqualTo(TestRecords.RECEIVED_AT.toEpochMilli());
        assertThat(decoded.get("json")).hasToString(event.getJson());
    }

    @Test
    void serializedBytesReadBackIntoAnEqualRecord() {
        SegmentEvent event = TestRecords.segmentEvent("m-2");

        byte[] bytes = serde.serializer().serialize(TOPIC, event);

        assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(event);
    }

    @Test
    void deserializerRejectsAWrongMagicByte() {
        byte[] bytes = serde.serializer().serialize(TOPIC, TestRecords.segmentEvent("m-3"));
        bytes[0] = 0x1;

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("topic 'segment.raw'")
                .hasMessageContaining("0x01 instead of the magic byte 0x0");
    }

    @Test
    void deserializerRejectsInputShorterThanTheHeader() {
        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, new byte[] {0x0, 0x0, 0x1}))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("3 bytes long, shorter than the 5-byte header");
    }

    @Test
    void deserializerRejectsASchemaIdTheRegistryDoesNotKnow() {
        byte[] bytes = serde.serializer().serialize(TOPIC, TestRecords.segmentEvent("m-4"));
        bytes[4] = 0x7;

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("writer schema id " + (SCHEMA_ID + 3))
                .hasMessageContaining("does not know");
    }

    @Test
    void deserializerRejectsTruncatedAvro() {
        byte[] bytes = serde.serializer().serialize(TOPIC, TestRecords.segmentEvent("m-5"));

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, Arrays.copyOf(bytes, bytes.length - 10)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not valid Avro for writer schema id " + SCHEMA_ID);
    }

    @Test
    void deserializerRejectsBytesLeftOverAfterTheRecord() {
        byte[] bytes = serde.serializer().serialize(TOPIC, TestRecords.segmentEvent("m-6"));

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, Arrays.copyOf(bytes, bytes.length + 3)))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("bytes left over");
    }

    @Test
    void deserializerRejectsAnArrayLengthBeyondTheRecordWithoutAllocatingIt() {
        AvroSerde<UserState> states = new AvroSerde<>(UserState.class, new SingleSchemaRegistry(SCHEMA_ID, UserState.getClassSchema()));
        // Header; lastSequence, maxEventTime 0, maxMessageId "", firstSeen, lastSeen, eventCount 0, erased false;
        // then a block of about a billion waiting events, then nothing.
        byte[] bytes = {0x0, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0, 0, 0, 0,
                (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x07};

        assertThatThrownBy(() -> states.deserializer().deserialize(TOPIC, bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not valid Avro");
    }

    @Test
    void deserializerRejectsAStringLengthBeyondTheRecordWithoutAllocatingIt() {
        // Header, then a zig-zag varint string length of about 1 GB for messageId, then nothing.
        byte[] bytes = {0x0, 0x01, 0x02, 0x03, 0x04, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x07};

        assertThatThrownBy(() -> serde.deserializer().deserialize(TOPIC, bytes))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("not valid Avro");
    }

    @Test
    void deserializerReadsARecordInTheMiddleOfABufferWithoutMovingItsPosition() {
        SegmentEvent event = TestRecords.segmentEvent("m-7");
        byte[] record = serde.serializer().serialize(TOPIC, event);
        byte[] surrounded = new byte[record.length + 20];
        System.arraycopy(record, 0, surrounded, 10, record.length);
        ByteBuffer buffer = ByteBuffer.wrap(surrounded, 10, record.length).slice();

        SegmentEvent read = serde.deserializer().deserialize(TOPIC, new RecordHeaders(), buffer);

        assertThat(read).isEqualTo(event);
        assertThat(buffer.position()).isZero();
    }

    @Test
    void deserializerReadsADirectBuffer() {
        SegmentEvent event = TestRecords.segmentEvent("m-8");
        byte[] record = serde.serializer().serialize(TOPIC, event);
        ByteBuffer direct = ByteBuffer.allocateDirect(record.length).put(record).flip();

        assertThat(serde.deserializer().deserialize(TOPIC, new RecordHeaders(), direct)).isEqualTo(event);
    }

    @Test
    void nullIsATombstoneBothWays() {
        assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
        assertThat(serde.deserializer().deserialize(TOPIC, (byte[]) null)).isNull();
        assertThat(serde.deserializer().deserialize(TOPIC, new RecordHeaders(), (ByteBuffer) null)).isNull();
    }

    @Test
    void serializerRefusesARecordWithARequiredFieldLeftNullNamingTheTopic() {
        SegmentEvent incomplete = TestRecords.segmentEvent("m-9");
        incomplete.setMessageId(null);

        assertThatThrownBy(() -> serde.serializer().serialize(TOPIC, incomplete))
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Could not write a SegmentEvent to topic 'segment.raw'");
    }

    @Test
    void headerHelperWritesAndReadsTheSameId() throws IOException {
        GrowableByteSink sink = new GrowableByteSink(8);
        WireFormat.writeHeader(sink, -2);

        byte[] header = sink.toByteArray();

        assertThat(header).containsExactly(0x0, 0xff, 0xff, 0xff, 0xfe);
        assertThat(WireFormat.readSchemaId(TOPIC, header, 0, header.length)).isEqualTo(-2);
    }

    /** A registry that holds one schema under a chosen id. */
    private static final class SingleSchemaRegistry implements SchemaRegistry {

        private final int id;
        private final Schema schema;

        SingleSchemaRegistry(int id, Schema schema) {
            this.id = id;
            this.schema = schema;
        }

        @Override
        public int register(String subject, Schema registered) {
            return id;
        }

        @Override
        public Schema schemaById(int requested) {
            if (requested != id) {
                throw SchemaRegistryException.schemaNotFound(requested);
            }
            return schema;
        }

        @Override
        public RegisteredSchema latest(String subject) {
            return new RegisteredSchema(subject, id, 1, schema);
        }

        @Override
        public boolean isCompatible(String subject, Schema candidate) {
            return true;
        }

        @Override
        public List<String> subjects() {
            return List.of();
        }
    }
}
