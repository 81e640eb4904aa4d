package dev.stitch.stream.identity;

import dev.stitch.stream.state.SeenBatch;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Remembers messageIds for a window (R9), so a retried event is processed once, at one changelog
 * record per commit rather than one per event.
 *
 * <p>Look-ups go to an index, messageId to {@link Sighting}, that has no changelog. What survives a
 * crash or a move to another instance is the batches: the ids in the order they were seen, a batch
 * to a key of a cached store, so a commit writes each batch it touched once. The index keeps, under
 * a key no messageId has (the empty one), the number of the batch that was being filled when it was
 * last written: every earlier batch is in the index. At the task's start the index takes in the
 * batches from that number on, so an index that is empty (a new instance), behind (a standby that was
 * active before) or that lost its unflushed writes in a crash is complete again. An index that holds
 * ids of a transaction that did not commit knows them by their record: that record, processed again,
 * is not its own duplicate.
 *
 * <p>Batches older than the window go, with their ids in the index, as new ones begin.
 */
final class Deduplicator {

    /** The index key of the batch being filled: no messageId is empty. */
    static final String FILLING = "";
    /** A batch's size: a few kilobytes of ids, copied on each append, one changelog record per commit. */
    static final int MAX_BATCH_BYTES = 8 * 1024;
    /** Batches expired per new batch: the backlog after a jump of time drains while the index keeps up. */
    private static final int EXPIRED_PER_NEW_BATCH = 2;

    private final KeyValueStore<String, byte[]> index;
    private final KeyValueStore<Bytes, byte[]> batches;
    private final long windowMs;
    private final int maxBatchBytes;
    private long filling;
    /** The batch being filled, as last put, and how many of its bytes hold entries. */
    private byte[] batch;
    private int filled;
    private long oldest;
    private long latestTime = Long.MIN_VALUE;

    Deduplicator(KeyValueStore<String, byte[]> index, KeyValueStore<Bytes, byte[]> batches, Duration window, int maxBatchBytes) {
        this.index = index;
        this.batches = batches;
        this.windowMs = window.toMillis();
        this.maxBatchBytes = maxBatchBytes;
    }

    /**
     * At the task's start: takes the batches the index may lack into it, and begins a new batch. Writes
     * only the index, which has no changelog, so it may run outside a record's processing.
     */
    void open() {
        byte[] marker = index.get(FILLING);
        long from = marker == null ? 0 : ByteBuffer.wrap(marker).getLong();
        long last = from - 1;
        try (KeyValueIterator<Bytes, byte[]> unseen = batches.range(SeenBatch.key(from), null)) {
            while (unseen.hasNext()) {
                KeyValue<Bytes, byte[]> batch = unseen.next();
                for (SeenBatch.Entry entry : SeenBatch.entries(batch.value)) {
                    takeIn(entry);
                }
                last = SeenBatch.number(batch.key);
            }
        }
        try (KeyValueIterator<Bytes, byte[]> all = batches.all()) {
            oldest = all.hasNext() ? SeenBatch.number(all.next().key) : last + 1;
        }
        begin(Math.max(last, from) + 1);
    }

    /**
     * True the first time {@code messageId} shows up within the window around {@code time}, or when
     * {@code source} is the record it was first seen in; remembers it.
     *
     * @param source the input record being processed, or null when there is none
     */
    boolean firstSighting(String messageId, long time, RecordMetadata source) {
        if (messageId.isEmpty()) {
            return true; // the decoder sends an event without a messageId to the dead letters; the key is the marker's
        }
        byte[] stored = index.get(messageId);
        if (stored != null) {
            Sighting earlier = Sighting.decoded(stored);
            if (Math.abs(earlier.time() - time) <= windowMs && !earlier.sameRecord(source)) {
                return false;
            }
        }
        index.put(messageId, Sighting.of(time, source).encoded());
        latestTime = Math.max(latestTime, time);
        append(messageId.getBytes(StandardCharsets.UTF_8), time);
        return true;
    }

    private void append(byte[] utf8, long time) {
        if (filled > 0 && filled + SeenBatch.entryBytes(utf8) > maxBatchBytes) {
            begin(filling + 1);
            expire();
        }
        batch = SeenBatch.appended(batch, filled, maxBatchBytes, utf8, time);
        filled += SeenBatch.entryBytes(utf8);
        batches.put(SeenBatch.key(filling), batch);
    }

    private void begin(long number) {
        filling = number;
        batch = null;
        filled = 0;
        index.put(FILLING, ByteBuffer.allocate(Long.BYTES).putLong(number).array());
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
                for (SeenBatch.Entry entry : entries) {
                    forget(entry);
                }
                batches.delete(SeenBatch.key(oldest));
            }
            oldest++;
        }
    }

    /** Keeps the id's latest sighting: an id seen again after the window is in a later batch too. */
    private void takeIn(SeenBatch.Entry entry) {
        byte[] stored = index.get(entry.messageId());
        if (stored == null || Sighting.decoded(stored).time() < entry.time()) {
            index.put(entry.messageId(), Sighting.committed(entry.time()).encoded());
        }
    }

    /** Removes the id from the index unless it was seen again since: then a later batch holds it. */
    private void forget(SeenBatch.Entry entry) {
        byte[] stored = index.get(entry.messageId());
        if (stored != null && Sighting.decoded(stored).time() == entry.time()) {
            index.delete(entry.messageId());
        }
    }
}
