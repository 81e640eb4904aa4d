package dev.stitch.stream.timeline;

import dev.stitch.stream.topology.UserTimeKey;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Holds each user's incoming events for a grace period so they leave in event-time order (R10).
 * Each event is written once, on arrival, to the user's timeline store (what the query API reads);
 * the buffer itself keeps only which of them still wait, and since when.
 *
 * <p>An event is due once it has waited the grace period since it arrived. When a user has a due
 * event, that event leaves together with every earlier event (by event time) of the same user; later
 * events keep waiting. An event that arrives after a later one already left comes out when due; the
 * sequencer marks it late.
 */
final class ReorderBuffer {

    /** Receives one user's due events, encoded, in event-time order, each with the time it arrived. */
    interface Release {
        void events(String userId, List<KeyValue<byte[], Long>> eventsWithArrival);
    }

    private static final BytesSerializer PREFIX_SERIALIZER = new BytesSerializer();

    private static final byte[] WAITING = new byte[0];

    /** Key: as the timeline's; value: empty, with the event's arrival time as timestamp. */
    private final TimestampedKeyValueStore<Bytes, byte[]> waiting;
    private final KeyValueStore<Bytes, byte[]> timelines;
    /**
     * Users with waiting events, and the arrival time of each one's oldest. Derived from the store, so
     * kept in memory only: rebuilt from the store when the task starts, instead of being written to a
     * changelog for every event.
     */
    private final Map<String, Long> oldestArrivalByUser = new HashMap<>();
    private final long graceMs;

    ReorderBuffer(TimestampedKeyValueStore<Bytes, byte[]> waiting, KeyValueStore<Bytes, byte[]> timelines, long graceMs) {
        this.waiting = waiting;
        this.timelines = timelines;
        this.graceMs = graceMs;
        try (KeyValueIterator<Bytes, ValueAndTimestamp<byte[]>> all = waiting.all()) {
            all.forEachRemaining(entry -> oldestArrivalByUser.merge(UserTimeKey.id(entry.key), entry.value.timestamp(), Math::min));
        }
    }

    /** Puts an encoded event on the user's timeline, sorted by its event time and messageId, and holds it from its arrival on. */
    void add(String userId, long eventTime, String messageId, byte[] encodedEvent, long arrival) {
        Bytes key = UserTimeKey.of(userId, eventTime, messageId);
        timelines.put(key, encodedEvent);
        waiting.put(key, ValueAndTimestamp.make(WAITING, arrival));
        oldestArrivalByUser.merge(userId, arrival, Math::min);
    }

    /**
     * Deletes the user's events, emitted and waiting, that reached the pipeline at or before
     * {@code upTo} (R13); later ones stay.
     *
     * @param receivedAt reads an encoded event's {@code receivedAt}
     */
    void forget(String userId, long upTo, ToLongFunction<byte[]> receivedAt) {
        Bytes prefix = UserTimeKey.prefix(userId);
        List<Bytes> erased = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = timelines.prefixScan(prefix, PREFIX_SERIALIZER)) {
            while (it.hasNext()) {
                KeyValue<Bytes, byte[]> entry = it.next();
                if (receivedAt.applyAsLong(entry.value) <= upTo) {
                    erased.add(entry.key);
                }
            }
        }
        for (Bytes key : erased) {
            timelines.delete(key);
            waiting.delete(key);
        }
        long remainingOldest = Long.MAX_VALUE;
        try (KeyValueIterator<Bytes, ValueAndTimestamp<byte[]>> it = waiting.prefixScan(prefix, PREFIX_SERIALIZER)) {
            while (it.hasNext()) {
                remainingOldest = Math.min(remainingOldest, it.next().value.timestamp());
            }
        }
        if (remainingOldest == Long.MAX_VALUE) {
            oldestArrivalByUser.remove(userId);
        } else {
            oldestArrivalByUser.put(userId, remainingOldest);
        }
    }

    /**
     * Takes every event of the user out, emitted and waiting (R8: they move to the user it was merged into).
     *
     * @return the encoded events, in event-time order
     */
    List<byte[]> removeAll(String userId) {
        Bytes prefix = UserTimeKey.prefix(userId);
        List<KeyValue<Bytes, byte[]>> entries = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = timelines.prefixScan(prefix, PREFIX_SERIALIZER)) {
            it.forEachRemaining(entries::add);
        }
        List<byte[]> events = new ArrayList<>(entries.size());
        for (KeyValue<Bytes, byte[]> entry : entries) {
            timelines.delete(entry.key);
            waiting.delete(entry.key);
            events.add(entry.value);
        }
        oldestArrivalByUser.remove(userId);
        return events;
    }

    /** Releases every due event as of {@code now}, user by user. */
    void releaseDue(long now, Release release) {
        long dueUpTo = now - graceMs;
        // Users are released oldest first, so output across users follows arrival too.
        List<Map.Entry<String, Long>> due = new ArrayList<>();
        oldestArrivalByUser.entrySet().forEach(user -> {
            if (user.getValue() <= dueUpTo) {
                due.add(Map.entry(user.getKey(), user.getValue()));
            }
        });
        due.sort(Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
        for (Map.Entry<String, Long> user : due) {
            releaseUser(user.getKey(), dueUpTo, release);
        }
    }

    private void releaseUser(String userId, long dueUpTo, Release release) {
        List<KeyValue<Bytes, ValueAndTimestamp<byte[]>>> entries = new ArrayList<>();
        try (KeyValueIterator<Bytes, ValueAndTimestamp<byte[]>> it = waiting.prefixScan(UserTimeKey.prefix(userId), PREFIX_SERIALIZER)) {
            it.forEachRemaining(entries::add);
        }
        int lastDue = -1;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).value.timestamp() <= dueUpTo) {
                lastDue = i;
            }
        }
        List<KeyValue<byte[], Long>> released = new ArrayList<>(lastDue + 1);
        for (int i = 0; i <= lastDue; i++) {
            KeyValue<Bytes, ValueAndTimestamp<byte[]>> entry = entries.get(i);
            waiting.delete(entry.key);
            released.add(KeyValue.pair(timelines.get(entry.key), entry.value.timestamp()));
        }
        long remainingOldest = Long.MAX_VALUE;
        for (int i = lastDue + 1; i < entries.size(); i++) {
            remainingOldest = Math.min(remainingOldest, entries.get(i).value.timestamp());
        }
        if (remainingOldest == Long.MAX_VALUE) {
            oldestArrivalByUser.remove(userId);
        } else {
            oldestArrivalByUser.put(userId, remainingOldest);
        }
        if (!released.isEmpty()) {
            release.events(userId, released);
        }
    }
}
