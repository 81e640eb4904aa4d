package dev.stitch.stream.timeline;

import org.apache.kafka.common.header.Headers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The event time and messageId of an event on its way to the timeline stage, carried as record
 * headers beside the encoded event: the reorder buffer sorts by them without decoding the event.
 */
public final class OrderHeaders {

    static final String EVENT_TIME = "stitch.event-time";
    static final String MESSAGE_ID = "stitch.message-id";

    private OrderHeaders() {
    }

    public static void write(Headers headers, long eventTime, String messageId) {
        headers.remove(EVENT_TIME).remove(MESSAGE_ID);
        headers.add(EVENT_TIME, ByteBuffer.allocate(Long.BYTES).putLong(eventTime).array());
        headers.add(MESSAGE_ID, messageId.getBytes(StandardCharsets.UTF_8));
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
