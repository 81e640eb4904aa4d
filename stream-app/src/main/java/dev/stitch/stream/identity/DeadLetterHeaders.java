package dev.stitch.stream.identity;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** The headers a dead-letter record carries: why it was refused and where it came from. */
public final class DeadLetterHeaders {

    public static final String REASON = "stitch.dlq.reason";
    public static final String ERROR = "stitch.dlq.error";
    public static final String SOURCE_TOPIC = "stitch.dlq.source.topic";
    public static final String SOURCE_PARTITION = "stitch.dlq.source.partition";
    public static final String SOURCE_OFFSET = "stitch.dlq.source.offset";

    private DeadLetterHeaders() {
    }

    /** The original headers with the dead-letter ones added; {@code error} may be null. */
    public static Headers describe(Headers original, String reason, Throwable error, Optional<RecordMetadata> source) {
        Headers headers = new RecordHeaders(original.toArray());
        add(headers, REASON, reason);
        if (error != null) {
            add(headers, ERROR, error.getClass().getName() + ": " + error.getMessage());
        }
        source.ifPresent(metadata -> {
            add(headers, SOURCE_TOPIC, metadata.topic());
            add(headers, SOURCE_PARTITION, Integer.toString(metadata.partition()));
            add(headers, SOURCE_OFFSET, Long.toString(metadata.offset()));
        });
        return headers;
    }

    public static String text(Headers headers, String name) {
        var header = headers.lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void add(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
