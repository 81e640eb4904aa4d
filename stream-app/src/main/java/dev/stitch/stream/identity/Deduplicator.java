package dev.stitch.stream.identity;

import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.time.Duration;

/** Remembers messageIds for a window (R9), so a retried event is processed once. */
final class Deduplicator {

    private final WindowStore<String, Long> seen;
    private final long windowMs;

    Deduplicator(WindowStore<String, Long> seen, Duration window) {
        this.seen = seen;
        this.windowMs = window.toMillis();
    }

    /** True the first time {@code messageId} shows up within the window around {@code time}; remembers it. */
    boolean firstSighting(String messageId, long time) {
        try (WindowStoreIterator<Long> earlier = seen.fetch(messageId, time - windowMs, time + windowMs)) {
            if (earlier.hasNext()) {
                return false;
            }
        }
        seen.put(messageId, time, time);
        return true;
    }
}
