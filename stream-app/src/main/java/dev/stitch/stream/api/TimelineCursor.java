package dev.stitch.stream.api;

import dev.stitch.stream.state.UserTimeKey;
import org.apache.kafka.common.utils.Bytes;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * Where a timeline page starts: after an event (the opaque {@code next} of the previous page), or
 * after an instant ({@code after=2026-11-02T10:00:00Z}). Events are ordered by event time, then messageId.
 *
 * @param time      the event time to start after
 * @param messageId the messageId to start after at that time; null to skip every event at that time
 */
record TimelineCursor(long time, String messageId) {

    static final TimelineCursor START = null;

    /**
     * @throws IllegalArgumentException when the text is neither a cursor this API gave nor an ISO-8601 instant
     */
    static TimelineCursor parse(String text) {
        if (text == null || text.isEmpty()) {
            return START;
        }
        try {
            return new TimelineCursor(Instant.parse(text).toEpochMilli(), null);
        } catch (DateTimeParseException notAnInstant) {
            try {
                String decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
                int separator = decoded.indexOf('\n');
                return new TimelineCursor(Long.parseLong(decoded.substring(0, separator)), decoded.substring(separator + 1));
            } catch (IllegalArgumentException | IndexOutOfBoundsException notACursor) {
                throw new IllegalArgumentException("after must be the 'next' value of a previous page or an ISO-8601 instant "
                        + "such as 2026-11-02T10:00:00Z");
            }
        }
    }

    /** The cursor that continues after the event with this time and messageId. */
    static String after(long time, String messageId) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((time + "\n" + messageId).getBytes(StandardCharsets.UTF_8));
    }

    /** The first store key of {@code userId}'s timeline that may follow this cursor. */
    Bytes startKey(String userId) {
        if (messageId == null) {
            return time == Long.MAX_VALUE ? null : UserTimeKey.of(userId, time + 1, "");
        }
        return UserTimeKey.of(userId, time, messageId);
    }

    /** Whether a key at {@code startKey} is the cursor's own event, which the page skips. */
    boolean isItself(Bytes key, String userId) {
        return messageId != null && key.equals(UserTimeKey.of(userId, time, messageId));
    }
}
