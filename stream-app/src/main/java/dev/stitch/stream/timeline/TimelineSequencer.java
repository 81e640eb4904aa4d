package dev.stitch.stream.timeline;

import dev.stitch.schema.TimelineEvent;
import dev.stitch.schema.internal.UserState;
import dev.stitch.schema.internal.WaitingEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * Gives each event on a user's timeline its place: the next {@code sequence} (1, 2, 3, ... with no
 * gaps or repeats) and the {@code late} flag when an event with a later time (then messageId) was
 * already emitted for the user (R10). It also counts the events that reached the user, on their
 * arrival, as the query API's timeline shows them: the profile's event count and first and last seen.
 * Every call works on the user's {@link UserState}, which the caller reads and saves.
 */
final class TimelineSequencer {

    private TimelineSequencer() {
    }

    /** The state of a user whose first event just arrived: nothing emitted, nothing counted, nothing waiting. */
    static UserState newUser(long eventTime) {
        return new UserState(0L, eventTime, "", eventTime, eventTime, 0L, false, new ArrayList<>());
    }

    /**
     * Counts an event that reached the user's timeline (it waits to be emitted from now on), with its
     * event time: the user exists from its first event on.
     */
    static void reached(UserState state, long eventTime) {
        state.setFirstSeen(Math.min(state.getFirstSeen(), eventTime));
        state.setLastSeen(Math.max(state.getLastSeen(), eventTime));
        state.setEventCount(state.getEventCount() + 1);
    }

    /** Places the events, in the order given, at the end of the user's timeline; sets their fields. */
    static void place(String userId, UserState state, List<TimelineEvent> events) {
        for (TimelineEvent event : events) {
            long time = event.getEvent().getTimestamp().toEpochMilli();
            String messageId = event.getEvent().getMessageId();
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
    }

    /** Whether the user was erased and its later events are to be dropped (R13). */
    static boolean isSuppressed(UserState state) {
        return state != null && state.getErased();
    }

    /**
     * The user's state after an erasure (R13): its place is forgotten; with {@code suppress} it
     * remembers only that it was erased. Events still waiting (they reached the pipeline after the
     * request) stay waiting and are counted afresh; null when nothing is left to remember.
     */
    static UserState erased(UserState state, boolean suppress) {
        List<WaitingEvent> waiting = state == null ? List.of() : state.getWaiting();
        if (waiting.isEmpty() && !suppress) {
            return null;
        }
        UserState fresh = new UserState(0L, 0L, "", 0L, 0L, 0L, suppress, new ArrayList<>(waiting));
        if (!waiting.isEmpty() && !suppress) {
            fresh.setFirstSeen(waiting.stream().mapToLong(WaitingEvent::getEventTime).min().orElseThrow());
            fresh.setLastSeen(waiting.stream().mapToLong(WaitingEvent::getEventTime).max().orElseThrow());
            fresh.setEventCount(waiting.size());
        }
        return fresh;
    }

    private static boolean isBefore(long time, String messageId, UserState latest) {
        return time < latest.getMaxEventTime()
                || (time == latest.getMaxEventTime() && messageId.compareTo(latest.getMaxMessageId()) < 0);
    }
}
