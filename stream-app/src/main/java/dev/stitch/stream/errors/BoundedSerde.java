package dev.stitch.stream.errors;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A serde that refuses, with an {@link UnusableRecordException}, to write a value larger than Kafka
 * takes, and, for topics whose records always have one, to read a record without it. Refused before
 * the producer sees them, such records go to the dead-letter topic through the exception handlers
 * and the transaction goes on; a record the producer itself refused would abort it.
 */
public final class BoundedSerde<T> implements Serde<T> {

    private final Serde<T> inner;
    private final int maxBytes;
    private final DeadLetterReason whenMissing;

    /**
     * @param maxBytes    the most bytes a serialized value, with its headers, may take
     * @param whenMissing the reason a record without this part is refused with when read, or null to read it as null
     */
    public BoundedSerde(Serde<T> inner, int maxBytes, DeadLetterReason whenMissing) {
        this.inner = inner;
        this.maxBytes = maxBytes;
        this.whenMissing = whenMissing;
    }

    @Override
    public Serializer<T> serializer() {
        Serializer<T> serializer = inner.serializer();
        return new Serializer<>() {
            @Override
            public byte[] serialize(String topic, T data) {
                return checked(topic, serializer.serialize(topic, data), 0);
            }

            @Override
            public byte[] serialize(String topic, Headers headers, T data) {
                return checked(topic, serializer.serialize(topic, headers, data), headers == null ? 0 : DeadLetterHeaders.sizeOf(headers));
            }
        };
    }

    @Override
    public Deserializer<T> deserializer() {
        Deserializer<T> deserializer = inner.deserializer();
        return new Deserializer<>() {
            @Override
            public T deserialize(String topic, byte[] data) {
                return deserializer.deserialize(topic, present(topic, data));
            }

            @Override
            public T deserialize(String topic, Headers headers, byte[] data) {
                return deserializer.deserialize(topic, headers, present(topic, data));
            }
        };
    }

    private byte[] checked(String topic, byte[] bytes, int headerBytes) {
        if (bytes != null && bytes.length + headerBytes > maxBytes) {
            throw new UnusableRecordException(DeadLetterReason.RECORD_TOO_LARGE, "a record for " + topic + " would take "
                    + (bytes.length + headerBytes) + " bytes with its headers, more than the " + maxBytes
                    + " Kafka takes here (STITCH_MAX_RECORD_BYTES)");
        }
        return bytes;
    }

    private byte[] present(String topic, byte[] data) {
        if (data == null && whenMissing != null) {
            throw new UnusableRecordException(whenMissing, whenMissing == DeadLetterReason.NO_KEY
                    ? "the record on " + topic + " has no key, and the key says whom it is about"
                    : "the record on " + topic + " has no value (a tombstone); the topic carries records with one");
        }
        return data;
    }
}
