package dev.stitch.stream.state;

import org.apache.kafka.common.utils.Bytes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A key of the users-by-trait store: 4-byte length and UTF-8 of the trait's indexed value, 4-byte
 * length and UTF-8 of the trait's name, then the userId. The value comes first, so that one prefix
 * finds every user with a value under any trait name, and a longer prefix those with it under one
 * name; the length prefixes keep one value's range from catching another value that extends it.
 */
public final class UsersByTraitKey {

    private UsersByTraitKey() {
    }

    /** What one key says: a user has a trait of this name whose indexed value is this. */
    public record Entry(String value, String trait, String userId) {
    }

    public static Bytes of(String value, String trait, String userId) {
        byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
        byte[] traitBytes = trait.getBytes(StandardCharsets.UTF_8);
        byte[] userBytes = userId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(2 * Integer.BYTES + valueBytes.length + traitBytes.length + userBytes.length)
                .putInt(valueBytes.length).put(valueBytes).putInt(traitBytes.length).put(traitBytes).put(userBytes).array());
    }

    /** The prefix of every key of users with this value, under any trait name. */
    public static Bytes prefix(String value) {
        byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Integer.BYTES + valueBytes.length).putInt(valueBytes.length).put(valueBytes).array());
    }

    /** The prefix of every key of users with this value under this trait name. */
    public static Bytes prefix(String value, String trait) {
        byte[] valueBytes = value.getBytes(StandardCharsets.UTF_8);
        byte[] traitBytes = trait.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(2 * Integer.BYTES + valueBytes.length + traitBytes.length)
                .putInt(valueBytes.length).put(valueBytes).putInt(traitBytes.length).put(traitBytes).array());
    }

    public static Entry read(Bytes key) {
        ByteBuffer buffer = ByteBuffer.wrap(key.get());
        String value = text(buffer, buffer.getInt());
        String trait = text(buffer, buffer.getInt());
        String userId = text(buffer, buffer.remaining());
        return new Entry(value, trait, userId);
    }

    private static String text(ByteBuffer buffer, int length) {
        String text = new String(buffer.array(), buffer.position(), length, StandardCharsets.UTF_8);
        buffer.position(buffer.position() + length);
        return text;
    }
}
