package dev.stitch.stream.identity;

import dev.stitch.events.EventIds;
import dev.stitch.events.JunkIds;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.stream.config.RecordLimits;
import dev.stitch.stream.errors.DeadLetterHeaders;
import dev.stitch.stream.errors.DeadLetterReason;
import dev.stitch.stream.errors.DeadLetters;
import dev.stitch.stream.state.WireSchemas;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.charset.StandardCharsets;

/**
 * First step of the identity stage: turns raw bytes into an event with its usable identities, or
 * into a dead letter saying why not. It never throws on data, so a bad record cannot stop the
 * application, and nothing too large or with too long an id gets into the state.
 */
public final class EventDecoder implements Processor<byte[], byte[], String, Decoded> {

    private final Deserializer<SegmentEvent> deserializer;
    private final String rawTopic;
    private final JunkIds junkIds;
    private final RecordLimits limits;
    private final WireSchemas schemas;
    private ProcessorContext<String, Decoded> context;
    private DeadLetters deadLetters;

    /** @param rawTopic the topic the records come from, named in deserialization errors */
    public EventDecoder(Deserializer<SegmentEvent> deserializer, WireSchemas schemas, String rawTopic, JunkIds junkIds,
                        RecordLimits limits) {
        this.deserializer = deserializer;
        this.schemas = schemas;
        this.rawTopic = rawTopic;
        this.junkIds = junkIds;
        this.limits = limits;
    }

    @Override
    public void init(ProcessorContext<String, Decoded> context) {
        this.context = context;
        deadLetters = DeadLetters.of(context.appConfigs());
        deadLetters.countIn(context.metrics());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        if (record.value() == null) {
            deadLetter(record, DeadLetterReason.NO_VALUE, "the record has no value (a tombstone); segment.raw carries events only", null);
            return;
        }
        int size = sizeOf(record);
        if (size > limits.maxEventBytes()) {
            deadLetter(record, DeadLetterReason.EVENT_TOO_LARGE, "the record takes " + size + " bytes with its key and headers, more than the "
                    + limits.maxEventBytes() + " an event may (STITCH_MAX_EVENT_BYTES)", null);
            return;
        }
        SegmentEvent event;
        try {
            event = deserializer.deserialize(rawTopic, record.headers(), record.value());
        } catch (SerializationException e) {
            // Only bad bytes are dead-lettered; a registry that cannot be reached is not the record's
            // fault and fails the task, so the record is processed again once the registry is back.
            deadLetter(record, DeadLetterReason.UNDECODABLE, "the value is not a SegmentEvent in the registry's Avro wire format", e);
            return;
        }
        if (event.getMessageId().isBlank()) {
            deadLetter(record, DeadLetterReason.NO_MESSAGE_ID, "the event has no messageId", null);
            return;
        }
        String tooLong = limits.ids().tooLongField(event);
        if (tooLong != null || limits.ids().tooLong(event.getMessageId())) {
            deadLetter(record, DeadLetterReason.ID_TOO_LONG, "the event's " + (tooLong != null ? tooLong : "messageId") + " is longer than the "
                    + limits.ids().maxLength() + " characters an id may have (STITCH_MAX_ID_LENGTH)", null);
            return;
        }
        EventIds ids = EventIds.of(event, junkIds);
        if (SegmentEventParser.DELETE.equals(event.getType()) && ids.userId() == null) {
            deadLetter(record, DeadLetterReason.DELETE_WITHOUT_USER, "a delete (a user erasure) needs a usable userId", null);
            return;
        }
        if (!ids.hasIdentity()) {
            deadLetter(record, DeadLetterReason.NO_IDENTITY, "the event has no usable identity: userId, anonymousId and context.anonymousId "
                    + "are missing, blank or junk values such as \"undefined\"", null);
            return;
        }
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        byte[] arrivedAs = schemas.isOwnSegmentEvent(rawTopic, record.value()) ? record.value() : null;
        context.forward(new Record<>(key, new Decoded.Event(event, ids, arrivedAs), record.timestamp()));
    }

    private static int sizeOf(Record<byte[], byte[]> record) {
        return (record.key() == null ? 0 : record.key().length) + record.value().length + DeadLetterHeaders.sizeOf(record.headers());
    }

    private void deadLetter(Record<byte[], byte[]> record, DeadLetterReason reason, String sentence, Throwable error) {
        deadLetters.record(reason, sentence, context.recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse(rawTopic));
        Record<String, Decoded> letter = new Record<String, Decoded>(null,
                new Decoded.DeadLetter(record.key(), record.value()), record.timestamp(),
                DeadLetterHeaders.describe(record.headers(), reason, sentence, error, context.recordMetadata()));
        context.forward(letter);
    }
}
