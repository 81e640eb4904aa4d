package dev.stitch.stream.state;

import org.apache.kafka.common.utils.Bytes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One batch of the messageIds a partition has seen, as the {@link Catalogue#SEEN_MESSAGE_BATCHES_STORE}
 * holds it: keyed by the batch's number (8 bytes, big-endian, so byte order is number order), its
 * value each id's time (8 bytes), UTF-8 length (4 bytes) and UTF-8, in the order they were seen.
 */
public final class SeenBatch {

    /** A messageId and the time it was seen at. */
    public record Entry(String messageId, long time) {
    }

    public static final byte[] EMPTY = new byte[0];
    private static final int ENTRY_HEADER_BYTES = Long.BYTES + Integer.BYTES;

    private SeenBatch() {
    }

    public static Bytes key(long number) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES).putLong(number).array());
    }

    public static long number(Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong();
    }

    /** The bytes an entry of {@code utf8} takes in a batch. */
    public static int entryBytes(byte[] utf8) {
        return ENTRY_HEADER_BYTES + utf8.length;
    }

    /** A new batch value: {@code batch} with the entry after its own (the store keeps the old array, so it is copied). */
    public static byte[] appended(byte[] batch, byte[] utf8, long time) {
        byte[] grown = Arrays.copyOf(batch, batch.length + entryBytes(utf8));
        ByteBuffer.wrap(grown, batch.length, entryBytes(utf8)).putLong(time).putInt(utf8.length).put(utf8);
        return grown;
    }

    public static List<Entry> entries(byte[] batch) {
        List<Entry> entries = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(batch);
        while (buffer.remaining() >= ENTRY_HEADER_BYTES) {
            long time = buffer.getLong();
            byte[] utf8 = new byte[buffer.getInt()];
            buffer.get(utf8);
            entries.add(new Entry(new String(utf8, StandardCharsets.UTF_8), time));
        }
        return entries;
    }
}
