package dev.stitch.stream.timeline;

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

    /** An event's place on its user's timeline. */
    record Place(long sequence, boolean late) {
    }

    /** Places the event at the end of the user's timeline: the next sequence, late when a later one was emitted already. */
    static Place next(UserState state, long eventTime, String messageId) {
        boolean late = state.getLastSequence() > 0 && isBefore(eventTime, messageId, state);
        long sequence = state.getLastSequence() + 1;
        state.setLastSequence(sequence);
        if (!late) {
            state.setMaxEventTime(eventTime);
            state.setMaxMessageId(messageId);
        }
        return new Place(sequence, late);
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
