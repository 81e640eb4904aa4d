package dev.stitch.stream.timeline;

import dev.stitch.schema.TimelineEvent;
import dev.stitch.stream.state.OutgoingEvent;
import dev.stitch.stream.state.WireSchemas;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Encodes an outgoing event once: when the Segment event arrived in a record written with the
 * application's own schema, that record's body is copied behind the head ({@link TimelineEventHead}),
 * byte for byte what the serializer would write; otherwise the serializer writes the whole event.
 */
final class OutgoingEventBytes {

    private final Serializer<TimelineEvent> serializer;
    private final WireSchemas schemas;
    private final String subjectTopic;

    /** @param subjectTopic the topic whose value subject the schema is registered under */
    OutgoingEventBytes(Serializer<TimelineEvent> serializer, WireSchemas schemas, String subjectTopic) {
        this.serializer = serializer;
        this.schemas = schemas;
        this.subjectTopic = subjectTopic;
    }

    byte[] of(OutgoingEvent outgoing) {
        if (outgoing.arrivedAs() == null) {
            return serializer.serialize(subjectTopic, outgoing.event());
        }
        return TimelineEventHead.composed(schemas.timelineEventId(subjectTopic), outgoing.event(), outgoing.arrivedAs());
    }
}
