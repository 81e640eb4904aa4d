package dev.stitch.stream.identity;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.internal.HeldEvent;
import dev.stitch.schema.internal.IdentityState;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.state.Catalogue;
import dev.stitch.stream.state.StitchSerdes;
import dev.stitch.stream.state.UserTimeKey;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.ProcessingContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The events of anonymous ids not yet linked to a user (R2), held until a link stitches them onto
 * the user's timeline, and bounded in count per id and in time (R12).
 *
 * <p>An id's first few events are held in its own {@link IdentityState}, which each of them writes
 * anyway: a short visit costs no store entry per event, and no tombstone per event when it is
 * stitched. Once the state holds {@link IdentityStage#HISTORY_HELD_IN_STATE} events, or as much JSON as
 * {@link #heldCharsWithin} allows, the id's later events wait in the history store, one entry each,
 * until the id's history leaves the buffer; the state then holds events again.
 *
 * <p>The caller owns each id's {@link IdentityState} (count, oldest arrival and held events live there)
 * and saves it after a call; which ids hold history past the retention, {@link HistorySweep} finds.
 */
final class AnonymousHistoryBuffer {

    /** The most JSON characters held in one state, whatever the record bound allows. */
    private static final int HELD_MAX_CHARS = 16 * 1024;

    private static final BytesSerializer PREFIX_SERIALIZER = new BytesSerializer();
    private static final Comparator<HeldEvent> BY_ARRIVAL = Comparator.comparingLong(HeldEvent::getArrival);

    private final KeyValueStore<Bytes, SegmentEvent> history;
    private final HeldEvents heldEvents;
    private final int maxEventsPerId;
    private final int heldMaxChars;

    /** The buffer over the identity stage's history store, as seen from one of its processors. */
    static AnonymousHistoryBuffer open(ProcessingContext context, StitchSettings settings, StitchSerdes serdes) {
        return new AnonymousHistoryBuffer(context.getStateStore(Catalogue.ANONYMOUS_HISTORY_STORE),
                new HeldEvents(serdes, settings.topics().raw()), settings.historyMaxEventsPerId(),
                heldCharsWithin(settings.limits().maxRecordBytes()));
    }

    AnonymousHistoryBuffer(KeyValueStore<Bytes, SegmentEvent> history, HeldEvents heldEvents, int maxEventsPerId, int heldMaxChars) {
        this.history = history;
        this.heldEvents = heldEvents;
        this.maxEventsPerId = maxEventsPerId;
        this.heldMaxChars = heldMaxChars;
    }

    /** The state of an id seen for the first time: no user, nothing buffered. */
    static IdentityState newState() {
        return new IdentityState(null, 0, null, new ArrayList<>());
    }

    /**
     * The JSON characters a state may hold within the largest record the application writes: a
     * character takes at most three UTF-8 bytes, and held events take at most a quarter of the record.
     */
    static int heldCharsWithin(int maxRecordBytes) {
        return Math.min(HELD_MAX_CHARS, maxRecordBytes / 4 / 3);
    }

    /**
     * Buffers an event that arrived at {@code arrival}; returns how many older events the size bound pushed out.
     *
     * @param arrivedAs the record it arrived in, when its body can be copied ({@link HeldEvents}); else null
     */
    int append(String anonymousId, IdentityState state, SegmentEvent event, byte[] arrivedAs, long arrival) {
        int evicted = 0;
        while (state.getBufferedCount() >= maxEventsPerId && state.getBufferedCount() > 0) {
            evicted += dropOldest(anonymousId, state);
        }
        HeldEvent entry = HeldEvents.hold(arrival, event, arrivedAs);
        if (mayHold(state, entry)) {
            List<HeldEvent> held = new ArrayList<>(state.getHeld());
            int at = 0;
            while (at < held.size() && held.get(at).getArrival() <= arrival) {
                at++;
            }
            held.add(at, entry);
            state.setHeld(held);
        } else {
            history.put(UserTimeKey.of(anonymousId, arrival, event.getMessageId()), event);
        }
        state.setBufferedCount(state.getBufferedCount() + 1);
        Long oldest = state.getOldestBufferedAt();
        if (oldest == null || arrival < oldest) {
            state.setOldestBufferedAt(arrival);
        }
        return evicted;
    }

    /** Removes the id's buffered events, unread. */
    void discard(String anonymousId, IdentityState state) {
        removeAll(anonymousId, state);
    }

    /**
     * Removes the id's buffered events and returns, in arrival order, those that arrived at or after
     * {@code notBefore}: older ones are past the history's retention even when the expiry sweep has not
     * reached them yet (R12), and are dropped with the rest.
     */
    List<BufferedEvent> drainArrivedFrom(String anonymousId, IdentityState state, long notBefore) {
        // The held events are decoded before anything is removed: one that cannot be read (its schema
        // gone from the registry) fails the call with the buffer as it was, not half emptied.
        Map<HeldEvent, BufferedEvent> held = new IdentityHashMap<>();
        for (HeldEvent entry : state.getHeld()) {
            if (entry.getArrival() >= notBefore) {
                held.put(entry, heldEvents.released(entry));
            }
        }
        List<BufferedEvent> events = new ArrayList<>(state.getBufferedCount());
        for (HeldEvent entry : removeAll(anonymousId, state)) {
            if (entry.getArrival() >= notBefore) {
                BufferedEvent decoded = held.get(entry);
                events.add(decoded != null ? decoded : heldEvents.released(entry));
            }
        }
        return events;
    }

    /** Removes the id's buffered events and returns them, held and stored alike, in arrival order. */
    private List<HeldEvent> removeAll(String anonymousId, IdentityState state) {
        if (state.getBufferedCount() == 0) {
            return List.of();
        }
        List<HeldEvent> all = new ArrayList<>(state.getBufferedCount());
        all.addAll(state.getHeld());
        if (hasStored(state)) {
            List<Bytes> keys = new ArrayList<>();
            try (KeyValueIterator<Bytes, SegmentEvent> it = stored(anonymousId)) {
                it.forEachRemaining(entry -> {
                    keys.add(entry.key);
                    all.add(new HeldEvent(UserTimeKey.time(entry.key), entry.value));
                });
            }
            keys.forEach(history::delete);
            all.sort(BY_ARRIVAL);
        }
        empty(state);
        return all;
    }

    /**
     * Drops the id's buffered events that arrived at or before {@code cutoff}; returns how many. The
     * state then says what is left: no count and no oldest arrival when nothing is.
     */
    int dropArrivedUpTo(String anonymousId, IdentityState state, long cutoff) {
        List<HeldEvent> kept = new ArrayList<>();
        for (HeldEvent held : state.getHeld()) {
            if (held.getArrival() > cutoff) {
                kept.add(held);
            }
        }
        int dropped = state.getHeld().size() - kept.size();
        Long storedOldest = null;
        if (hasStored(state)) {
            List<Bytes> doomed = new ArrayList<>();
            try (KeyValueIterator<Bytes, SegmentEvent> entries = stored(anonymousId)) {
                while (entries.hasNext()) {
                    Bytes key = entries.next().key;
                    long arrival = UserTimeKey.time(key);
                    if (arrival > cutoff) {
                        storedOldest = arrival;
                        break;
                    }
                    doomed.add(key);
                }
            }
            doomed.forEach(history::delete);
            dropped += doomed.size();
        }
        state.setHeld(kept);
        remains(state, dropped, earliest(firstArrival(kept), storedOldest));
        return dropped;
    }

    /** Pushes out the id's first buffered event: a held one while there are any (they came first), else the store's oldest. */
    private int dropOldest(String anonymousId, IdentityState state) {
        List<HeldEvent> held = state.getHeld();
        if (!held.isEmpty()) {
            List<HeldEvent> kept = new ArrayList<>(held.subList(1, held.size()));
            state.setHeld(kept);
            Long storedOldest = hasStored(state) ? oldestStored(anonymousId) : null;
            remains(state, 1, earliest(firstArrival(kept), storedOldest));
            return 1;
        }
        Bytes doomed = null;
        Long next = null;
        try (KeyValueIterator<Bytes, SegmentEvent> entries = stored(anonymousId)) {
            if (entries.hasNext()) {
                doomed = entries.next().key;
            }
            if (entries.hasNext()) {
                next = UserTimeKey.time(entries.next().key);
            }
        }
        if (doomed == null) {
            remains(state, 0, null);
            return 0;
        }
        history.delete(doomed);
        remains(state, 1, next);
        return 1;
    }

    /** The arrival of the id's oldest event in the store; null when none waits there. */
    private Long oldestStored(String anonymousId) {
        try (KeyValueIterator<Bytes, SegmentEvent> entries = stored(anonymousId)) {
            return entries.hasNext() ? UserTimeKey.time(entries.next().key) : null;
        }
    }

    /** The id's events in the history store, in arrival order. */
    private KeyValueIterator<Bytes, SegmentEvent> stored(String anonymousId) {
        return history.prefixScan(UserTimeKey.prefix(anonymousId), PREFIX_SERIALIZER);
    }

    /** Whether some of the id's buffered events wait in the history store. */
    private static boolean hasStored(IdentityState state) {
        return state.getBufferedCount() > state.getHeld().size();
    }

    /** The id's next event goes into its state while none waits in the store and the state stays within its bounds. */
    private boolean mayHold(IdentityState state, HeldEvent next) {
        List<HeldEvent> held = state.getHeld();
        if (hasStored(state) || held.size() >= IdentityStage.HISTORY_HELD_IN_STATE) {
            return false;
        }
        long chars = HeldEvents.size(next);
        for (HeldEvent entry : held) {
            chars += HeldEvents.size(entry);
        }
        return chars <= heldMaxChars;
    }

    /** The state after {@code dropped} events left: what remains starts at {@code oldest}, or nothing does. */
    private static void remains(IdentityState state, int dropped, Long oldest) {
        if (oldest == null) {
            empty(state);
            return;
        }
        state.setBufferedCount(Math.max(0, state.getBufferedCount() - dropped));
        state.setOldestBufferedAt(oldest);
    }

    private static void empty(IdentityState state) {
        state.setHeld(new ArrayList<>());
        state.setBufferedCount(0);
        state.setOldestBufferedAt(null);
    }

    /** The arrival of the first of the held events, kept in arrival order; null when there are none. */
    private static Long firstArrival(List<HeldEvent> held) {
        return held.isEmpty() ? null : held.get(0).getArrival();
    }

    private static Long earliest(Long a, Long b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : Math.min(a, b);
    }
}
