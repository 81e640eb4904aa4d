package dev.stitch.stream.topology;

import dev.stitch.schema.ChangeKind;
import dev.stitch.stream.topology.StitchDriver.Change;
import dev.stitch.stream.topology.StitchDriver.Emitted;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.identify;
import static dev.stitch.stream.topology.SegmentEvents.page;
import static dev.stitch.stream.topology.SegmentEvents.serverIdentify;
import static dev.stitch.stream.topology.SegmentEvents.track;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's documented flow (docs/architecture.md#how-an-event-travels): anonymous page views, an
 * identify, a server-side event; rules R1 (link), R2 (retroactive stitching), R3 (routing), R4
 * (server-side events), R11 (anonymous activity).
 */
class DocumentedFlowTest {

    private final StitchDriver stitch = new StitchDriver();

    @AfterEach
    void close() {
        stitch.close();
    }

    @Test
    void stitchesAnonymousHistoryWhenServerIdentifyCarriesContextAnonymousId() {
        stitch.send(page("p1", "pixel-1", "Home", at(1)))
                .send(page("p2", "pixel-1", "Pricing", at(2)))
                .send(page("p3", "pixel-1", "Signup", at(3)))
                .send(serverIdentify("i1", "user-42", "pixel-1", at(4)))
                .send(track("s1", "user-42", null, "Order Completed", at(5)));

        assertThat(stitch.timeline()).as("nothing leaves before the grace period").isEmpty();
        stitch.settle();

        assertThat(stitch.timeline()).containsExactly(
                new Emitted("user-42", "p1", 1L, true, false),
                new Emitted("user-42", "p2", 2L, true, false),
                new Emitted("user-42", "p3", 3L, true, false),
                new Emitted("user-42", "i1", 4L, false, false),
                new Emitted("user-42", "s1", 5L, false, false));
        assertThat(stitch.anonymous()).containsExactly("pixel-1 p1", "pixel-1 p2", "pixel-1 p3");
        assertThat(stitch.changes()).containsExactly(
                new Change("pixel-1", ChangeKind.LINKED, "user-42", null, "i1"));
    }

    @Test
    void stitchesAnonymousHistoryWhenFrontendIdentifyCarriesAnonymousId() {
        stitch.send(page("p1", "pixel-1", "Home", at(1)))
                .send(page("p2", "pixel-1", "Pricing", at(2)))
                .send(identify("i1", "user-42", "pixel-1", at(3)))
                .send(track("s1", "user-42", null, "Order Completed", at(4)))
                .settle();

        assertThat(stitch.timeline()).containsExactly(
                new Emitted("user-42", "p1", 1L, true, false),
                new Emitted("user-42", "p2", 2L, true, false),
                new Emitted("user-42", "i1", 3L, false, false),
                new Emitted("user-42", "s1", 4L, false, false));
        assertThat(stitch.changes()).containsExactly(
                new Change("pixel-1", ChangeKind.LINKED, "user-42", null, "i1"));
    }

    @Test
    void routesLaterAnonymousEventsOfALinkedIdStraightToTheUser() {
        stitch.send(identify("i1", "user-42", "pixel-1", at(1)))
                .send(page("p1", "pixel-1", "Docs", at(2)))
                .settle();

        assertThat(stitch.timeline()).containsExactly(
                new Emitted("user-42", "i1", 1L, false, false),
                new Emitted("user-42", "p1", 2L, false, false));
        assertThat(stitch.anonymous()).as("a linked id's activity is not anonymous").isEmpty();
    }

    @Test
    void ordersAServerSideEventThatArrivesBeforeTheIdentifyWithinTheGracePeriod() {
        stitch.send(page("p1", "pixel-1", "Home", at(1)))
                .send(page("p2", "pixel-1", "Pricing", at(2)))
                .send(track("s1", "user-42", null, "Trial Started", at(3)))
                .send(serverIdentify("i1", "user-42", "pixel-1", at(4)))
                .settle();

        assertThat(stitch.timeline()).containsExactly(
                new Emitted("user-42", "p1", 1L, true, false),
                new Emitted("user-42", "p2", 2L, true, false),
                new Emitted("user-42", "s1", 3L, false, false),
                new Emitted("user-42", "i1", 4L, false, false));
    }

    @Test
    void marksStitchedHistoryLateWhenTheUsersTimelineAlreadyMovedPastIt() {
        stitch.send(page("p1", "pixel-1", "Home", at(1)))
                .send(page("p2", "pixel-1", "Pricing", at(2)))
                .send(track("s1", "user-42", null, "Trial Started", at(10)))
                .settle();
        assertThat(stitch.timeline()).containsExactly(new Emitted("user-42", "s1", 1L, false, false));

        stitch.send(serverIdentify("i1", "user-42", "pixel-1", at(30))).settle();

        assertThat(stitch.timeline()).containsExactly(
                new Emitted("user-42", "p1", 2L, true, true),
                new Emitted("user-42", "p2", 3L, true, true),
                new Emitted("user-42", "i1", 4L, false, false));
    }

    @Test
    void sendsServerSideEventsToTheUserWithoutAnyIdentify() {
        stitch.send(track("s1", "user-7", null, "Invoice Paid", at(1)))
                .send(track("s2", "user-7", null, "Invoice Paid", at(2)))
                .settle();

        assertThat(stitch.timeline()).containsExactly(
                new Emitted("user-7", "s1", 1L, false, false),
                new Emitted("user-7", "s2", 2L, false, false));
        assertThat(stitch.changes()).isEmpty();
    }

    @Test
    void keepsTheOriginalEventAndContextIntactOnTheTimeline() {
        var identifyEvent = serverIdentify("i1", "user-42", "pixel-1", at(1));
        stitch.send(identifyEvent).settle();

        var record = stitch.timelineRecords().get(0);
        assertThat(record.key()).isEqualTo("user-42");
        assertThat(record.value().getUserId()).isEqualTo("user-42");
        assertThat(record.value().getEvent()).isEqualTo(identifyEvent);
        assertThat(record.value().getEvent().getJson()).contains("\"context\":{\"anonymousId\":\"pixel-1\"}");
    }

    @Test
    void publishesUnlinkedAnonymousActivityAtOnce() {
        stitch.send(page("p1", "pixel-9", "Home", at(1)));

        assertThat(stitch.anonymous()).containsExactly("pixel-9 p1");
        stitch.settle();
        assertThat(stitch.timelineRecords()).as("past the grace period, still no user's timeline has it").isEmpty();
        assertThat(stitch.anonymous()).as("published once").isEmpty();
    }
}
