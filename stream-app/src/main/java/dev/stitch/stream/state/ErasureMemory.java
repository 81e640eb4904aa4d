package dev.stitch.stream.state;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/**
 * The cut-off of each erased user id (R13): the receivedAt of its privacy request. The rule it serves:
 * an erasure of a user id cuts off everything the pipeline received before it under any name of that
 * user, whenever it surfaces — anonymous history buffered before the request and linked afterwards,
 * events in flight, moved timelines of merged names, retried messages whose first copy was erased.
 *
 * <p>A cut-off is kept for as long as data received before it can still surface (see
 * {@code StitchSettings.erasureCutOffKept}), then deleted, which writes a tombstone to the store's
 * changelog. An entry is one long under the SHA-256 of the id, not the id itself: no event data, and
 * nothing in a compacted topic names the erased user, the cut-offs included.
 */
public final class ErasureMemory {

    /** How many cut-offs one sweep deletes at most, so a sweep never stalls processing for long. */
    private static final int SWEEP_BATCH = 10_000;

    private final CachedStore<Long> cutOffs;

    public ErasureMemory(KeyValueStore<String, Long> store) {
        this.cutOffs = new CachedStore<>(store);
    }

    public void remember(String userId, long cutOff) {
        cutOffs.put(keyOf(userId), cutOff);
    }

    /** The receivedAt up to which the user's records were erased; null when no cut-off of it is kept. */
    public Long erasedUpTo(String userId) {
        // Asked for every event; mostly no cut-off is kept at all, and then no id needs hashing.
        if (cutOffs.size() == 0) {
            return null;
        }
        return cutOffs.get(keyOf(userId));
    }

    /** The store key of a user id's cut-off: the hex SHA-256 of its UTF-8 bytes. */
    public static String keyOf(String userId) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(userId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * Deletes each cut-off once {@code kept} has passed since it, in stream time, checked every
     * {@code interval}. Stream time, not the wall clock: the anonymous history a cut-off guards is
     * expired by stream time too, so the cut-off never goes before the data it cuts off, also when the
     * application catches up on a backlog long after the wall clock moved on.
     */
    public void forgetAfter(ProcessingContext context, Duration kept, Duration interval) {
        long keptMs = kept.toMillis();
        context.schedule(interval, PunctuationType.STREAM_TIME, streamTime -> forgetUpTo(streamTime - keptMs));
    }

    private void forgetUpTo(long expiredAt) {
        cutOffs.keysWhere((key, cutOff) -> cutOff < expiredAt, SWEEP_BATCH).forEach(cutOffs::delete);
    }
}
