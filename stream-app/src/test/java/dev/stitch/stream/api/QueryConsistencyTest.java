package dev.stitch.stream.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.topology.StitchDriver;
import dev.stitch.stream.topology.StitchDriver.Emitted;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.stitch.stream.topology.SegmentEvents.alias;
import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.identifyWithTraits;
import static dev.stitch.stream.topology.SegmentEvents.page;
import static dev.stitch.stream.topology.SegmentEvents.track;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The query API's answers agree with each other at every moment: a user whose events the timeline
 * shows has a profile that counts them, emitted or still waiting, and once every event is emitted the
 * count is the number of the user's records on stitch.timeline.
 */
class QueryConsistencyTest {

    private final StitchDriver stitch = new StitchDriver();
    private final UserQueries queries = new UserQueries(new DriverStateAccess(stitch),
            stitch.serdes().timelineEvent().deserializer(), StitchSettings.defaults().topics().timeline());

    @AfterEach
    void close() {
        stitch.close();
    }

    @Test
    void aUsersProfileIsThereWithItsTraitsAndCountWhileItsEventsStillWait() {
        stitch.send(page("p1", "pixel-1", "Home", at(1)))
                .send(identifyWithTraits("i1", "user-1", "pixel-1", "{\"plan\":\"pro\"}", at(2)))
                .send(track("t1", "user-1", null, "Clicked", at(3)));

        assertThat(stitch.timeline()).as("all three still wait").isEmpty();
        assertThat(timeline("user-1")).containsExactly("p1", "i1", "t1");
        ObjectNode profile = queries.profile("user-1", 0).orElseThrow();
        assertThat(profile.get("eventCount").asLong()).isEqualTo(3);
        assertThat(profile.get("traits").toString()).isEqualTo("{\"plan\":\"pro\"}");
        assertThat(profile.get("anonymousIds").get(0).asText()).isEqualTo("pixel-1");
        assertThat(profile.get("firstSeen").asText()).isEqualTo("2026-11-02T10:00:01Z");
        assertThat(profile.get("lastSeen").asText()).isEqualTo("2026-11-02T10:00:03Z");

        stitch.settle();

        assertThat(stitch.timeline()).hasSize(3);
        assertThat(queries.profile("user-1", 0).orElseThrow().get("eventCount").asLong()).isEqualTo(3);
    }

    @Test
    void aMergedUsersEventsStillWaitingAreCountedOnTheUserItIsMergedInto() {
        stitch.send(track("p1", "user-p", null, "Signed up", at(1))).settle();
        assertThat(stitch.timeline()).containsExactly(new Emitted("user-p", "p1", 1L, false, false));

        stitch.send(track("p2", "user-p", null, "Clicked", at(2)))
                .send(alias("a1", "user-p", "user-u", null, at(3)));

        assertThat(timeline("user-u")).as("P's emitted and waiting events moved to U").containsExactly("p1", "p2", "a1");
        assertThat(queries.mergedInto("user-p", 0)).hasValue("user-u");
        ObjectNode waiting = queries.profile("user-u", 0).orElseThrow();
        assertThat(waiting.get("eventCount").asLong()).isEqualTo(3);
        assertThat(waiting.get("firstSeen").asText()).isEqualTo("2026-11-02T10:00:01Z");
        assertThat(waiting.get("mergedIds").get(0).asText()).isEqualTo("user-p");

        stitch.settle();

        List<Emitted> emitted = stitch.timeline();
        assertThat(emitted).containsExactly(
                new Emitted("user-u", "p1", 1L, true, false),
                new Emitted("user-u", "p2", 2L, true, false),
                new Emitted("user-u", "a1", 3L, false, false));
        assertThat(queries.profile("user-u", 0).orElseThrow().get("eventCount").asLong()).isEqualTo(emitted.size());
    }

    @Test
    void theCountFollowsTheTimelineThroughALateEventAndAMergeOfEmittedEvents() {
        List<Emitted> onTopic = new ArrayList<>();
        stitch.send(track("u1", "user-u", null, "Opened", at(10)))
                .send(track("p1", "user-p", null, "Signed up", at(1)))
                .settle();
        onTopic.addAll(stitch.timeline());
        stitch.send(track("u0", "user-u", null, "Late", at(5)), at(40));
        assertThat(countShownOnTheTimeline("user-u")).isEqualTo(2);

        stitch.send(alias("a1", "user-p", "user-u", null, at(41)));
        assertThat(countShownOnTheTimeline("user-u")).as("u1, u0 waiting, p1 moved, a1").isEqualTo(4);

        stitch.settle();
        onTopic.addAll(stitch.timeline());
        assertThat(countShownOnTheTimeline("user-u")).isEqualTo(4);
        assertThat(onTopic.stream().filter(record -> record.userId().equals("user-u")).map(Emitted::messageId))
                .containsExactly("u1", "p1", "u0", "a1");
    }

    /** The user's event count, asserted equal to the number of events its timeline shows. */
    private long countShownOnTheTimeline(String userId) {
        long count = queries.profile(userId, 0).orElseThrow().get("eventCount").asLong();
        assertThat(timeline(userId)).hasSize((int) count);
        return count;
    }

    private List<String> timeline(String userId) {
        List<String> ids = new ArrayList<>();
        JsonNode events = queries.timeline(userId, 0, TimelineCursor.START, 1_000).orElseThrow().get("events");
        events.forEach(event -> ids.add(event.get("messageId").asText()));
        return ids;
    }
}
