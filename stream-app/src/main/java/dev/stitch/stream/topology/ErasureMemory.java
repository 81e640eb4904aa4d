package dev.stitch.stream.topology;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The users erased lately (R13), each with the receivedAt of its request, so that what was on its way
 * to them at the request is recognised when it arrives. A copy in memory answers the check made for
 * every record without a store read; the store keeps the erasures across restarts.
 */
public final class ErasureMemory {

    private final KeyValueStore<String, Long> store;
    private final Map<String, Long> erasedUpTo = new HashMap<>();

    public ErasureMemory(KeyValueStore<String, Long> store) {
        this.store = store;
        try (KeyValueIterator<String, Long> all = store.all()) {
            all.forEachRemaining(entry -> erasedUpTo.put(entry.key, entry.value));
        }
    }

    public void remember(String userId, long upTo) {
        store.put(userId, upTo);
        erasedUpTo.put(userId, upTo);
    }

    /** The receivedAt up to which the user's records were erased; null when it was not erased lately. */
    public Long erasedUpTo(String userId) {
        return erasedUpTo.get(userId);
    }

    public void forget(String userId) {
        if (erasedUpTo.remove(userId) != null) {
            store.delete(userId);
        }
    }

    /** Forgets each erasure once {@code memory} has passed since it, on the wall clock. */
    public void forgetAfter(ProcessingContext context, Duration memory) {
        Duration sweepInterval = Duration.ofMillis(Math.max(1_000, memory.toMillis() / 6));
        context.schedule(sweepInterval, PunctuationType.WALL_CLOCK_TIME, now -> forgetBefore(now - memory.toMillis()));
    }

    private void forgetBefore(long cutoff) {
        List<String> forgotten = new ArrayList<>();
        erasedUpTo.forEach((userId, upTo) -> {
            if (upTo < cutoff) {
                forgotten.add(userId);
            }
        });
        forgotten.forEach(this::forget);
    }
}
