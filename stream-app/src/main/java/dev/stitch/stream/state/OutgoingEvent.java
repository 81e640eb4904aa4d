package dev.stitch.stream.state;

import dev.stitch.schema.TimelineEvent;

/**
 * A {@code TimelineEvent} on its way to be encoded, with the record its Segment event arrived in when
 * that record's body can be copied instead of encoding the event again.
 *
 * @param event        the event with its head (userId, sequence, flags)
 * @param arrivedAs    the Segment event's record in the registry's wire format, written with the
 *                     application's own schema ({@link WireSchemas#isOwnSegmentEvent}); null when the
 *                     event must be encoded
 */
public record OutgoingEvent(TimelineEvent event, byte[] arrivedAs) {

    /** An event that is encoded in full: it did not arrive in a record whose body can be copied. */
    public static OutgoingEvent encoded(TimelineEvent event) {
        return new OutgoingEvent(event, null);
    }
}
