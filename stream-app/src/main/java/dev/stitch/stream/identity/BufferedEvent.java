package dev.stitch.stream.identity;

import dev.stitch.schema.SegmentEvent;

/**
 * An event leaving the anonymous-history buffer.
 *
 * @param arrivedAs the record it arrived in, when its body can be copied into the records that carry
 *                  the event on ({@link dev.stitch.stream.state.OutgoingEvent}); else null
 */
record BufferedEvent(SegmentEvent event, byte[] arrivedAs) {
}
