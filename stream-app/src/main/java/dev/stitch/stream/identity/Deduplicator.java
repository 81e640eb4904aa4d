package dev.stitch.stream.identity;

import dev.stitch.stream.state.SeenBatch;
import dev.stitch.stream.state.SeenMessages;
import dev.stitch.stream.state.Sighting;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Remembers messageIds for a window (R9), so a retried event is processed once, at one changelog
 * record per commit rather than one per event.
 *
 * <p>The ids go into batches, in the order they are seen, a batch to a key of a cached store, so a
 * commit writes each batch it touched once; look-ups go to the index beside them ({@link SeenMessages}),
 * which this writes at once and every restore and standby replica keeps from the batches. An index
 * that holds ids of a transaction that did not commit knows them by their record: that record,
 * processed again, is not its own duplicate.
 *
 * <p>Batches older than the window go, with their ids in the index, as new ones begin.
 */
final class Deduplicator {

    /** A batch's size: a few kilobytes of ids, one changelog record per commit. */
    static final int MAX_BATCH_BYTES = 8 * 1024;
    /** Batches expired per new batch: the backlog after a jump of time drains while the index keeps up. */
    private static final int EXPIRED_PER_NEW_BATCH = 2;

    private final KeyValueStore<Bytes, byte[]> batches;
    private final SeenMessages seen;
    private final long windowMs;
    private final int maxBatchBytes;
    private long filling;
    /** The batch being filled, the array last put, and how many of its bytes hold entries. */
    private byte[] batch;
    private int filled;
    private long oldest;
    private long latestTime = Long.MIN_VALUE;

    /**
     * @param batches the store as the processor has it, with its cache and changelog
     * @param seen    the same store beneath them, with its index
     */
    Deduplicator(KeyValueStore<Bytes, byte[]> batches, SeenMessages seen, Duration window, int maxBatchBytes) {
        this.batches = batches;
        this.seen = seen;
        this.windowMs = window.toMillis();
        this.maxBatchBytes = maxBatchBytes;
        try (KeyValueIterator<Bytes, byte[]> all = batches.all()) {
            oldest = all.hasNext() ? SeenBatch.number(all.next().key) : seen.filling() + 1;
        }
        begin(seen.filling() + 1);
    }

    /**
     * True the first time {@code messageId} shows up within the window around {@code time}, or when
     * {@code source} is the record it was first seen in; remembers it.
     *
     * @param source the input record being processed, or null when there is none
     */
    boolean firstSighting(String messageId, long time, RecordMetadata source) {
        if (messageId.isEmpty()) {
            return true; // the decoder sends an event without a messageId to the dead letters; the key is the index's own
        }
        byte[] utf8 = messageId.getBytes(StandardCharsets.UTF_8);
        Sighting earlier = seen.sighting(utf8);
        if (earlier != null && Math.abs(earlier.time() - time) <= windowMs && !earlier.sameRecord(source)) {
            return false;
        }
        seen.remember(utf8, Sighting.of(time, source));
        latestTime = Math.max(latestTime, time);
        append(utf8, time);
        return true;
    }

    private void append(byte[] utf8, long time) {
        if (filled > 0 && filled + SeenBatch.entryBytes(utf8) > maxBatchBytes) {
            begin(filling + 1);
            expire();
        }
        // In place: the batch is not copied for each id. The record cache holds this array and is told of
        // each change at once by the put; RocksDB and the changelog's producer copy it when it is written down.
        batch = SeenBatch.withEntry(batch, filled, maxBatchBytes, utf8, time);
        filled += SeenBatch.entryBytes(utf8);
        batches.put(SeenBatch.key(filling), batch);
    }

    private void begin(long number) {
        filling = number;
        batch = null;
        filled = 0;
        seen.begin(number);
    }

    /** Deletes the oldest batches whose every id is older than the window, and their ids in the index. */
    private void expire() {
        for (int i = 0; i < EXPIRED_PER_NEW_BATCH && oldest < filling; i++) {
            byte[] expiring = batches.get(SeenBatch.key(oldest));
            if (expiring != null) {
                List<SeenBatch.Entry> entries = SeenBatch.entries(expiring);
                long newest = entries.stream().mapToLong(SeenBatch.Entry::time).max().orElse(Long.MIN_VALUE);
                if (newest >= latestTime - windowMs) {
                    return;
                }
                entries.forEach(seen::forget);
                batches.delete(SeenBatch.key(oldest));
            }
            oldest++;
        }
    }
}
