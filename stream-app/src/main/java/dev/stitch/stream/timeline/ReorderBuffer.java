package dev.stitch.stream.timeline;

import dev.stitch.schema.internal.UserState;
import dev.stitch.schema.internal.WaitingEvent;
import dev.stitch.stream.config.RecordLimits;
import dev.stitch.stream.state.UserTimeKey;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;

/**
 * Holds each user's incoming events for a grace period so they leave in event-time order (R10).
 * Each event is written once, on arrival, to the user's timeline store (what the query API reads);
 * which of them still wait, and since when, is a list in the user's {@link UserState}, which every
 * arrival writes anyway: waiting costs no store write of its own.
 *
 * <p>An event is due once it has waited the grace period since it arrived. When a user has a due
 * event, that event leaves together with every earlier event (by event time) of the same user; later
 * events keep waiting. An event that arrives after a later one already left comes out when due; the
 * sequencer marks it late. A user with more than {@code maxWaiting} events waiting (a flood) has its
 * earliest ones released at once, so the user's state stays bounded.
 *
 * <p>The caller reads each user's state, hands it to the calls here, and saves it afterwards.
 */
final class ReorderBuffer {

    /** Receives one user's due events, in event-time order. */
    interface Release {
        void events(String userId, UserState state, List<Released> events);
    }

    /** A due event: as it was encoded on arrival, where it sits on the timeline, and when it arrived. */
    record Released(byte[] encoded, long eventTime, String messageId, long arrival) {
    }

    private static final BytesSerializer PREFIX_SERIALIZER = new BytesSerializer();
    /** The order of the timeline store's keys within one user: event time, then messageId's UTF-8 bytes. */
    private static final Comparator<WaitingEvent> TIMELINE_ORDER = Comparator.comparingLong(WaitingEvent::getEventTime)
            .thenComparing((a, b) -> Arrays.compareUnsigned(utf8(a.getMessageId()), utf8(b.getMessageId())));

    private final KeyValueStore<Bytes, byte[]> timelines;
    /**
     * Users with waiting events, and the arrival time of each one's oldest. Derived from the users'
     * states, so kept in memory only: rebuilt from them when the task starts.
     */
    private final WaitingUsers waitingUsers = new WaitingUsers();
    private final long graceMs;
    private final int maxWaiting;

    /**
     * How many events may wait per user: a waiting event takes at most its two times, a messageId of
     * the longest allowed id (four UTF-8 bytes a character) and Avro's length prefixes, and half of
     * the largest record the application writes is left to them.
     */
    static int maxWaitingWithin(RecordLimits limits) {
        int entryBytes = 2 * Long.BYTES + 4 * limits.ids().maxLength() + 2 * Integer.BYTES;
        return Math.max(1, limits.maxRecordBytes() / 2 / entryBytes);
    }

    ReorderBuffer(KeyValueStore<String, UserState> users, KeyValueStore<Bytes, byte[]> timelines, long graceMs, int maxWaiting) {
        this.timelines = timelines;
        this.graceMs = graceMs;
        this.maxWaiting = maxWaiting;
        try (KeyValueIterator<String, UserState> all = users.all()) {
            all.forEachRemaining(user -> track(user.key, user.value));
        }
    }

    /**
     * Puts an encoded event on the user's timeline, sorted by its event time and messageId, and holds it
     * from its arrival on; a flood's earliest events go at once.
     */
    void add(String userId, UserState state, long eventTime, String messageId, byte[] encodedEvent, long arrival, Release release) {
        timelines.put(UserTimeKey.of(userId, eventTime, messageId), encodedEvent);
        List<WaitingEvent> waiting = new ArrayList<>(state.getWaiting());
        waiting.add(new WaitingEvent(eventTime, messageId, arrival));
        state.setWaiting(waiting);
        waitingUsers.add(userId, arrival);
        if (waiting.size() > maxWaiting) {
            List<WaitingEvent> inOrder = inTimelineOrder(state);
            releaseUpTo(userId, state, inOrder, inOrder.size() - maxWaiting - 1, release);
        }
    }

    /**
     * Deletes the user's events, emitted and waiting, that reached the pipeline at or before
     * {@code upTo} (R13); later ones stay.
     *
     * @param receivedAt reads an encoded event's {@code receivedAt}
     */
    void forget(String userId, UserState state, long upTo, ToLongFunction<byte[]> receivedAt) {
        Set<Bytes> erased = new HashSet<>();
        try (KeyValueIterator<Bytes, byte[]> it = timelines.prefixScan(UserTimeKey.prefix(userId), PREFIX_SERIALIZER)) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                if (receivedAt.applyAsLong(entry.value) <= upTo) {
                    erased.add(entry.key);
                }
            }
        }
        erased.forEach(timelines::delete);
        if (state != null) {
            state.setWaiting(new ArrayList<>(state.getWaiting().stream().filter(event -> !erased.contains(keyOf(userId, event))).toList()));
            track(userId, state);
        }
    }

    /**
     * Takes every event of the user out, emitted and waiting (R8: they move to the user it was merged into).
     *
     * @return the encoded events, in event-time order
     */
    List<byte[]> removeAll(String userId, UserState state) {
        List<KeyValue<Bytes, byte[]>> entries = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = timelines.prefixScan(UserTimeKey.prefix(userId), PREFIX_SERIALIZER)) {
            it.forEachRemaining(entries::add);
        }
        List<byte[]> events = new ArrayList<>(entries.size());
        for (KeyValue<Bytes, byte[]> entry : entries) {
            timelines.delete(entry.key);
            events.add(entry.value);
        }
        if (state != null) {
            state.setWaiting(new ArrayList<>());
        }
        waitingUsers.remove(userId);
        return events;
    }

    /** The users with an event due as of {@code now}, oldest first, so output across users follows arrival too. */
    List<String> dueUsers(long now) {
        return waitingUsers.arrivedUpTo(now - graceMs);
    }

    /** Releases the user's due events as of {@code now}, with every earlier waiting one. */
    void releaseDue(String userId, UserState state, long now, Release release) {
        if (state == null) {
            waitingUsers.remove(userId);
            return;
        }
        long dueUpTo = now - graceMs;
        List<WaitingEvent> waiting = inTimelineOrder(state);
        int lastDue = -1;
        for (int i = 0; i < waiting.size(); i++) {
            if (waiting.get(i).getArrival() <= dueUpTo) {
                lastDue = i;
            }
        }
        releaseUpTo(userId, state, waiting, lastDue, release);
    }

    /** Releases the first {@code last + 1} of the user's waiting events, given in timeline order. */
    private void releaseUpTo(String userId, UserState state, List<WaitingEvent> waiting, int last, Release release) {
        List<Released> released = new ArrayList<>(last + 1);
        for (int i = 0; i <= last; i++) {
            WaitingEvent event = waiting.get(i);
            released.add(new Released(timelines.get(keyOf(userId, event)), event.getEventTime(), event.getMessageId(), event.getArrival()));
        }
        state.setWaiting(new ArrayList<>(waiting.subList(last + 1, waiting.size())));
        track(userId, state);
        if (!released.isEmpty()) {
            release.events(userId, state, released);
        }
    }

    private void track(String userId, UserState state) {
        long oldest = state.getWaiting().stream().mapToLong(WaitingEvent::getArrival).min().orElse(Long.MAX_VALUE);
        if (oldest == Long.MAX_VALUE) {
            waitingUsers.remove(userId);
        } else {
            waitingUsers.put(userId, oldest);
        }
    }

    private static List<WaitingEvent> inTimelineOrder(UserState state) {
        List<WaitingEvent> waiting = new ArrayList<>(state.getWaiting());
        waiting.sort(TIMELINE_ORDER);
        return waiting;
    }

    private static Bytes keyOf(String userId, WaitingEvent event) {
        return UserTimeKey.of(userId, event.getEventTime(), event.getMessageId());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
