package dev.stitch.stream.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.topology.StitchDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.identify;
import static dev.stitch.stream.topology.SegmentEvents.identifyWithTraits;
import static dev.stitch.stream.topology.SegmentEvents.page;
import static dev.stitch.stream.topology.SegmentEvents.serverIdentify;
import static dev.stitch.stream.topology.SegmentEvents.track;
import static org.assertj.core.api.Assertions.assertThat;

/** What the query API reads from the timeline stage's stores: timelines by event time, profiles, anonymous ids. */
class UserQueriesTest {

    private final StitchDriver stitch = new StitchDriver();
    private final UserQueries queries = new UserQueries(new DriverStateAccess(stitch),
            stitch.serdes().timelineEvent().deserializer(),
            StitchSettings.defaults().topics().timeline());

    @AfterEach
    void close() {
        stitch.close();
    }

    @Test
    void theDocumentedFlowIsOneTimelineInEventTimeOrderWithAProfile() {
        stitch.send(page("p1", "pixel-1", "Home", at(1)))
                .send(page("p2", "pixel-1", "Pricing", at(2)))
                .send(serverIdentify("i1", "user-42", "pixel-1", at(4)))
                .send(track("s1", "user-42", null, "Order Completed", at(5)))
                .settle();

        ObjectNode timeline = queries.timeline("user-42", 0, TimelineCursor.START, 100).orElseThrow();
        assertThat(timeline.get("userId").asText()).isEqualTo("user-42");
        assertThat(messageIds(timeline)).containsExactly("p1", "p2", "i1", "s1");
        JsonNode first = timeline.get("events").get(0);
        assertThat(first.get("type").asText()).isEqualTo("page");
        assertThat(first.get("name").asText()).isEqualTo("Home");
        assertThat(first.get("timestamp").asText()).isEqualTo("2026-11-02T10:00:01Z");
        assertThat(first.get("anonymousId").asText()).isEqualTo("pixel-1");
        assertThat(first.get("userId").isNull()).as("the event's own userId: it was anonymous").isTrue();
        assertThat(first.get("stitched").asBoolean()).isTrue();
        JsonNode last = timeline.get("events").get(3);
        assertThat(last.get("event").asText()).isEqualTo("Order Completed");
        assertThat(last.get("stitched").asBoolean()).isFalse();
        assertThat(timeline.has("next")).as("no further page").isFalse();

        ObjectNode profile = queries.profile("user-42", 0).orElseThrow();
        assertThat(profile.get("anonymousIds")).hasSize(1);
        assertThat(profile.get("anonymousIds").get(0).asText()).isEqualTo("pixel-1");
        assertThat(profile.get("firstSeen").asText()).isEqualTo("2026-11-02T10:00:01Z");
        assertThat(profile.get("lastSeen").asText()).isEqualTo("2026-11-02T10:00:05Z");
        assertThat(profile.get("eventCount").asLong()).isEqualTo(4);

        assertThat(queries.anonymous("pixel-1", 0).orElseThrow().get("userId").asText()).isEqualTo("user-42");
    }

    @Test
    void unknownIdsAreEmptyAndAnUnlinkedAnonymousIdHasNoUser() {
        stitch.send(page("p1", "pixel-1", "Home", at(1))).settle();

        assertThat(queries.timeline("nobody", 0, TimelineCursor.START, 10)).isEmpty();
        assertThat(queries.profile("nobody", 0)).isEmpty();
        assertThat(queries.anonymous("pixel-unknown", 0)).isEmpty();
        assertThat(queries.anonymous("pixel-1", 0).orElseThrow().get("userId").isNull()).isTrue();
    }

    @Test
    void pagesFollowEachOtherWithoutGapOrRepeat() {
        stitch.send(identify("e1", "user-1", "pixel-1", at(1)));
        for (int i = 2; i <= 5; i++) {
            stitch.send(track("e" + i, "user-1", null, "Step", at(i)));
        }
        stitch.send(track("e2b", "user-1", null, "Step", at(2))).settle();

        ObjectNode first = queries.timeline("user-1", 0, TimelineCursor.START, 2).orElseThrow();
        assertThat(messageIds(first)).containsExactly("e1", "e2");
        ObjectNode second = queries.timeline("user-1", 0, TimelineCursor.parse(first.get("next").asText()), 2).orElseThrow();
        assertThat(messageIds(second)).as("e2b shares e2's time and sorts after it").containsExactly("e2b", "e3");
        ObjectNode third = queries.timeline("user-1", 0, TimelineCursor.parse(second.get("next").asText()), 2).orElseThrow();
        assertThat(messageIds(third)).containsExactly("e4", "e5");
        assertThat(third.has("next")).as("the last page says no more").isFalse();

        ObjectNode afterInstant = queries.timeline("user-1", 0, TimelineCursor.parse("2026-11-02T10:00:03Z"), 10).orElseThrow();
        assertThat(messageIds(afterInstant)).containsExactly("e4", "e5");
    }

    @Test
    void aLateEventIsServedInItsEventTimePlace() {
        stitch.send(track("t1", "user-1", null, "A", at(1)))
                .send(track("t3", "user-1", null, "C", at(3)))
                .settle()
                .send(track("t2", "user-1", null, "B", at(2)), at(30))
                .settle();

        assertThat(messageIds(queries.timeline("user-1", 0, TimelineCursor.START, 10).orElseThrow()))
                .containsExactly("t1", "t2", "t3");
    }

    @Test
    void servesEventsFromTheirArrivalWhileTheyStillWaitToBeEmitted() {
        stitch.send(page("p1", "pixel-1", "Home", at(1)))
                .send(identify("i1", "user-1", "pixel-1", at(2)))
                .send(track("t1", "user-1", null, "Clicked", at(3)));

        assertThat(stitch.timelineRecords()).as("still within the grace period").isEmpty();
        assertThat(messageIds(queries.timeline("user-1", 0, TimelineCursor.START, 10).orElseThrow()))
                .containsExactly("p1", "i1", "t1");
    }

    @Test
    void traitsMergePerTraitWithTheLatestEventTimeWinning() {
        stitch.send(identifyWithTraits("i2", "user-1", "pixel-1", "{\"plan\":\"pro\",\"email\":\"ada@example.com\"}", at(10)))
                .send(identifyWithTraits("i1", "user-1", "pixel-1", "{\"plan\":\"free\",\"name\":\"Ada\",\"age\":36.50}", at(5)), at(40))
                .settle();

        JsonNode traits = queries.profile("user-1", 0).orElseThrow().get("traits");
        assertThat(traits.get("plan").asText()).as("the older identify does not overwrite").isEqualTo("pro");
        assertThat(traits.get("email").asText()).isEqualTo("ada@example.com");
        assertThat(traits.get("name").asText()).as("a trait only the older identify had").isEqualTo("Ada");
        assertThat(traits.get("age").toString()).as("numbers kept exactly").isEqualTo("36.50");
    }

    @Test
    void theProfileListsEveryAnonymousIdLinkedToTheUserIncludingASecondOne() {
        stitch.send(page("p1", "pixel-a", "Home", at(1)))
                .send(identify("i1", "user-1", "pixel-a", at(2)))
                .send(identify("i2", "user-1", "phone-b", at(3)))
                .send(identify("i3", "user-1", "pixel-a", at(4)))
                .send(dev.stitch.stream.topology.SegmentEvents.event("i4", "identify", "user-1", "tablet-c", "pixel-d", at(5)).build())
                .settle();

        assertThat(anonymousIds(queries.profile("user-1", 0).orElseThrow()))
                .containsExactlyInAnyOrder("pixel-a", "phone-b", "tablet-c", "pixel-d");
        assertThat(queries.anonymous("pixel-d", 0).orElseThrow().get("userId").asText()).isEqualTo("user-1");
    }

    @Test
    void aSharedDeviceMovesToTheLatestUserAndLeavesThePreviousProfile() {
        stitch.send(identify("i1", "user-v", "shared-pc", at(1)))
                .send(identify("i2", "user-u", "shared-pc", at(2)))
                .settle();

        assertThat(anonymousIds(queries.profile("user-v", 0).orElseThrow())).isEmpty();
        assertThat(anonymousIds(queries.profile("user-u", 0).orElseThrow())).containsExactly("shared-pc");
        assertThat(messageIds(queries.timeline("user-v", 0, TimelineCursor.START, 10).orElseThrow()))
                .as("history before stays with the first user").containsExactly("i1");
    }

    private static List<String> messageIds(ObjectNode timeline) {
        List<String> ids = new ArrayList<>();
        timeline.get("events").forEach(event -> ids.add(event.get("messageId").asText()));
        return ids;
    }

    private static List<String> anonymousIds(ObjectNode profile) {
        List<String> ids = new ArrayList<>();
        profile.get("anonymousIds").forEach(id -> ids.add(id.asText()));
        return ids;
    }
}
