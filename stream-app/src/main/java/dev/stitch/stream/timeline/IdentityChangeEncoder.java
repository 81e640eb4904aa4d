package dev.stitch.stream.timeline;

import dev.stitch.schema.IdentityChange;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Encodes a change of an id's mapping for the timeline stage, which keeps each user's linked ids in
 * the profile. It travels on the same repartition topic as the user's events, marked by its kind.
 */
public final class IdentityChangeEncoder implements Processor<String, IdentityChange, String, byte[]> {

    private final Serializer<IdentityChange> serializer;
    private final String subjectTopic;
    private ProcessorContext<String, byte[]> context;

    /** @param subjectTopic the topic whose value subject the schema is registered under (the identity-changes topic) */
    public IdentityChangeEncoder(Serializer<IdentityChange> serializer, String subjectTopic) {
        this.serializer = serializer;
        this.subjectTopic = subjectTopic;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, IdentityChange> record) {
        context.forward(new Record<>(record.key(), serializer.serialize(subjectTopic, record.value()), record.timestamp(),
                UserRecordKind.IDENTITY_CHANGE.mark(new RecordHeaders())));
    }
}
