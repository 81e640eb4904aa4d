package dev.stitch.stream.identity;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.internal.IdentityState;
import dev.stitch.stream.state.Catalogue;
import dev.stitch.stream.state.UserTimeKey;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;

/**
 * The events of anonymous ids not yet linked to a user (R2), held until a link stitches them onto
 * the user's timeline, and bounded in count per id and in time (R12).
 *
 * <p>The caller owns each id's {@link IdentityState} (count and oldest arrival live there) and saves
 * it after a call; which ids hold history past the retention, {@link HistorySweep} finds.
 */
final class AnonymousHistoryBuffer {

    private static final BytesSerializer PREFIX_SERIALIZER = new BytesSerializer();

    private final KeyValueStore<Bytes, SegmentEvent> history;
    private final int maxEventsPerId;

    /** The buffer over the identity stage's history store, as seen from one of its processors. */
    static AnonymousHistoryBuffer open(ProcessingContext context, int maxEventsPerId) {
        return new AnonymousHistoryBuffer(context.getStateStore(Catalogue.ANONYMOUS_HISTORY_STORE), maxEventsPerId);
    }

    AnonymousHistoryBuffer(KeyValueStore<Bytes, SegmentEvent> history, int maxEventsPerId) {
        this.history = history;
        this.maxEventsPerId = maxEventsPerId;
    }

    /** Buffers an event that arrived at {@code arrival}; returns how many older events the size bound pushed out. */
    int append(String anonymousId, IdentityState state, SegmentEvent event, long arrival) {
        int evicted = 0;
        while (state.getBufferedCount() >= maxEventsPerId && state.getBufferedCount() > 0) {
            evicted += dropOldest(anonymousId, state);
        }
        history.put(UserTimeKey.of(anonymousId, arrival, event.getMessageId()), event);
        state.setBufferedCount(state.getBufferedCount() + 1);
        Long oldest = state.getOldestBufferedAt();
        if (oldest == null || arrival < oldest) {
            state.setOldestBufferedAt(arrival);
        }
        return evicted;
    }

    /** Removes the id's buffered events and returns them in arrival order. */
    List<SegmentEvent> drain(String anonymousId, IdentityState state) {
        return drainArrivedFrom(anonymousId, state, Long.MIN_VALUE);
    }

    /**
     * Removes the id's buffered events and returns, in arrival order, those that arrived at or after
     * {@code notBefore}: older ones are past the history's retention even when the expiry sweep has not
     * reached them yet (R12), and are dropped with the rest.
     */
    List<SegmentEvent> drainArrivedFrom(String anonymousId, IdentityState state, long notBefore) {
        if (state.getBufferedCount() == 0) {
            return List.of();
        }
        List<KeyValue<Bytes, SegmentEvent>> entries = entriesOf(anonymousId);
        List<SegmentEvent> events = new ArrayList<>(entries.size());
        for (KeyValue<Bytes, SegmentEvent> entry : entries) {
            history.delete(entry.key);
            if (UserTimeKey.time(entry.key) >= notBefore) {
                events.add(entry.value);
            }
        }
        state.setBufferedCount(0);
        state.setOldestBufferedAt(null);
        return events;
    }

    /**
     * Drops the id's buffered events that arrived at or before {@code cutoff}; returns how many. The
     * state then says what is left: no count and no oldest arrival when nothing is.
     */
    int dropArrivedUpTo(String anonymousId, IdentityState state, long cutoff) {
        return dropUpTo(anonymousId, state, cutoff, Integer.MAX_VALUE);
    }

    private int dropOldest(String anonymousId, IdentityState state) {
        return dropUpTo(anonymousId, state, Long.MAX_VALUE, 1);
    }

    /** Deletes up to {@code limit} of the id's oldest entries that arrived at or before cutoff, and re-indexes the rest. */
    private int dropUpTo(String anonymousId, IdentityState state, long cutoff, int limit) {
        List<Bytes> doomed = new ArrayList<>();
        Long remainingOldest = null;
        try (KeyValueIterator<Bytes, SegmentEvent> entries = history.prefixScan(UserTimeKey.prefix(anonymousId), PREFIX_SERIALIZER)) {
            while (entries.hasNext()) {
                Bytes key = entries.next().key;
                long arrival = UserTimeKey.time(key);
                if (arrival <= cutoff && doomed.size() < limit) {
                    doomed.add(key);
                } else {
                    remainingOldest = arrival;
                    break;
                }
            }
        }
        doomed.forEach(history::delete);
        state.setBufferedCount(remainingOldest == null ? 0 : Math.max(0, state.getBufferedCount() - doomed.size()));
        state.setOldestBufferedAt(remainingOldest);
        return doomed.size();
    }

    private List<KeyValue<Bytes, SegmentEvent>> entriesOf(String anonymousId) {
        List<KeyValue<Bytes, SegmentEvent>> entries = new ArrayList<>();
        try (KeyValueIterator<Bytes, SegmentEvent> it = history.prefixScan(UserTimeKey.prefix(anonymousId), PREFIX_SERIALIZER)) {
            it.forEachRemaining(entries::add);
        }
        return entries;
    }
}
