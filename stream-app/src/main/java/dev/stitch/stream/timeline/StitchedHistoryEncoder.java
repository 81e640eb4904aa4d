package dev.stitch.stream.timeline;

import dev.stitch.schema.TimelineEvent;
import dev.stitch.schema.internal.StitchedEvent;
import dev.stitch.schema.internal.StitchedEvents;
import dev.stitch.stream.state.OutgoingEvent;
import dev.stitch.stream.state.WireSchemas;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes the history one link stitches onto a user (R2) as few records as fit under the record
 * bound, instead of one record per event: each event is encoded as the timeline stage keeps it, beside
 * its sort key, its Segment event's bytes copied from the record it arrived in where they can be
 * ({@link OutgoingEventBytes}). An event too large to share a record goes on alone, as any event does;
 * the records keep the events' order.
 */
public final class StitchedHistoryEncoder implements Processor<String, List<OutgoingEvent>, String, byte[]> {

    /** Room left in a record for the container's own bytes: the wire header and the array's block counts. */
    private static final int CONTAINER_SLACK = 1024;
    /** The most an event's time and the length prefixes of its messageId and bytes take in the container. */
    private static final int PER_EVENT_SLACK = 20;

    private final OutgoingEventBytes eventBytes;
    private final Serializer<StitchedEvents> historySerializer;
    private final String repartition;
    private final int maxBytesPerRecord;
    private ProcessorContext<String, byte[]> context;
    private String historySubjectTopic;

    /**
     * @param eventSubjectTopic the topic whose value subject the events' schema is registered under (the timeline topic)
     * @param repartition       the name of the repartition the records travel on, whose topic's value subject the
     *                          container's schema is registered under
     * @param maxRecordBytes    the largest value the application writes
     */
    public StitchedHistoryEncoder(Serializer<TimelineEvent> eventSerializer, WireSchemas schemas, Serializer<StitchedEvents> historySerializer,
                                  String eventSubjectTopic, String repartition, int maxRecordBytes) {
        this.eventBytes = new OutgoingEventBytes(eventSerializer, schemas, eventSubjectTopic);
        this.historySerializer = historySerializer;
        this.repartition = repartition;
        this.maxBytesPerRecord = maxRecordBytes - CONTAINER_SLACK;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        // Kafka Streams names a repartition topic so.
        this.historySubjectTopic = context.applicationId() + "-" + repartition + "-repartition";
    }

    @Override
    public void process(Record<String, List<OutgoingEvent>> record) {
        List<StitchedEvent> batch = new ArrayList<>();
        int batchBytes = 0;
        for (OutgoingEvent outgoing : record.value()) {
            TimelineEvent event = outgoing.event();
            byte[] encoded = eventBytes.of(outgoing);
            int eventBytes = encoded.length + event.getEvent().getMessageId().getBytes(StandardCharsets.UTF_8).length + PER_EVENT_SLACK;
            if (eventBytes > maxBytesPerRecord) {
                if (!batch.isEmpty()) {
                    send(record, batch);
                    batch = new ArrayList<>();
                    batchBytes = 0;
                }
                context.forward(new Record<>(record.key(), encoded, record.timestamp(),
                        UserRecordKind.EVENT.mark(OrderHeaders.of(event.getEvent()))));
                continue;
            }
            if (batchBytes + eventBytes > maxBytesPerRecord) {
                send(record, batch);
                batch = new ArrayList<>();
                batchBytes = 0;
            }
            batch.add(new StitchedEvent(event.getEvent().getTimestamp().toEpochMilli(), event.getEvent().getMessageId(),
                    ByteBuffer.wrap(encoded)));
            batchBytes += eventBytes;
        }
        if (!batch.isEmpty()) {
            send(record, batch);
        }
    }

    private void send(Record<String, List<OutgoingEvent>> record, List<StitchedEvent> batch) {
        byte[] value = historySerializer.serialize(historySubjectTopic, new StitchedEvents(batch));
        context.forward(new Record<>(record.key(), value, record.timestamp(),
                UserRecordKind.STITCHED_HISTORY.mark(new RecordHeaders())));
    }
}
