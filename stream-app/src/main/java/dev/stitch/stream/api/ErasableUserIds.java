package dev.stitch.stream.api;

import dev.stitch.events.IdLimits;
import dev.stitch.events.JunkIds;

/**
 * Which user ids a privacy request may name: the ones the stream could hold. A blank or junk id (never
 * an identity) or one longer than the id limit names no user, so it is refused at once rather than
 * accepted and then dead-lettered by the stream.
 */
public record ErasableUserIds(JunkIds junkIds, IdLimits limits) {

    public static ErasableUserIds defaults() {
        return new ErasableUserIds(JunkIds.defaults(), IdLimits.defaults());
    }

    /** Why no user can have this id, in a sentence; null when one can. */
    public String problem(String userId) {
        if (junkIds.usableOrNull(userId) == null) {
            return "'" + userId + "' is blank or a junk value (STITCH_JUNK_IDS), never a user id: no user has it";
        }
        if (limits.tooLong(userId)) {
            return "the user id has " + userId.length() + " characters, more than the " + limits.maxLength()
                    + " an id may have (" + IdLimits.SETTING + "): no user has it";
        }
        return null;
    }
}
