package dev.stitch.stream.timeline;

import dev.stitch.schema.TimelineEvent;
import dev.stitch.stream.state.OutgoingEvent;
import dev.stitch.stream.state.WireSchemas;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/** Encodes the activity of an unlinked anonymous id for its topic (R11), as consumers read it: no headers of the application's own. */
public final class AnonymousEventEncoder implements Processor<String, OutgoingEvent, String, byte[]> {

    private final OutgoingEventBytes bytes;
    private ProcessorContext<String, byte[]> context;

    /** @param topic the anonymous-activity topic, whose value subject the schema is registered under */
    public AnonymousEventEncoder(Serializer<TimelineEvent> serializer, WireSchemas schemas, String topic) {
        this.bytes = new OutgoingEventBytes(serializer, schemas, topic);
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, OutgoingEvent> record) {
        context.forward(new Record<>(record.key(), bytes.of(record.value()), record.timestamp()));
    }
}
