package dev.stitch.stream.identity;

import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A store key for one (user, id) pair (an anonymous id granted to the user, or a name of the user):
 * 4-byte length and UTF-8 of the userId, then the id, so that one user's pairs form one key range.
 */
final class LinkKey {

    private static final BytesSerializer PREFIX_SERIALIZER = new BytesSerializer();

    private LinkKey() {
    }

    static Bytes of(String userId, String id) {
        byte[] user = userId.getBytes(StandardCharsets.UTF_8);
        byte[] anonymous = id.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Integer.BYTES + user.length + anonymous.length)
                .putInt(user.length).put(user).put(anonymous).array());
    }

    static Bytes prefix(String userId) {
        byte[] user = userId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(Integer.BYTES + user.length).putInt(user.length).put(user).array());
    }

    static String id(Bytes key) {
        ByteBuffer buffer = ByteBuffer.wrap(key.get());
        int userLength = buffer.getInt();
        int offset = Integer.BYTES + userLength;
        return new String(key.get(), offset, key.get().length - offset, StandardCharsets.UTF_8);
    }

    /** The ids paired with {@code userId} in a store of such pairs, in key order. */
    static List<String> idsOf(KeyValueStore<Bytes, byte[]> pairs, String userId) {
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = pairs.prefixScan(prefix(userId), PREFIX_SERIALIZER)) {
            all.forEachRemaining(entry -> ids.add(id(entry.key)));
        }
        return ids;
    }
}
