package dev.stitch.stream.state;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.serde.SchemaRegistry;
import dev.stitch.serde.SubjectNames;
import dev.stitch.serde.WireFormat;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the registry says about records the application copies instead of encoding again: whether a
 * record's Segment event was written with the application's own {@code SegmentEvent} schema (its Avro
 * body is then exactly what encoding the decoded event would give), and the id a {@code TimelineEvent}
 * written to a topic carries. Both are asked once per id or topic, then remembered.
 */
public final class WireSchemas {

    private final SchemaRegistry registry;
    private final Map<Integer, Boolean> ownSegmentEventIds = new ConcurrentHashMap<>();
    private final Map<String, Integer> timelineEventIds = new ConcurrentHashMap<>();

    public WireSchemas(SchemaRegistry registry) {
        this.registry = registry;
    }

    /**
     * Whether {@code wire}, a Segment event in the registry's wire format that has just been read, was
     * written with the application's own schema, so that its body can be copied as it is.
     */
    public boolean isOwnSegmentEvent(String topic, byte[] wire) {
        int id = WireFormat.readSchemaId(topic, wire, 0, wire.length);
        return ownSegmentEventIds.computeIfAbsent(id, known -> registry.schemaById(known).equals(SegmentEvent.getClassSchema()));
    }

    /** The id of the application's {@code TimelineEvent} schema under the topic's value subject, as its serializer writes it. */
    public int timelineEventId(String topic) {
        return timelineEventIds.computeIfAbsent(topic,
                name -> registry.register(SubjectNames.valueSubject(name), TimelineEvent.getClassSchema()));
    }
}
