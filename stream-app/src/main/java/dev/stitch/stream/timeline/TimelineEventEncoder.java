package dev.stitch.stream.timeline;

import dev.stitch.schema.TimelineEvent;
import dev.stitch.stream.state.OutgoingEvent;
import dev.stitch.stream.state.WireSchemas;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Encodes an event for the timeline stage once, here, and puts its kind and sort key in headers: the timeline
 * stage then keeps the bytes in its reorder buffer as they are, and decodes each event only when it
 * leaves.
 */
public final class TimelineEventEncoder implements Processor<String, OutgoingEvent, String, byte[]> {

    private final OutgoingEventBytes bytes;
    private ProcessorContext<String, byte[]> context;

    /** @param subjectTopic the topic whose value subject the schema is registered under (the timeline topic) */
    public TimelineEventEncoder(Serializer<TimelineEvent> serializer, WireSchemas schemas, String subjectTopic) {
        this.bytes = new OutgoingEventBytes(serializer, schemas, subjectTopic);
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, OutgoingEvent> record) {
        context.forward(new Record<>(record.key(), bytes.of(record.value()), record.timestamp(),
                UserRecordKind.EVENT.mark(OrderHeaders.of(record.value().event().getEvent()))));
    }
}
