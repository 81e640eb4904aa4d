package dev.stitch.stream.timeline;

import java.util.List;

/**
 * One of a profile's lists of ids (linked anonymous ids, merged user ids): the latest added, at most a
 * bound of them, and how many more there are, so that a profile never lists without end and still
 * says how many ids its user has.
 */
final class ListedIds {

    private final List<String> listed;
    private final int bound;
    private long unlisted;

    /** @param listed the profile's list, changed in place */
    ListedIds(List<String> listed, long unlisted, int bound) {
        this.listed = listed;
        this.unlisted = unlisted;
        this.bound = bound;
    }

    /** Adds an id that joined the user; beyond the bound, the earliest listed one is no longer listed. */
    boolean add(String id) {
        if (listed.contains(id)) {
            return false;
        }
        listed.add(id);
        while (listed.size() > bound) {
            listed.remove(0);
            unlisted++;
        }
        return true;
    }

    /**
     * Removes an id that left the user. One not listed is one of the unlisted: the change came to this
     * user because the id was the user's.
     */
    boolean remove(String id) {
        if (listed.remove(id)) {
            return true;
        }
        if (unlisted > 0) {
            unlisted--;
            return true;
        }
        return false;
    }

    long unlisted() {
        return unlisted;
    }
}
