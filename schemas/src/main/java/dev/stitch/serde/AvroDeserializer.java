package dev.stitch.serde;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityResult;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SystemLimitException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.FastReaderBuilder;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads records in the Confluent wire format into one generated Avro record class: takes the writer
 * schema's id from the {@link WireFormat} header, fetches that schema from the registry, and resolves it
 * against the class's schema, so data written with an older or newer compatible schema reads into the
 * current class. A null record reads as null (a tombstone). Works without trusting any Avro packages
 * JVM-wide (see {@link GeneratedClassesData}).
 *
 * <p>A record that is not valid (short, wrong magic byte, unknown schema id, corrupt Avro) is refused with
 * a {@link SerializationException}, which a stream routes to its dead-letter topic. A registry that cannot
 * be reached is a {@link SchemaRegistryException} instead: the record is fine, and must not be dead-lettered.
 *
 * <p>Thread-safe: readers are built once per writer schema id and shared; each thread reuses its decoder.
 * They are Avro's fast readers, which resolve the writer schema against the class's once, when built,
 * instead of on every record as {@code SpecificDatumReader} does: a record decodes in about half the
 * time. Avro turns them on only for its own data models, so this class builds them itself.
 */
public final class AvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {

    private final Class<T> type;
    private final SchemaRegistry registry;
    private final Schema readerSchema;
    private final FastReaderBuilder fastReaders;
    private final ConcurrentMap<Integer, DatumReader<T>> readersByWriterId = new ConcurrentHashMap<>();
    private final ThreadLocal<BinaryDecoder> decoders =
            ThreadLocal.withInitial(() -> DecoderFactory.get().binaryDecoder(new byte[0], null));

    public AvroDeserializer(Class<T> type, SchemaRegistry registry) {
        this.type = Objects.requireNonNull(type, "type");
        this.registry = Objects.requireNonNull(registry, "registry");
        GeneratedClassesData data = GeneratedClassesData.forRecordClass(type);
        this.readerSchema = data.getSchema(type);
        this.fastReaders = new FastReaderBuilder(data);
    }

    @Override
    public T deserialize(String topic, byte[] bytes) {
        return bytes == null ? null : read(topic, bytes, 0, bytes.length);
    }

    /** Reads straight from the buffer's array when it has one, sparing the copy Kafka's default makes. */
    @Override
    public T deserialize(String topic, Headers headers, ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        if (buffer.hasArray()) {
            return read(topic, buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return read(topic, bytes, 0, bytes.length);
    }

    private T read(String topic, byte[] bytes, int offset, int length) {
        int writerId = WireFormat.readSchemaId(topic, bytes, offset, length);
        DatumReader<T> reader = readerFor(topic, writerId);
        // Reuse of the thread's decoder: binaryDecoder re-points it at these bytes and returns it.
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(
                bytes, offset + WireFormat.HEADER_SIZE, length - WireFormat.HEADER_SIZE, decoders.get());
        T record;
        boolean trailingBytes;
        // The bound on what all collections of one record may allocate, which Avro's own readers set.
        SystemLimitException.beginCollectionAllocationScope();
        try {
            record = reader.read(null, decoder);
            trailingBytes = !decoder.isEnd();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("A record on topic '" + topic + "' is not valid Avro for writer schema id "
                    + writerId + " (read as " + type.getSimpleName() + "): " + e, e);
        } finally {
            SystemLimitException.endCollectionAllocationScope();
        }
        if (trailingBytes) {
            throw new SerializationException("A record on topic '" + topic + "' has bytes left over after its Avro data for "
                    + "writer schema id " + writerId + ": it is corrupt, or its header names the wrong schema.");
        }
        return record;
    }

    private DatumReader<T> readerFor(String topic, int writerId) {
        DatumReader<T> cached = readersByWriterId.get(writerId);
        if (cached != null) {
            return cached;
        }
        Schema writerSchema;
        try {
            writerSchema = registry.schemaById(writerId);
        } catch (SchemaRegistryException e) {
            if (e.errorCode() != SchemaRegistryException.SCHEMA_NOT_FOUND) {
                throw e;
            }
            throw new SerializationException("A record on topic '" + topic + "' names writer schema id " + writerId
                    + ", which the schema registry does not know: it was written against another registry, or is corrupt.", e);
        }
        // Checked here so that an unreadable writer schema is named as such, not reported as corrupt data.
        SchemaCompatibilityResult result =
                SchemaCompatibility.checkReaderWriterCompatibility(readerSchema, writerSchema).getResult();
        if (result.getCompatibility() != SchemaCompatibilityType.COMPATIBLE) {
            String problems = result.getIncompatibilities().stream()
                    .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                    .collect(Collectors.joining("; "));
            throw new SerializationException("A record on topic '" + topic + "' was written with schema id " + writerId
                    + " (" + writerSchema.getFullName() + "), which cannot be read as " + type.getName() + ": " + problems);
        }
        DatumReader<T> reader;
        try {
            reader = fastReaders.createDatumReader(writerSchema, readerSchema);
        } catch (IOException e) {
            throw new SerializationException("No reader could be built for writer schema id " + writerId + " ("
                    + writerSchema.getFullName() + ") as " + type.getName() + ": " + e, e);
        }
        DatumReader<T> raced = readersByWriterId.putIfAbsent(writerId, reader);
        return raced != null ? raced : reader;
    }
}
