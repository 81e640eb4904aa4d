package dev.stitch.stream.timeline;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.schema.internal.StitchedEvent;
import dev.stitch.schema.internal.StitchedEvents;
import dev.stitch.serde.SchemaRegistries;
import dev.stitch.stream.state.OutgoingEvent;
import dev.stitch.stream.state.StitchSerdes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The history a link stitches travels to the user's partition in as few records as the record bound allows. */
class StitchedHistoryEncoderTest {

    private static final String TIMELINE = "stitch.timeline";
    private final StitchSerdes serdes = StitchSerdes.using(SchemaRegistries.connect("mock://" + UUID.randomUUID(), null));

    @Test
    void aLinksHistoryIsOneRecordHoldingEachEventAsTheTimelineStageKeepsIt() {
        List<TimelineEvent> history = events(5, 100);
        List<MockProcessorContext.CapturedForward<? extends String, ? extends byte[]>> sent = encode(history, 1 << 20);

        assertThat(sent).hasSize(1);
        assertThat(kind(sent.get(0))).isEqualTo(UserRecordKind.STITCHED_HISTORY);
        List<StitchedEvent> carried = decode(sent.get(0)).getEvents();
        assertThat(carried).extracting(StitchedEvent::getMessageId).containsExactly("m0", "m1", "m2", "m3", "m4");
        for (int i = 0; i < history.size(); i++) {
            SegmentEvent event = history.get(i).getEvent();
            assertThat(carried.get(i).getEventTime()).isEqualTo(event.getTimestamp().toEpochMilli());
            assertThat(Utils.toArray(carried.get(i).getEvent())).isEqualTo(serdes.timelineEvent().serializer().serialize(TIMELINE, history.get(i)));
        }
    }

    @Test
    void anEventThatArrivedInTheApplicationsOwnSchemaIsCarriedAsTheSerializerWouldWriteIt() {
        TimelineEvent event = event(0, 100);
        byte[] arrivedAs = serdes.segmentEvent().serializer().serialize("stitch.raw", event.getEvent());
        List<MockProcessorContext.CapturedForward<? extends String, ? extends byte[]>> sent =
                encodeOutgoing(List.of(new OutgoingEvent(event, arrivedAs)), 1 << 20);

        List<StitchedEvent> carried = decode(sent.get(0)).getEvents();
        assertThat(Utils.toArray(carried.get(0).getEvent())).isEqualTo(serdes.timelineEvent().serializer().serialize(TIMELINE, event));
    }

    @Test
    void historyOverTheRecordBoundIsSplitInOrderAndNothingIsLost() {
        List<TimelineEvent> history = events(30, 2_000);
        List<MockProcessorContext.CapturedForward<? extends String, ? extends byte[]>> sent = encode(history, 16 * 1024);

        assertThat(sent).hasSizeGreaterThan(1).allSatisfy(record -> {
            assertThat(kind(record)).isEqualTo(UserRecordKind.STITCHED_HISTORY);
            assertThat(record.record().value().length).isLessThanOrEqualTo(16 * 1024);
        });
        List<String> carried = new ArrayList<>();
        sent.forEach(record -> decode(record).getEvents().forEach(event -> carried.add(event.getMessageId())));
        assertThat(carried).containsExactlyElementsOf(IntStream.range(0, 30).mapToObj(i -> "m" + i).toList());
    }

    @Test
    void anEventTooLargeToShareARecordGoesOnAloneAsAnEvent() {
        List<TimelineEvent> history = List.of(event(0, 100), event(1, 12_000), event(2, 100));
        List<MockProcessorContext.CapturedForward<? extends String, ? extends byte[]>> sent = encode(history, 12 * 1024);

        assertThat(sent).extracting(StitchedHistoryEncoderTest::kind)
                .containsExactly(UserRecordKind.STITCHED_HISTORY, UserRecordKind.EVENT, UserRecordKind.STITCHED_HISTORY);
        assertThat(decode(sent.get(0)).getEvents()).extracting(StitchedEvent::getMessageId).containsExactly("m0");
        assertThat(OrderHeaders.messageId(sent.get(1).record().headers())).isEqualTo("m1");
        assertThat(sent.get(1).record().value()).isEqualTo(serdes.timelineEvent().serializer().serialize(TIMELINE, history.get(1)));
        assertThat(decode(sent.get(2)).getEvents()).extracting(StitchedEvent::getMessageId).containsExactly("m2");
    }

    private List<MockProcessorContext.CapturedForward<? extends String, ? extends byte[]>> encode(List<TimelineEvent> history, int maxRecordBytes) {
        return encodeOutgoing(history.stream().map(OutgoingEvent::encoded).toList(), maxRecordBytes);
    }

    private List<MockProcessorContext.CapturedForward<? extends String, ? extends byte[]>> encodeOutgoing(List<OutgoingEvent> history,
                                                                                                         int maxRecordBytes) {
        MockProcessorContext<String, byte[]> context = new MockProcessorContext<>();
        StitchedHistoryEncoder encoder = new StitchedHistoryEncoder(serdes.timelineEvent().serializer(), serdes.wireSchemas(),
                serdes.stitchedEvents().serializer(), TIMELINE, "events-by-user", maxRecordBytes);
        encoder.init(context);
        encoder.process(new Record<>("alice", history, 1_000L));
        return context.forwarded();
    }

    private StitchedEvents decode(MockProcessorContext.CapturedForward<? extends String, ? extends byte[]> record) {
        return serdes.stitchedEvents().deserializer().deserialize("events-by-user", record.record().value());
    }

    private static UserRecordKind kind(MockProcessorContext.CapturedForward<? extends String, ? extends byte[]> record) {
        return UserRecordKind.of(record.record().headers());
    }

    private static List<TimelineEvent> events(int count, int jsonBytes) {
        return IntStream.range(0, count).mapToObj(i -> event(i, jsonBytes)).toList();
    }

    private static TimelineEvent event(int i, int jsonBytes) {
        SegmentEvent event = SegmentEvent.newBuilder()
                .setMessageId("m" + i)
                .setType("page")
                .setAnonymousId("pixel-1")
                .setTimestamp(Instant.ofEpochMilli(10_000L + i))
                .setReceivedAt(Instant.ofEpochMilli(20_000L + i))
                .setJson("{\"pad\":\"" + "x".repeat(jsonBytes) + "\"}")
                .build();
        return new TimelineEvent("alice", null, true, false, event);
    }
}
