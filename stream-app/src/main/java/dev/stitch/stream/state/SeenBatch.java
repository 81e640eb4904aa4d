package dev.stitch.stream.state;

import org.apache.kafka.common.utils.Bytes;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One batch of the messageIds a partition has seen, as the {@link Catalogue#SEEN_MESSAGES_STORE}
 * holds it: keyed by the batch's number (8 bytes, big-endian, so byte order is number order), its
 * value each id's time (8 bytes), UTF-8 length (4 bytes) and UTF-8, in the order they were seen, then
 * zeros to the batch's fixed size (no messageId is empty, so a zero length ends the entries).
 *
 * <p>The size is fixed so that a batch being filled keeps its size in Kafka Streams' record cache: the
 * cache makes room by writing down entries of the store whose put made it overflow, and a put that
 * does not grow the cache never does, so the batch reaches the changelog once per commit. It is one
 * array, written in place: the cache holds it and is told of each change by the put that follows.
 */
public final class SeenBatch {

    /** A messageId and the time it was seen at. */
    public record Entry(String messageId, long time) {
    }

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

    /**
     * Writes the entry after the first {@code filled} bytes of {@code batch}, which has room for it, in
     * place; into a new batch of {@code size} bytes (more if the one entry needs more) when
     * {@code batch} is null.
     *
     * @return the batch the entry is in
     */
    public static byte[] withEntry(byte[] batch, int filled, int size, byte[] utf8, long time) {
        byte[] into = batch != null ? batch : new byte[Math.max(size, entryBytes(utf8))];
        ByteBuffer.wrap(into, filled, entryBytes(utf8)).putLong(time).putInt(utf8.length).put(utf8);
        return into;
    }

    public static List<Entry> entries(byte[] batch) {
        List<Entry> entries = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(batch);
        while (buffer.remaining() >= ENTRY_HEADER_BYTES) {
            long time = buffer.getLong();
            int length = buffer.getInt();
            if (length <= 0 || length > buffer.remaining()) {
                break;
            }
            byte[] utf8 = new byte[length];
            buffer.get(utf8);
            entries.add(new Entry(new String(utf8, StandardCharsets.UTF_8), time));
        }
        return entries;
    }
}
