package dev.stitch.stream.errors;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The headers a dead-letter record carries: why it was refused and where it came from. */
public final class DeadLetterHeaders {

    /** A sentence about the record: what is wrong with it. */
    public static final String REASON = "stitch.dlq.reason";
    /** The reason's short code ({@link DeadLetterReason#code()}), the same for every record refused for it. */
    public static final String CODE = "stitch.dlq.code";
    public static final String ERROR = "stitch.dlq.error";
    public static final String SOURCE_TOPIC = "stitch.dlq.source.topic";
    public static final String SOURCE_PARTITION = "stitch.dlq.source.partition";
    public static final String SOURCE_OFFSET = "stitch.dlq.source.offset";
    /** The processor that failed, when a processor failed. */
    public static final String PROCESSOR = "stitch.dlq.processor";
    /**
     * The size in bytes of a record too large to be kept on the dead-letter topic: the dead letter then
     * names it (source, key, this size, reason) and carries no value.
     */
    public static final String ORIGINAL_SIZE = "stitch.dlq.original.size";

    private DeadLetterHeaders() {
    }

    /** The original headers with the dead-letter ones added; {@code error} may be null. */
    public static Headers describe(Headers original, DeadLetterReason reason, String sentence, Throwable error,
                                   Optional<RecordMetadata> source) {
        Headers headers = new RecordHeaders(original.toArray());
        addReason(headers, reason, sentence, error);
        source.ifPresent(metadata -> addSource(headers, metadata.topic(), metadata.partition(), metadata.offset()));
        return headers;
    }

    static void addReason(Headers headers, DeadLetterReason reason, String sentence, Throwable error) {
        add(headers, REASON, sentence);
        add(headers, CODE, reason.code());
        if (error != null) {
            add(headers, ERROR, error.getClass().getName() + ": " + error.getMessage());
        }
    }

    /** Adds where the record was read; nothing when it was not read from a topic (a punctuation). */
    static void addSource(Headers headers, String topic, int partition, long offset) {
        if (topic != null) {
            add(headers, SOURCE_TOPIC, topic);
            add(headers, SOURCE_PARTITION, Integer.toString(partition));
            add(headers, SOURCE_OFFSET, Long.toString(offset));
        }
    }

    public static String text(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The bytes the headers take in a record, as Kafka counts them (names and values). */
    public static int sizeOf(Headers headers) {
        int size = 0;
        for (Header header : headers) {
            size += header.key().getBytes(StandardCharsets.UTF_8).length + (header.value() == null ? 0 : header.value().length);
        }
        return size;
    }

    static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
