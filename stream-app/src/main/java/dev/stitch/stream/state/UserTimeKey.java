package dev.stitch.stream.state;

import org.apache.kafka.common.utils.Bytes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A store key that sorts one id's entries by time: 4-byte length and UTF-8 of the id, the time as
 * 8 bytes with the sign bit flipped (so byte order is time order, negatives included), then the
 * messageId. The length prefix keeps one id's range from catching another id that extends it.
 */
public final class UserTimeKey {

    private static final int LENGTH_BYTES = Integer.BYTES;
    private static final int TIME_BYTES = Long.BYTES;

    private UserTimeKey() {
    }

    public static Bytes of(String id, long time, String messageId) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        byte[] messageBytes = messageId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(LENGTH_BYTES + idBytes.length + TIME_BYTES + messageBytes.length);
        buffer.putInt(idBytes.length).put(idBytes).putLong(time ^ Long.MIN_VALUE).put(messageBytes);
        return Bytes.wrap(buffer.array());
    }

    /** The prefix shared by every key of {@code id}. */
    public static Bytes prefix(String id) {
        byte[] idBytes = id.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(LENGTH_BYTES + idBytes.length).putInt(idBytes.length).put(idBytes).array());
    }

    public static long time(Bytes key) {
        ByteBuffer buffer = ByteBuffer.wrap(key.get());
        int idLength = buffer.getInt();
        return buffer.getLong(LENGTH_BYTES + idLength) ^ Long.MIN_VALUE;
    }

    public static String id(Bytes key) {
        ByteBuffer buffer = ByteBuffer.wrap(key.get());
        int idLength = buffer.getInt();
        return new String(key.get(), LENGTH_BYTES, idLength, StandardCharsets.UTF_8);
    }
}
