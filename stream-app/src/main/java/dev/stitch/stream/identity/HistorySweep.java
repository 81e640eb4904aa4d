package dev.stitch.stream.identity;

import dev.stitch.schema.internal.IdentityState;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the anonymous ids whose buffered history passed the retention (R12) by walking the identity
 * states, a slice at a time: a pass reads each id once, and no event writes an index of what expires
 * when. A pass that is under way goes on from the id it stopped after; ids written meanwhile are met
 * by this pass or the next.
 */
final class HistorySweep {

    /** Told of each unlinked id that an expiry left with no history, which is then forgotten. */
    interface Forgotten {
        void id(String anonymousId, int droppedEvents);
    }

    private final KeyValueStore<String, IdentityState> identities;
    private final AnonymousHistoryBuffer history;
    private final int idsPerSlice;
    private boolean underWay;
    /** The id the pass under way stopped after; null at the start of a pass. */
    private String stoppedAfter;

    HistorySweep(KeyValueStore<String, IdentityState> identities, AnonymousHistoryBuffer history, int idsPerSlice) {
        this.identities = identities;
        this.history = history;
        this.idsPerSlice = idsPerSlice;
    }

    /** Starts a pass over every id, unless one is still under way. */
    void startPass() {
        underWay = true;
    }

    boolean underWay() {
        return underWay;
    }

    /**
     * Looks at the next {@code idsPerSlice} ids of the pass under way and drops their events that
     * arrived at or before {@code cutoff}; returns how many events were dropped.
     */
    int nextSlice(long cutoff, Forgotten forgotten) {
        if (!underWay) {
            return 0;
        }
        // Only the keys: an unlinked id's state holds its first events, so a slice of states would be
        // large; each due one is read again when it expires.
        List<String> due = new ArrayList<>();
        String last = null;
        int seen = 0;
        try (KeyValueIterator<String, IdentityState> states = identities.range(stoppedAfter, null)) {
            while (states.hasNext() && seen < idsPerSlice) {
                KeyValue<String, IdentityState> entry = states.next();
                if (entry.key.equals(stoppedAfter)) {
                    continue;
                }
                seen++;
                last = entry.key;
                Long oldest = entry.value.getOldestBufferedAt();
                if (entry.value.getBufferedCount() > 0 && oldest != null && oldest <= cutoff) {
                    due.add(entry.key);
                }
            }
            underWay = states.hasNext();
        }
        stoppedAfter = underWay ? last : null;
        int dropped = 0;
        for (String anonymousId : due) {
            dropped += expire(anonymousId, identities.get(anonymousId), cutoff, forgotten);
        }
        return dropped;
    }

    private int expire(String anonymousId, IdentityState state, long cutoff, Forgotten forgotten) {
        int dropped = history.dropArrivedUpTo(anonymousId, state, cutoff);
        if (state.getBufferedCount() == 0 && state.getUserId() == null) {
            identities.delete(anonymousId);
            forgotten.id(anonymousId, dropped);
        } else {
            identities.put(anonymousId, state);
        }
        return dropped;
    }
}
