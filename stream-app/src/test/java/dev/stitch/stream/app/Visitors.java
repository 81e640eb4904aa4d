package dev.stitch.stream.app;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Visitors who browse, identify one of three ways, and buy: the traffic of the integration tests. */
public final class Visitors {

    /** Events each visitor sends: what a timeline of one visitor holds in the end. */
    public static final int EVENTS_EACH = 6;

    private Visitors() {
    }

    /**
     * Each visitor {@code user-<i>}: two anonymous page views, an identify with the email trait
     * {@code user-<i>@example.com} (server-side with the pixel id in context, frontend, or with a
     * second anonymous id in context), another page view, two
     * server-side tracks; visitor after visitor, a second apart.
     */
    public static List<SegmentEvent> events(int visitors) {
        List<SegmentEvent> events = new ArrayList<>();
        Instant start = Instant.parse("2026-11-02T09:00:00Z");
        for (int i = 0; i < visitors; i++) {
            String user = "user-" + i;
            String pixel = "pixel-" + i;
            Instant t = start.plusSeconds(i);
            events.add(event("p1-" + i, "page", null, pixel, null, t.plusMillis(1)));
            events.add(event("p2-" + i, "page", null, pixel, null, t.plusMillis(2)));
            events.add(switch (i % 3) {
                case 0 -> event("id-" + i, "identify", user, null, pixel, t.plusMillis(3));
                case 1 -> event("id-" + i, "identify", user, pixel, null, t.plusMillis(3));
                default -> event("id-" + i, "identify", user, "app-" + i, pixel, t.plusMillis(3));
            });
            events.add(event("p3-" + i, "page", null, pixel, null, t.plusMillis(4)));
            events.add(event("t1-" + i, "track", user, null, null, t.plusMillis(5)));
            events.add(event("t2-" + i, "track", user, null, null, t.plusMillis(6)));
        }
        return events;
    }

    /**
     * What a read_committed reader of stitch.timeline must find after the traffic of {@code visitors}:
     * every event once, and for each visitor the sequences 1 to {@value #EVENTS_EACH}, in order.
     */
    public static void assertEveryEventOnceInSequence(List<ConsumerRecord<String, TimelineEvent>> timeline, int visitors) {
        assertThat(timeline).hasSize(visitors * EVENTS_EACH);
        assertThat(timeline).extracting(r -> r.value().getEvent().getMessageId()).doesNotHaveDuplicates();
        Map<String, List<Long>> sequences = new TreeMap<>();
        timeline.forEach(r -> sequences.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value().getSequence()));
        assertThat(sequences).hasSize(visitors);
        List<Long> expected = LongStream.rangeClosed(1, EVENTS_EACH).boxed().toList();
        sequences.forEach((user, seqs) -> assertThat(seqs).as(user).isEqualTo(expected));
    }

    private static SegmentEvent event(String messageId, String type, String userId, String anonymousId,
                                      String contextAnonymousId, Instant time) {
        return SegmentEvent.newBuilder().setMessageId(messageId).setType(type).setUserId(userId)
                .setAnonymousId(anonymousId).setContextAnonymousId(contextAnonymousId)
                .setEvent(type.equals("track") ? "Clicked" : null)
                .setTimestamp(time).setReceivedAt(time).setSource("test")
                .setJson(type.equals("identify")
                        ? "{\"messageId\":\"" + messageId + "\",\"traits\":{\"email\":\"" + userId + "@example.com\"}}"
                        : "{\"messageId\":\"" + messageId + "\"}").build();
    }
}
