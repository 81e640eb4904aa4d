package dev.stitch.benchmark;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an application restored from its changelogs when it started: how many records, and from the
 * first store's restore start to the last one's end.
 */
final class RestoreTally implements StateRestoreListener {

    private final AtomicLong records = new AtomicLong();
    private final AtomicLong firstStartNanos = new AtomicLong();
    private final AtomicLong lastEndNanos = new AtomicLong();
    private final AtomicLong restoring = new AtomicLong();

    @Override
    public void onRestoreStart(TopicPartition partition, String storeName, long startingOffset, long endingOffset) {
        firstStartNanos.compareAndSet(0, System.nanoTime());
        restoring.incrementAndGet();
    }

    @Override
    public void onBatchRestored(TopicPartition partition, String storeName, long batchEndOffset, long numRestored) {
        records.addAndGet(numRestored);
    }

    @Override
    public void onRestoreEnd(TopicPartition partition, String storeName, long totalRestored) {
        lastEndNanos.set(System.nanoTime());
        restoring.decrementAndGet();
    }

    @Override
    public void onRestoreSuspended(TopicPartition partition, String storeName, long totalRestored) {
        restoring.decrementAndGet();
    }

    long records() {
        return records.get();
    }

    /** From the first restore's start to the last one's end; zero when nothing was restored. */
    Duration took() {
        long start = firstStartNanos.get();
        return start == 0 ? Duration.ZERO : Duration.ofNanos(lastEndNanos.get() - start);
    }

    /** When the last restore ended, in {@link System#nanoTime()}; 0 when none did. */
    long endedAtNanos() {
        return lastEndNanos.get();
    }

    boolean restoring() {
        return restoring.get() > 0;
    }
}
