package dev.stitch.serde;

import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes one generated Avro record class in the Confluent wire format: the schema's registry id in a
 * {@link WireFormat} header, then Avro binary. The class's schema is registered under {@code <topic>-value}
 * ({@code <topic>-key} when configured for keys) the first time a topic is written, and the id remembered.
 * A null record is written as null (a tombstone).
 *
 * <p>Thread-safe: Kafka Streams may share one instance between stream threads. Each thread reuses its own
 * output buffer and encoder.
 */
public final class AvroSerializer<T extends SpecificRecord> implements Serializer<T> {

    private static final int INITIAL_BUFFER_BYTES = 512;

    private final Class<T> type;
    private final SchemaRegistry registry;
    private final Schema schema;
    private final DatumWriter<T> writer;
    private final ConcurrentMap<String, Integer> schemaIdsByTopic = new ConcurrentHashMap<>();
    private final ThreadLocal<ThreadOutput> outputs = ThreadLocal.withInitial(ThreadOutput::new);
    private volatile boolean isKey;

    public AvroSerializer(Class<T> type, SchemaRegistry registry) {
        this.type = Objects.requireNonNull(type, "type");
        this.registry = Objects.requireNonNull(registry, "registry");
        SpecificDatumWriter<T> specificWriter = new SpecificDatumWriter<>(type);
        this.schema = specificWriter.getSpecificData().getSchema(type);
        this.writer = specificWriter;
    }

    /** Reads only {@code isKey}: it decides between the {@code -key} and {@code -value} subjects. */
    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        schemaIdsByTopic.clear();
    }

    /**
     * @throws SerializationException when the record cannot be written as Avro (a required field left null)
     * @throws SchemaRegistryException when the registry refuses or cannot be reached to register the schema
     */
    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        int schemaId = schemaIdFor(topic);
        try {
            return outputs.get().write(schemaId, writer, record);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("Could not write a " + type.getSimpleName() + " to topic '" + topic
                    + "' as Avro: " + e.getMessage(), e);
        }
    }

    private int schemaIdFor(String topic) {
        Integer cached = schemaIdsByTopic.get(topic);
        if (cached != null) {
            return cached;
        }
        int id = registry.register(SubjectNames.forTopic(topic, isKey), schema);
        schemaIdsByTopic.putIfAbsent(topic, id);
        return id;
    }

    /** One thread's buffer and encoder, reused from record to record. */
    private static final class ThreadOutput {

        private final GrowableByteSink sink = new GrowableByteSink(INITIAL_BUFFER_BYTES);
        private BinaryEncoder encoder;

        <T> byte[] write(int schemaId, DatumWriter<T> writer, T record) throws IOException {
            // Reset first, so a record that failed halfway leaves nothing behind for the next.
            sink.reset();
            WireFormat.writeHeader(sink, schemaId);
            encoder = EncoderFactory.get().directBinaryEncoder(sink, encoder);
            writer.write(record, encoder);
            encoder.flush();
            return sink.toByteArray();
        }
    }
}
