package dev.stitch.stream.app;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Says when a store is restored from its changelog (after a restart without local state, or when a
 * task moves to an instance that held no standby of it), and counts the records restored: what a
 * standby replica saves when an instance stops.
 */
final class StateRestoreLog implements StateRestoreListener {

    private static final Logger log = LoggerFactory.getLogger(StateRestoreLog.class);

    private final AtomicLong restored = new AtomicLong();

    @Override
    public void onRestoreStart(TopicPartition changelog, String storeName, long startingOffset, long endingOffset) {
        if (endingOffset > startingOffset) {
            log.info("Restoring store {} from {}: up to {} changelog records", storeName, changelog, endingOffset - startingOffset);
        }
    }

    @Override
    public void onBatchRestored(TopicPartition changelog, String storeName, long batchEndOffset, long numRestored) {
        restored.addAndGet(numRestored);
    }

    @Override
    public void onRestoreEnd(TopicPartition changelog, String storeName, long totalRestored) {
        if (totalRestored > 0) {
            log.info("Restored store {} from {}: {} records", storeName, changelog, totalRestored);
        }
    }

    /** Records restored from changelogs since the application started. */
    long restoredRecords() {
        return restored.get();
    }
}
