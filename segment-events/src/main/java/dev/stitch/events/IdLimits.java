package dev.stitch.events;

import dev.stitch.schema.SegmentEvent;

/**
 * How long an id may be. Ids are record keys, store keys and part of every profile, so a client must
 * not be able to make one as large as it likes; Segment and Amplitude keep theirs to a few hundred
 * characters. The bridge refuses a longer id with a 400 naming the field; the stream application sends
 * an event with one (from any other producer) to the dead-letter topic.
 *
 * @param maxLength the most characters an id may have ({@code STITCH_MAX_ID_LENGTH}, 256)
 */
public record IdLimits(int maxLength) {

    public static final String SETTING = "STITCH_MAX_ID_LENGTH";
    public static final int DEFAULT_MAX_LENGTH = 256;

    public IdLimits {
        if (maxLength < 1) {
            throw new IllegalArgumentException(SETTING + " must be at least 1, not " + maxLength);
        }
    }

    public static IdLimits defaults() {
        return new IdLimits(DEFAULT_MAX_LENGTH);
    }

    /** The JSON name of the event's first id that is longer than the limit, or null when none is. */
    public String tooLongField(SegmentEvent event) {
        if (tooLong(event.getUserId())) {
            return "userId";
        }
        if (tooLong(event.getAnonymousId())) {
            return "anonymousId";
        }
        if (tooLong(event.getContextAnonymousId())) {
            return "context.anonymousId";
        }
        if (tooLong(event.getPreviousId())) {
            return "previousId";
        }
        if (tooLong(event.getGroupId())) {
            return "groupId";
        }
        return null;
    }

    public boolean tooLong(CharSequence id) {
        return id != null && id.length() > maxLength;
    }
}
