package dev.stitch.stream.identity;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.internal.HeldEvent;
import dev.stitch.stream.state.StitchSerdes;
import dev.stitch.stream.state.WireSchemas;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;

import java.nio.ByteBuffer;

/**
 * How an unlinked id's event is held in its state ({@link AnonymousHistoryBuffer}): as the record it
 * arrived in, when that was written with the application's own schema, else decoded. The state is
 * written again with each of the id's events, all held ones with it, so held bytes are copied where a
 * decoded event would be encoded (its JSON, about a kilobyte, character by character) on every write
 * and decoded on every read. An event is decoded once, when it leaves.
 */
final class HeldEvents {

    private final Deserializer<SegmentEvent> deserializer;
    private final WireSchemas schemas;
    private final String rawTopic;

    /** @param rawTopic the topic the events arrived on, whose value subject their schema ids are registered under */
    HeldEvents(StitchSerdes serdes, String rawTopic) {
        this.deserializer = serdes.segmentEvent().deserializer();
        this.schemas = serdes.wireSchemas();
        this.rawTopic = rawTopic;
    }

    /** The event as its state holds it; {@code arrivedAs} is the record it arrived in, if its body can be copied, else null. */
    static HeldEvent hold(long arrival, SegmentEvent event, byte[] arrivedAs) {
        return new HeldEvent(arrival, arrivedAs == null ? event : ByteBuffer.wrap(arrivedAs));
    }

    /**
     * What a held event counts against its state's bound: its JSON's characters, or the bytes of the
     * record it arrived in, which are at least as many.
     */
    static int size(HeldEvent held) {
        return held.getEvent() instanceof SegmentEvent event ? event.getJson().length() : ((ByteBuffer) held.getEvent()).remaining();
    }

    /**
     * The held event, decoded, with the record it arrived in while its body is still of the
     * application's own schema (an upgrade may have changed that schema since it arrived).
     */
    BufferedEvent released(HeldEvent held) {
        if (held.getEvent() instanceof SegmentEvent event) {
            return new BufferedEvent(event, null);
        }
        byte[] wire = Utils.toArray((ByteBuffer) held.getEvent());
        return new BufferedEvent(deserializer.deserialize(rawTopic, wire), schemas.isOwnSegmentEvent(rawTopic, wire) ? wire : null);
    }
}
