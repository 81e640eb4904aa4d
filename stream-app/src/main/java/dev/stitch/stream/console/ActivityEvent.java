package dev.stitch.stream.console;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;

import java.util.Objects;
import java.util.stream.Stream;

/**
 * One event as the Events Activity screen lists it: the fields a row shows, not the event's payload,
 * so that the ring's memory is bounded by its length.
 *
 * @param anonymous          read from stitch.anonymous: activity of an anonymous id not linked yet
 * @param userId             the canonical user it was placed under; null when anonymous
 * @param eventUserId        the userId the event itself carried
 * @param anonymousId        the event's top-level anonymous id
 * @param contextAnonymousId the anonymous id it carried in {@code context.anonymousId}
 * @param messageId          the event's messageId, cut to {@link #MAX_TEXT_LENGTH}
 * @param type               the event's type, cut to {@link #MAX_TEXT_LENGTH}
 * @param name               the track event's name or the page's name, cut to {@link #MAX_TEXT_LENGTH}
 * @param sequence           its place on the user's timeline; null when anonymous
 *
 * <p>The ids are bounded by the stream ({@code STITCH_MAX_ID_LENGTH}); the free texts, which other
 * producers of segment.raw may make as long as a record, are cut here, so a row stays small.
 */
public record ActivityEvent(boolean anonymous, String userId, String eventUserId, String anonymousId, String contextAnonymousId,
                            String messageId, String type, String name, long timestamp, long receivedAt, Long sequence,
                            boolean stitched, boolean late) {

    /** A row needs no more of a free text than this. */
    public static final int MAX_TEXT_LENGTH = 200;

    /** What the row is marked with: still anonymous, late, stitched history, or a direct event of a known user. */
    public enum Mark { ANONYMOUS, LATE, STITCHED, IDENTIFIED }

    /** From a record of stitch.timeline ({@code anonymous} false) or stitch.anonymous ({@code anonymous} true). */
    public static ActivityEvent of(TimelineEvent record, boolean anonymous) {
        SegmentEvent event = record.getEvent();
        String name = event.getEvent() != null ? event.getEvent() : event.getName();
        return new ActivityEvent(anonymous, anonymous ? null : record.getUserId(), event.getUserId(), event.getAnonymousId(),
                event.getContextAnonymousId(), cut(event.getMessageId()), cut(event.getType()), cut(name),
                event.getTimestamp().toEpochMilli(),
                event.getReceivedAt().toEpochMilli(), anonymous ? null : record.getSequence(), record.getStitched(), record.getLate());
    }

    private static String cut(String text) {
        return text == null || text.length() <= MAX_TEXT_LENGTH ? text : text.substring(0, MAX_TEXT_LENGTH) + "…";
    }

    public Mark mark() {
        if (anonymous) {
            return Mark.ANONYMOUS;
        }
        if (late) {
            return Mark.LATE;
        }
        return stitched ? Mark.STITCHED : Mark.IDENTIFIED;
    }

    /** Every id the event names: the user it went to and the ids it carried. */
    Stream<String> ids() {
        return Stream.of(userId, eventUserId, anonymousId, contextAnonymousId).filter(Objects::nonNull);
    }

    boolean names(String id) {
        return ids().anyMatch(id::equals);
    }

    /** The anonymous ids it carried. */
    Stream<String> anonymousIds() {
        return Stream.of(anonymousId, contextAnonymousId).filter(Objects::nonNull);
    }
}
