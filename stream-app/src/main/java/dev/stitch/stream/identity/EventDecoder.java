package dev.stitch.stream.identity;

import dev.stitch.events.EventIds;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.events.JunkIds;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.stream.metrics.StitchMetrics;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;

/**
 * First step of the identity stage: turns raw bytes into an event with its usable identities, or
 * into a dead letter saying why not. It never throws on data, so a bad record cannot stop the
 * application.
 */
public final class EventDecoder implements Processor<byte[], byte[], String, Decoded> {

    private final Deserializer<SegmentEvent> deserializer;
    private final String rawTopic;
    private final JunkIds junkIds;
    private ProcessorContext<String, Decoded> context;
    private StitchMetrics metrics;

    /** @param rawTopic the topic the records come from, named in deserialization errors */
    public EventDecoder(Deserializer<SegmentEvent> deserializer, String rawTopic, JunkIds junkIds) {
        this.deserializer = deserializer;
        this.rawTopic = rawTopic;
        this.junkIds = junkIds;
    }

    @Override
    public void init(ProcessorContext<String, Decoded> context) {
        this.context = context;
        this.metrics = StitchMetrics.of(context);
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            deadLetter(record, "the record has no value (a tombstone); segment.raw carries events only", null);
            return;
        }
        SegmentEvent event;
        try {
            event = deserializer.deserialize(rawTopic, record.headers(), record.value());
        } catch (SerializationException e) {
            // Only bad bytes are dead-lettered; a registry that cannot be reached is not the record's
            // fault and fails the task, so the record is processed again once the registry is back.
            deadLetter(record, "the value is not a SegmentEvent in the registry's Avro wire format", e);
            return;
        }
        if (event.getMessageId().isBlank()) {
            deadLetter(record, "the event has no messageId", null);
            return;
        }
        EventIds ids = EventIds.of(event, junkIds);
        if (SegmentEventParser.DELETE.equals(event.getType()) && ids.userId() == null) {
            deadLetter(record, "a delete (a user erasure) needs a usable userId", null);
            return;
        }
        if (!ids.hasIdentity()) {
            deadLetter(record, "the event has no usable identity: userId, anonymousId and context.anonymousId "
                    + "are missing, blank or junk values such as \"undefined\"", null);
            return;
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        context.forward(new Record<>(key, new Decoded.Event(event, ids), record.timestamp()));
    }

    private void deadLetter(Record<byte[], byte[]> record, String reason, Throwable error) {
        metrics.deadLetter();
        Record<String, Decoded> letter = new Record<String, Decoded>(null,
                new Decoded.DeadLetter(record.key(), record.value()), record.timestamp(),
                DeadLetterHeaders.describe(record.headers(), reason, error, context.recordMetadata()));
        context.forward(letter);
    }
}
