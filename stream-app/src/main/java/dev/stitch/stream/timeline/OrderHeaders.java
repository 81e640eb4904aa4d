package dev.stitch.stream.timeline;

import dev.stitch.schema.SegmentEvent;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The event time and messageId of an event on its way to the timeline stage, carried as record headers
 * beside the encoded event: the reorder buffer sorts by them without decoding the event again.
 */
public final class OrderHeaders {

    static final String EVENT_TIME = "stitch.event-time";
    static final String MESSAGE_ID = "stitch.message-id";

    private OrderHeaders() {
    }

    /** The headers an encoded event travels to the timeline stage with: its event time and messageId. */
    public static Headers of(SegmentEvent event) {
        return of(event.getTimestamp().toEpochMilli(), event.getMessageId());
    }

    static Headers of(long eventTime, String messageId) {
        Headers headers = new RecordHeaders();
        headers.add(EVENT_TIME, ByteBuffer.allocate(Long.BYTES).putLong(eventTime).array());
        headers.add(MESSAGE_ID, messageId.getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /** Whether the headers hold an event time and a messageId, as {@link #of} makes them. */
    static boolean readable(Headers headers) {
        var eventTime = headers.lastHeader(EVENT_TIME);
        var messageId = headers.lastHeader(MESSAGE_ID);
        return eventTime != null && eventTime.value() != null && eventTime.value().length == Long.BYTES
                && messageId != null && messageId.value() != null;
    }

    static long eventTime(Headers headers) {
        return ByteBuffer.wrap(required(headers, EVENT_TIME)).getLong();
    }

    static String messageId(Headers headers) {
        return new String(required(headers, MESSAGE_ID), StandardCharsets.UTF_8);
    }

    private static byte[] required(Headers headers, String name) {
        var header = headers.lastHeader(name);
        if (header == null) {
            throw new IllegalStateException("an event reached the timeline stage without its " + name + " header");
        }
        return header.value();
    }
}
