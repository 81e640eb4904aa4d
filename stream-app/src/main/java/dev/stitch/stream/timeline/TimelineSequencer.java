package dev.stitch.stream.timeline;

import dev.stitch.schema.TimelineEvent;
import dev.stitch.schema.internal.UserState;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.List;

/**
 * Gives each event on a user's timeline its place: the next {@code sequence} (1, 2, 3, ... with no
 * gaps or repeats) and the {@code late} flag when an event with a later time (then messageId) was
 * already emitted for the user (R10). It also counts the events that reached the user, on their
 * arrival, as the query API's timeline shows them: the profile's event count and first and last seen.
 */
final class TimelineSequencer {

    private final KeyValueStore<String, UserState> users;

    TimelineSequencer(KeyValueStore<String, UserState> users) {
        this.users = users;
    }

    /**
     * Counts an event that reached the user's timeline (it waits to be emitted from now on), with its
     * event time: the user exists from its first event on.
     */
    void reached(String userId, long eventTime) {
        UserState state = users.get(userId);
        if (state == null) {
            state = new UserState(0L, eventTime, "", eventTime, eventTime, 0L, false);
        }
        state.setFirstSeen(Math.min(state.getFirstSeen(), eventTime));
        state.setLastSeen(Math.max(state.getLastSeen(), eventTime));
        state.setEventCount(state.getEventCount() + 1);
        users.put(userId, state);
    }

    /** Places the events, in the order given, at the end of the user's timeline; sets their fields. */
    void place(String userId, List<TimelineEvent> events) {
        UserState state = users.get(userId);
        boolean uncounted = state == null;
        for (TimelineEvent event : events) {
            long time = event.getEvent().getTimestamp().toEpochMilli();
            String messageId = event.getEvent().getMessageId();
            if (state == null) {
                state = new UserState(0L, time, messageId, time, time, 0L, false);
            }
            if (uncounted) {
                // Events that reached the user before an erasure forgot its count (R13) and stayed: counted now.
                state.setFirstSeen(Math.min(state.getFirstSeen(), time));
                state.setLastSeen(Math.max(state.getLastSeen(), time));
                state.setEventCount(state.getEventCount() + 1);
            }
            boolean late = state.getLastSequence() > 0 && isBefore(time, messageId, state);
            long sequence = state.getLastSequence() + 1;
            event.setUserId(userId);
            event.setSequence(sequence);
            event.setLate(late);
            state.setLastSequence(sequence);
            if (!late) {
                state.setMaxEventTime(time);
                state.setMaxMessageId(messageId);
            }
        }
        if (state != null) {
            users.put(userId, state);
        }
    }

    /** Whether the user was erased and its later events are to be dropped (R13). */
    boolean isSuppressed(String userId) {
        UserState state = users.get(userId);
        return state != null && state.getErased();
    }

    /** Forgets the user's place (R13); with {@code suppress}, remembers only that it was erased. */
    void forget(String userId, boolean suppress) {
        if (suppress) {
            users.put(userId, new UserState(0L, 0L, "", 0L, 0L, 0L, true));
        } else {
            users.delete(userId);
        }
    }

    private static boolean isBefore(long time, String messageId, UserState latest) {
        return time < latest.getMaxEventTime()
                || (time == latest.getMaxEventTime() && messageId.compareTo(latest.getMaxMessageId()) < 0);
    }
}
