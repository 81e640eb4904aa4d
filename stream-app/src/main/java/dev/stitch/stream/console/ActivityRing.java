package dev.stitch.stream.console;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The newest events of this instance's activity feed, in the order they arrived, at most
 * {@code capacity} of them; the oldest leaves when a new one comes. Each event gets the next
 * position, which readers pass back as their cursor.
 *
 * <p>An erasure (R13) removes every event that names the erased id, its user, or an anonymous id of
 * that user's events here, and is remembered (up to {@code erasuresRemembered} ids, the oldest
 * forgotten first) with its cut-off, so that the person's events received before it that are read
 * only later are left out too; a person who comes back after the erasure is listed again.
 *
 * <p>Safe to use from the feed's thread and the HTTP threads at once.
 */
public final class ActivityRing {

    /** A page of the newest events, newest first, and the cursor to ask for what comes after them. */
    public record Page(List<Entry> events, ActivityCursor cursor) {
    }

    /** An event and its position in the ring. */
    public record Entry(long position, ActivityEvent event) {
    }

    private final int capacity;
    private final String epoch = UUID.randomUUID().toString().substring(0, 8);
    private final Deque<Entry> entries = new ArrayDeque<>();
    /** key: an erased id; value: the erasure's cut-off, epoch millis: events received up to then stay out. */
    private final Map<String, Long> erased;
    private long position;

    public ActivityRing(int capacity, int erasuresRemembered) {
        if (capacity < 1 || erasuresRemembered < 1) {
            throw new IllegalArgumentException("the activity ring needs room for at least one event and one erasure");
        }
        this.capacity = capacity;
        this.erased = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
                return size() > erasuresRemembered;
            }
        };
    }

    /** Adds the event, unless it belongs to a person erased after it was received. */
    public synchronized void add(ActivityEvent event) {
        boolean cutOff = event.ids().anyMatch(id -> {
            Long erasedAt = erased.get(id);
            return erasedAt != null && event.receivedAt() <= erasedAt;
        });
        if (cutOff) {
            return;
        }
        entries.addLast(new Entry(++position, event));
        if (entries.size() > capacity) {
            entries.removeFirst();
        }
    }

    /**
     * {@code id} no longer names anyone: it and {@code userId} (the user it was erased with, or null)
     * were erased at {@code cutOff}.
     */
    public synchronized void erase(String id, String userId, long cutOff) {
        Set<String> gone = new HashSet<>();
        gone.add(id);
        if (userId != null) {
            gone.add(userId);
        }
        // The erased user's anonymous ids name it too, on stitch.anonymous, where no user id says so.
        for (Entry entry : entries) {
            ActivityEvent event = entry.event();
            if ((event.userId() != null && gone.contains(event.userId()))
                    || (event.eventUserId() != null && gone.contains(event.eventUserId()))) {
                event.anonymousIds().forEach(gone::add);
            }
        }
        for (String name : gone) {
            erased.merge(name, cutOff, Math::max);
        }
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            if (it.next().event().ids().anyMatch(gone::contains)) {
                it.remove();
            }
        }
    }

    /**
     * The newest events the filter accepts, up to {@code limit}, newest first: all of them, or, with a
     * cursor of this ring, only those that came after it.
     */
    public synchronized Page newest(ActivityFilter filter, ActivityCursor after, int limit) {
        long from = after != null && after.epoch().equals(epoch) && after.position() <= position ? after.position() : 0;
        List<Entry> page = new ArrayList<>(Math.min(limit, entries.size()));
        for (Iterator<Entry> it = entries.descendingIterator(); it.hasNext() && page.size() < limit; ) {
            Entry entry = it.next();
            if (entry.position() <= from) {
                break;
            }
            if (filter.accepts(entry.event())) {
                page.add(entry);
            }
        }
        return new Page(List.copyOf(page), new ActivityCursor(epoch, position));
    }

    public synchronized int size() {
        return entries.size();
    }
}
