package dev.stitch.stream.timeline;

import dev.stitch.schema.TimelineEvent;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Encodes an event for the timeline stage once, here, and puts its kind and sort key in headers: the timeline
 * stage then keeps the bytes in its reorder buffer as they are, and decodes each event only when it
 * leaves.
 */
public final class TimelineEventEncoder implements Processor<String, TimelineEvent, String, byte[]> {

    private final Serializer<TimelineEvent> serializer;
    private final String subjectTopic;
    private ProcessorContext<String, byte[]> context;

    /** @param subjectTopic the topic whose value subject the schema is registered under (the timeline topic) */
    public TimelineEventEncoder(Serializer<TimelineEvent> serializer, String subjectTopic) {
        this.serializer = serializer;
        this.subjectTopic = subjectTopic;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, TimelineEvent> record) {
        context.forward(new Record<>(record.key(), serializer.serialize(subjectTopic, record.value()), record.timestamp(),
                UserRecordKind.EVENT.mark(OrderHeaders.of(record.value().getEvent()))));
    }
}
