package dev.stitch.stream.timeline;

import dev.stitch.schema.TimelineEvent;
import dev.stitch.stream.topology.UserTimeKey;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import java.util.ArrayList;
import java.util.List;

/**
 * Holds each user's incoming events for a grace period so they leave in event-time order (R10).
 *
 * <p>An event is due once it has waited the grace period since it arrived. When a user has a due
 * event, that event leaves together with every earlier event (by event time) of the same user; later
 * events keep waiting. An event that arrives after a later one already left comes out when due; the
 * sequencer marks it late.
 */
final class ReorderBuffer {

    /** Receives one user's due events, in event-time order, each with the time it arrived. */
    interface Release {
        void events(String userId, List<KeyValue<TimelineEvent, Long>> eventsWithArrival);
    }

    private static final BytesSerializer PREFIX_SERIALIZER = new BytesSerializer();

    private final TimestampedKeyValueStore<Bytes, TimelineEvent> waiting;
    private final KeyValueStore<String, Long> oldestArrivalByUser;
    private final long graceMs;

    ReorderBuffer(TimestampedKeyValueStore<Bytes, TimelineEvent> waiting, KeyValueStore<String, Long> oldestArrivalByUser,
                  long graceMs) {
        this.waiting = waiting;
        this.oldestArrivalByUser = oldestArrivalByUser;
        this.graceMs = graceMs;
    }

    void add(String userId, TimelineEvent event, long arrival) {
        waiting.put(UserTimeKey.of(userId, event.getEvent().getTimestamp().toEpochMilli(), event.getEvent().getMessageId()),
                ValueAndTimestamp.make(event, arrival));
        Long oldest = oldestArrivalByUser.get(userId);
        if (oldest == null || arrival < oldest) {
            oldestArrivalByUser.put(userId, arrival);
        }
    }

    /** Releases every due event as of {@code now}, user by user. */
    void releaseDue(long now, Release release) {
        long dueUpTo = now - graceMs;
        List<String> users = new ArrayList<>();
        try (KeyValueIterator<String, Long> pending = oldestArrivalByUser.all()) {
            while (pending.hasNext()) {
                KeyValue<String, Long> user = pending.next();
                if (user.value <= dueUpTo) {
                    users.add(user.key);
                }
            }
        }
        for (String userId : users) {
            releaseUser(userId, dueUpTo, release);
        }
    }

    private void releaseUser(String userId, long dueUpTo, Release release) {
        List<KeyValue<Bytes, ValueAndTimestamp<TimelineEvent>>> entries = new ArrayList<>();
        try (KeyValueIterator<Bytes, ValueAndTimestamp<TimelineEvent>> it = waiting.prefixScan(UserTimeKey.prefix(userId), PREFIX_SERIALIZER)) {
            it.forEachRemaining(entries::add);
        }
        int lastDue = -1;
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).value.timestamp() <= dueUpTo) {
                lastDue = i;
            }
        }
        List<KeyValue<TimelineEvent, Long>> released = new ArrayList<>(lastDue + 1);
        for (int i = 0; i <= lastDue; i++) {
            KeyValue<Bytes, ValueAndTimestamp<TimelineEvent>> entry = entries.get(i);
            waiting.delete(entry.key);
            released.add(KeyValue.pair(entry.value.value(), entry.value.timestamp()));
        }
        long remainingOldest = Long.MAX_VALUE;
        for (int i = lastDue + 1; i < entries.size(); i++) {
            remainingOldest = Math.min(remainingOldest, entries.get(i).value.timestamp());
        }
        if (remainingOldest == Long.MAX_VALUE) {
            oldestArrivalByUser.delete(userId);
        } else {
            oldestArrivalByUser.put(userId, remainingOldest);
        }
        if (!released.isEmpty()) {
            release.events(userId, released);
        }
    }
}
