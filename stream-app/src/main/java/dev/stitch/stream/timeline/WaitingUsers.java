package dev.stitch.stream.timeline;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The users with waiting events, each with the arrival time of its oldest, ordered by that time: the
 * users due at a check are found without looking at the others, however many wait.
 */
final class WaitingUsers {

    private record Waiting(long oldestArrival, String userId) {
    }

    private static final Comparator<Waiting> BY_ARRIVAL = Comparator.comparingLong(Waiting::oldestArrival)
            .thenComparing(Waiting::userId);

    private final Map<String, Long> oldestArrivalByUser = new HashMap<>();
    private final NavigableSet<Waiting> byArrival = new TreeSet<>(BY_ARRIVAL);

    /** The user's oldest waiting event arrived at {@code oldestArrival}. */
    void put(String userId, long oldestArrival) {
        Long before = oldestArrivalByUser.put(userId, oldestArrival);
        if (before != null) {
            if (before == oldestArrival) {
                return;
            }
            byArrival.remove(new Waiting(before, userId));
        }
        byArrival.add(new Waiting(oldestArrival, userId));
    }

    /** An event that arrived at {@code arrival} waits too: the user's oldest is the earlier of the two. */
    void add(String userId, long arrival) {
        Long before = oldestArrivalByUser.get(userId);
        if (before == null || arrival < before) {
            put(userId, arrival);
        }
    }

    /** The user has no waiting event any more. */
    void remove(String userId) {
        Long before = oldestArrivalByUser.remove(userId);
        if (before != null) {
            byArrival.remove(new Waiting(before, userId));
        }
    }

    /** The users whose oldest waiting event arrived at or before {@code upTo}, oldest first (then by userId). */
    List<String> arrivedUpTo(long upTo) {
        NavigableSet<Waiting> due = upTo == Long.MAX_VALUE ? byArrival : byArrival.headSet(new Waiting(upTo + 1, ""), false);
        List<String> users = new ArrayList<>(due.size());
        due.forEach(waiting -> users.add(waiting.userId()));
        return users;
    }
}
