package dev.stitch.stream.topology;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The users erased lately (R13), each with the receivedAt of its request, so that what was on its way
 * to them at the request is recognised when it arrives.
 */
public final class ErasureMemory {

    private final MirroredStore<Long> erasedUpTo;

    public ErasureMemory(KeyValueStore<String, Long> store) {
        this.erasedUpTo = new MirroredStore<>(store);
    }

    public void remember(String userId, long upTo) {
        erasedUpTo.put(userId, upTo);
    }

    /** The receivedAt up to which the user's records were erased; null when it was not erased lately. */
    public Long erasedUpTo(String userId) {
        return erasedUpTo.get(userId);
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
        forgotten.forEach(erasedUpTo::delete);
    }
}
