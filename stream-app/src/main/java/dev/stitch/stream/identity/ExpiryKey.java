package dev.stitch.stream.identity;

import org.apache.kafka.common.utils.Bytes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Key of the history expiry index: a time (8 bytes, sign bit flipped so byte order is time order)
 * then an anonymous id. A range scan from the start up to a cut-off finds every id with history older
 * than the cut-off, oldest first.
 */
final class ExpiryKey {

    private ExpiryKey() {
    }

    static Bytes of(long time, String anonymousId) {
        byte[] id = anonymousId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES + id.length).putLong(time ^ Long.MIN_VALUE).put(id).array());
    }

    /** The greatest key of any id at {@code time}: the inclusive end of a scan up to that time. */
    static Bytes upTo(long time) {
        byte[] bytes = ByteBuffer.allocate(Long.BYTES + 1).putLong(time ^ Long.MIN_VALUE).put((byte) 0xFF).array();
        return Bytes.wrap(bytes);
    }

    static Bytes first() {
        return Bytes.wrap(new byte[0]);
    }

    static String anonymousId(Bytes key) {
        return new String(key.get(), Long.BYTES, key.get().length - Long.BYTES, StandardCharsets.UTF_8);
    }
}
