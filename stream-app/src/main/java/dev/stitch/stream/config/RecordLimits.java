package dev.stitch.stream.config;

import dev.stitch.events.IdLimits;

import java.util.Map;

/**
 * How large a record the application takes in, and how large one it writes. Everything it writes (to
 * a topic, or to a store and so its changelog) stays under what Kafka takes, so that no input can make
 * Kafka refuse a record: a record over the bound goes to the dead-letter topic instead.
 *
 * @param maxEventBytes  the largest input record on the raw topic, key, value and headers together
 *                       ({@code STITCH_MAX_EVENT_BYTES}, 64 KB; the bridge's own limit is 32 KB an event)
 * @param maxRecordBytes the largest value (with its headers) the application writes
 *                       ({@code STITCH_MAX_RECORD_BYTES}; by default the producer's {@code max.request.size},
 *                       1 MB unless set, less {@value #KEY_AND_OVERHEAD_BYTES} bytes for the key and Kafka's overhead)
 * @param ids            how long an id may be ({@code STITCH_MAX_ID_LENGTH})
 */
public record RecordLimits(int maxEventBytes, int maxRecordBytes, IdLimits ids) {

    /** The Kafka Streams configuration key the exception handlers read {@link #maxRecordBytes} from. */
    public static final String MAX_RECORD_BYTES_CONFIG = "stitch.max.record.bytes";
    public static final int DEFAULT_MAX_EVENT_BYTES = 64 * 1024;
    /** The largest key the application writes to the dead-letter topic; longer ones are left out. */
    public static final int MAX_KEY_BYTES = 16 * 1024;
    /** Room kept under {@code max.request.size} for the key and the record and batch overhead. */
    public static final int KEY_AND_OVERHEAD_BYTES = 2 * MAX_KEY_BYTES;
    /** The Kafka producer's own default {@code max.request.size}. */
    public static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

    public RecordLimits {
        if (maxEventBytes < 1 || maxRecordBytes < 1) {
            throw new IllegalArgumentException("record limits must be at least one byte");
        }
    }

    public static RecordLimits defaults() {
        return new RecordLimits(DEFAULT_MAX_EVENT_BYTES, maxRecordBytesUnder(DEFAULT_MAX_REQUEST_SIZE), IdLimits.defaults());
    }

    /** The default bound of what the application writes, for a producer's {@code max.request.size}. */
    public static int maxRecordBytesUnder(int maxRequestSize) {
        return maxRequestSize - KEY_AND_OVERHEAD_BYTES;
    }

    /** The producer's {@code max.request.size} in the client settings, as Kafka Streams would take it, or Kafka's default. */
    public static int maxRequestSize(Map<String, String> clientOverrides) {
        String value = clientOverrides.getOrDefault("producer.max.request.size", clientOverrides.get("max.request.size"));
        return value == null ? DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(value.trim());
    }

    public RecordLimits withMaxRecordBytes(int value) {
        return new RecordLimits(maxEventBytes, value, ids);
    }

    public RecordLimits withMaxEventBytes(int value) {
        return new RecordLimits(value, maxRecordBytes, ids);
    }
}
