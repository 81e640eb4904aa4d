package dev.stitch.stream.topology;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.schema.internal.HeldEvent;
import dev.stitch.schema.internal.IdentityState;
import dev.stitch.serde.WireFormat;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.identity.IdentityStage;
import dev.stitch.stream.state.Catalogue;
import dev.stitch.stream.state.UserTimeKey;
import dev.stitch.stream.topology.StitchDriver.Emitted;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.identify;
import static dev.stitch.stream.topology.SegmentEvents.page;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * R2 and R12 where an unlinked id's history waits: its first events in the id's own state, the rest in
 * the history store. Whichever holds them, a link stitches all of them, once, in event-time order, and
 * the bounds count both.
 */
class HeldHistoryTest {

    private static final int HELD = IdentityStage.HISTORY_HELD_IN_STATE;

    @Test
    void aShortVisitsHistoryWaitsInTheIdsStateAndLeavesWithTheLink() {
        try (var stitch = new StitchDriver()) {
            stitch.send(page("h1", "pixel-1", "Home", at(1)))
                    .send(page("h2", "pixel-1", "Pricing", at(2)))
                    .send(page("h3", "pixel-1", "Signup", at(3)));

            assertThat(state(stitch, "pixel-1").getHeld()).extracting(held -> heldEvent(stitch, held).getMessageId())
                    .containsExactly("h1", "h2", "h3");
            assertThat(stored(stitch, "pixel-1")).as("no store entry of its own").isZero();

            stitch.send(identify("i1", "alice", "pixel-1", at(4))).settle();

            assertThat(stitch.timeline()).containsExactly(
                    new Emitted("alice", "h1", 1L, true, false),
                    new Emitted("alice", "h2", 2L, true, false),
                    new Emitted("alice", "h3", 3L, true, false),
                    new Emitted("alice", "i1", 4L, false, false));
            assertThat(state(stitch, "pixel-1").getHeld()).isEmpty();
            assertThat(state(stitch, "pixel-1").getBufferedCount()).isZero();
        }
    }

    /** A held event is the record it arrived in, copied into and out of its id's state, and it is stitched as it arrived. */
    @Test
    void aHeldEventIsTheRecordItArrivedIn() {
        try (var stitch = new StitchDriver()) {
            SegmentEvent home = page("h1", "pixel-1", "Home", at(1));
            stitch.send(home);

            assertThat(state(stitch, "pixel-1").getHeld()).singleElement().satisfies(held ->
                    assertThat(Utils.toArray((ByteBuffer) held.getEvent()))
                            .isEqualTo(stitch.serdes().segmentEvent().serializer().serialize(StitchSettings.defaults().topics().raw(), home)));

            stitch.send(identify("i1", "alice", "pixel-1", at(2))).settle();

            assertThat(stitch.timelineRecords()).first().satisfies(record -> {
                assertThat(record.value().getEvent()).isEqualTo(home);
                assertThat(record.value().getStitched()).isTrue();
            });
        }
    }

    /** A state written before held events were kept as bytes holds them decoded; the link stitches them all the same. */
    @Test
    void aDecodedHeldEventIsStitchedAsWell() {
        try (var stitch = new StitchDriver()) {
            SegmentEvent home = page("h1", "pixel-1", "Home", at(1));
            KeyValueStore<String, IdentityState> identities = stitch.store(Catalogue.IDENTITIES_STORE);
            identities.put("pixel-1", new IdentityState(null, 1, at(1).toEpochMilli(),
                    new ArrayList<>(List.of(new HeldEvent(at(1).toEpochMilli(), home)))));

            stitch.send(identify("i1", "alice", "pixel-1", at(2))).settle();

            List<TimelineEvent> timeline = stitch.timelineRecords().stream().map(TestRecord::value).toList();
            assertThat(timeline).extracting(event -> event.getEvent().getMessageId()).containsExactly("h1", "i1");
            assertThat(timeline.get(0).getEvent()).isEqualTo(home);
            assertThat(timeline.get(0).getStitched()).isTrue();
        }
    }

    /** A held event that cannot be read (its schema gone from the registry) fails its link with the buffer as it was. */
    @Test
    void aLinkThatCannotReadAHeldEventLeavesTheBufferAsItWas() {
        try (var stitch = new StitchDriver()) {
            byte[] unknownSchema = {WireFormat.MAGIC_BYTE, 0, 0, 0x27, 0x0F, 2, 4, 6};
            KeyValueStore<String, IdentityState> identities = stitch.store(Catalogue.IDENTITIES_STORE);
            identities.put("pixel-1", new IdentityState(null, 2, at(1).toEpochMilli(),
                    new ArrayList<>(List.of(new HeldEvent(at(1).toEpochMilli(), ByteBuffer.wrap(unknownSchema))))));
            KeyValueStore<Bytes, SegmentEvent> history = stitch.store(Catalogue.ANONYMOUS_HISTORY_STORE);
            history.put(UserTimeKey.of("pixel-1", at(2).toEpochMilli(), "h2"), page("h2", "pixel-1", "Pricing", at(2)));

            stitch.send(identify("i1", "alice", "pixel-1", at(3))).settle();

            assertThat(stitch.deadLetters()).as("the link that could not be made").isNotEmpty();
            assertThat(stored(stitch, "pixel-1")).as("the stored event still waits").isEqualTo(1);
            assertThat(state(stitch, "pixel-1").getHeld()).hasSize(1);
            assertThat(state(stitch, "pixel-1").getBufferedCount()).isEqualTo(2);
        }
    }

    @Test
    void aLongVisitsLaterEventsWaitInTheStoreAndAllAreStitchedInEventTimeOrder() {
        int pages = HELD + 4;
        try (var stitch = new StitchDriver()) {
            // Sent in arrival order, with event times that run backwards in pairs.
            for (int i = 1; i <= pages; i++) {
                int eventTime = i % 2 == 0 ? i - 1 : i + 1;
                stitch.send(page("h" + eventTime, "pixel-1", "Page", at(eventTime)), at(i));
            }
            assertThat(state(stitch, "pixel-1").getHeld()).hasSize(HELD);
            assertThat(stored(stitch, "pixel-1")).isEqualTo(pages - HELD);

            stitch.send(identify("i1", "alice", "pixel-1", at(pages + 1))).settle();

            List<Emitted> expected = new ArrayList<>();
            for (int i = 1; i <= pages; i++) {
                expected.add(new Emitted("alice", "h" + i, (long) i, true, false));
            }
            expected.add(new Emitted("alice", "i1", pages + 1L, false, false));
            assertThat(stitch.timeline()).containsExactlyElementsOf(expected);
            assertThat(stored(stitch, "pixel-1")).as("the stored events left with the link").isZero();
            assertThat(state(stitch, "pixel-1").getHeld()).isEmpty();
        }
    }

    /** The size bound counts held and stored events together and pushes out the first ones, wherever they wait. */
    @Test
    void theSizeBoundPushesOutTheFirstEventsAcrossBothPlaces() {
        int max = HELD + 2;
        var settings = StitchSettings.defaults().withHistoryBounds(Duration.ofDays(30), max, Duration.ofHours(1));
        try (var stitch = new StitchDriver(settings)) {
            int pages = max + 5;
            for (int i = 1; i <= pages; i++) {
                stitch.send(page("h" + i, "pixel-1", "Page", at(i)));
            }
            assertThat(state(stitch, "pixel-1").getBufferedCount()).isEqualTo(max);
            assertThat(stitch.metric("history-expired")).isEqualTo(5.0);

            stitch.send(identify("i1", "alice", "pixel-1", at(pages + 1))).settle();

            assertThat(stitch.timeline()).extracting(Emitted::messageId)
                    .containsExactlyElementsOf(IntStream.rangeClosed(pages - max + 1, pages + 1)
                            .mapToObj(i -> i == pages + 1 ? "i1" : "h" + i).toList());
            assertThat(stored(stitch, "pixel-1")).isZero();
        }
    }

    /**
     * The sweep drops what passed the retention from both places: the held first events go, the later
     * stored ones stay, and the id's next events join them in the store until the link.
     */
    @Test
    void theSweepDropsExpiredHeldEventsAndKeepsTheStoredOnes() {
        var settings = StitchSettings.defaults().withHistoryBounds(Duration.ofHours(1), 1000, Duration.ofMinutes(1));
        int twoHours = 2 * 3600;
        try (var stitch = new StitchDriver(settings)) {
            for (int i = 1; i <= HELD; i++) {
                stitch.send(page("old" + i, "pixel-1", "Page", at(i)));
            }
            stitch.send(page("fresh1", "pixel-1", "Page", at(twoHours - 60)))
                    .send(page("fresh2", "pixel-1", "Page", at(twoHours - 50)))
                    .send(page("other", "pixel-2", "Home", at(twoHours)));

            assertThat(stitch.metric("history-expired")).isEqualTo((double) HELD);
            IdentityState swept = state(stitch, "pixel-1");
            assertThat(swept.getHeld()).isEmpty();
            assertThat(swept.getBufferedCount()).isEqualTo(2);
            assertThat(swept.getOldestBufferedAt()).isEqualTo(at(twoHours - 60).toEpochMilli());

            stitch.send(page("fresh3", "pixel-1", "Page", at(twoHours + 1)))
                    .send(identify("i1", "alice", "pixel-1", at(twoHours + 2)))
                    .settle();

            assertThat(stitch.timeline()).extracting(Emitted::messageId).containsExactly("fresh1", "fresh2", "fresh3", "i1");
            assertThat(stored(stitch, "pixel-1")).isZero();
        }
    }

    /**
     * Whatever the number of page views, their event times and the size bound: the link stitches
     * exactly the newest events the bound kept, once each, in event-time order, counts the rest as
     * expired, and leaves nothing behind in either place.
     */
    @Test
    void aLinkStitchesExactlyWhatTheBoundKeptWhereverItWaited() {
        AtomicLong example = new AtomicLong();
        qt().withExamples(40)
                .forAll(lists().of(integers().between(0, 40)).ofSizeBetween(1, 3 * HELD), integers().between(1, 2 * HELD))
                .checkAssert((eventTimes, max) -> {
                    var settings = StitchSettings.defaults().withHistoryBounds(Duration.ofDays(30), max, Duration.ofHours(1));
                    String pixel = "pixel-" + example.incrementAndGet();
                    try (var stitch = new StitchDriver(settings)) {
                        List<Sent> sent = new ArrayList<>();
                        for (int i = 0; i < eventTimes.size(); i++) {
                            Sent page = new Sent("p" + i, eventTimes.get(i));
                            sent.add(page);
                            stitch.send(page(page.messageId(), pixel, "Page", at(page.eventTime())), at(100 + i));
                        }
                        int linkAt = 100 + eventTimes.size();
                        stitch.send(identify("i", "user-" + pixel, pixel, at(linkAt)), at(linkAt)).settle();

                        List<Sent> kept = sent.subList(Math.max(0, sent.size() - max), sent.size());
                        List<String> expected = kept.stream()
                                .sorted(Comparator.comparingInt(Sent::eventTime).thenComparing(Sent::messageId))
                                .map(Sent::messageId).toList();
                        List<Emitted> timeline = stitch.timeline();
                        assertThat(timeline.subList(0, timeline.size() - 1)).extracting(Emitted::messageId)
                                .containsExactlyElementsOf(expected);
                        assertThat(timeline.get(timeline.size() - 1).messageId()).isEqualTo("i");
                        assertThat(stitch.metric("history-expired")).isEqualTo((double) (sent.size() - kept.size()));
                        assertThat(stored(stitch, pixel)).isZero();
                        assertThat(state(stitch, pixel).getHeld()).isEmpty();
                    }
                });
    }

    private record Sent(String messageId, int eventTime) {
    }

    /** A held event decoded, whether its state holds it as bytes or decoded. */
    private static SegmentEvent heldEvent(StitchDriver stitch, HeldEvent held) {
        return held.getEvent() instanceof ByteBuffer bytes
                ? stitch.serdes().segmentEvent().deserializer().deserialize(StitchSettings.defaults().topics().raw(), Utils.toArray(bytes))
                : (SegmentEvent) held.getEvent();
    }

    private static IdentityState state(StitchDriver stitch, String id) {
        KeyValueStore<String, IdentityState> identities = stitch.store(Catalogue.IDENTITIES_STORE);
        return identities.get(id);
    }

    private static int stored(StitchDriver stitch, String anonymousId) {
        return StitchDriver.keysWithPrefix(stitch.store(Catalogue.ANONYMOUS_HISTORY_STORE), UserTimeKey.prefix(anonymousId));
    }
}
