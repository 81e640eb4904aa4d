package dev.stitch.stream.identity;

import dev.stitch.events.EventIds;
import dev.stitch.schema.SegmentEvent;

/** What the decoder makes of one raw record: an event to stitch, or a record for the dead-letter topic. */
public sealed interface Decoded permits Decoded.Event, Decoded.DeadLetter {

    /**
     * A usable event and its identities.
     *
     * @param arrivedAs the record the event arrived in, when it was written with the application's own
     *                  schema and its body can be copied into the records that carry the event; else null
     */
    record Event(SegmentEvent event, EventIds ids, byte[] arrivedAs) implements Decoded {
    }

    /** The original bytes of a record the stream cannot use; the reason travels in the record headers. */
    record DeadLetter(byte[] key, byte[] value) implements Decoded {
    }
}
