package dev.stitch.stream.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.serde.AvroSerde;
import dev.stitch.stream.app.ApiClient.Answer;
import dev.stitch.stream.config.TopicNames;
import dev.stitch.testing.Eventually;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static dev.stitch.stream.topology.SegmentEvents.alias;
import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.identify;
import static dev.stitch.stream.topology.SegmentEvents.track;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * R8 on a real broker, four partitions, two instances: groups of three users aliased to each other in
 * a ring (a chain closed by a cycle), every alias of every group written at once from different
 * browsers, so the merges are made by different tasks on both instances at the same time. Each group
 * ends on one canonical user: every name and every anonymous id answers for it, its timeline holds
 * each event of the group once, and a read_committed reader finds them there once, in sequence. An
 * erasure through any one name then leaves none of the group's ids known.
 */
class UserMergeIT {

    private static final String TOKEN = "it-api-token";
    private static final int GROUPS = 12;
    private static final int NAMES = 3;
    /** Per name an identify and a track, and one alias per name. */
    private static final int EVENTS_PER_GROUP = NAMES * 3;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ApiClient api = new ApiClient(TOKEN);
    @RegisterExtension
    final LocalCluster kafka = new LocalCluster();


    @Test
    void aliasesRacedFromManyPartitionsEndOnOneCanonicalUserPerGroup() throws Exception {
        StitchApplication first = kafka.startInstance("first", "user-merge-it", TOKEN);
        StitchApplication second = kafka.startInstance("second", "user-merge-it", TOKEN);
        assertThat(first.awaitRunning(Duration.ofSeconds(60))).isTrue();
        assertThat(second.awaitRunning(Duration.ofSeconds(60))).isTrue();
        String raw = TopicNames.defaults().raw();

        List<SegmentEvent> people = new ArrayList<>();
        List<SegmentEvent> aliases = new ArrayList<>();
        for (int group = 0; group < GROUPS; group++) {
            for (int name = 0; name < NAMES; name++) {
                String user = name(group, name);
                people.add(identify("i-" + user, user, "pixel-" + user, at(group * 10 + name)));
                people.add(track("t-" + user, user, null, "Clicked", at(group * 10 + name + 1)));
                aliases.add(alias("a-" + user, user, name(group, (name + 1) % NAMES), "tab-" + user, at(group * 10 + 5)));
            }
        }
        TestClients.produce(kafka.bootstrapServers(), kafka.registry(), raw, people);
        Collections.shuffle(aliases, new Random(7));
        TestClients.produce(kafka.bootstrapServers(), kafka.registry(), raw, aliases);

        Set<String> servedBy = new HashSet<>();
        Map<String, String> canonicalByGroup = new java.util.HashMap<>();
        for (int group = 0; group < GROUPS; group++) {
            String canonical = awaitOneCanonical(first, group);
            String prefix = group(group);
            canonicalByGroup.put(prefix, canonical);
            for (StitchApplication asked : List.of(first, second)) {
                for (int name = 0; name < NAMES; name++) {
                    String user = name(group, name);
                    Answer timeline = api.get(asked, "/v1/users/" + user + "/timeline");
                    servedBy.add(timeline.servedBy());
                    assertThat(timeline.json().get("userId").asText()).as(user).isEqualTo(canonical);
                    assertThat(timeline.json().path("mergedFrom").asText(null)).isEqualTo(user.equals(canonical) ? null : user);
                    assertThat(messageIds(timeline.json())).as("every event of the group once")
                            .hasSize(EVENTS_PER_GROUP).doesNotHaveDuplicates().allMatch(id -> id.contains(prefix));
                    Answer pixel = awaitPixel(asked, "pixel-" + user, canonical);
                    assertThat(pixel.json().get("userId").asText()).isEqualTo(canonical);
                }
                Answer profile = api.awaitProfileCount(asked, canonical, EVENTS_PER_GROUP);
                assertThat(profile.json().get("mergedIds")).as(profile.json().toString()).extracting(JsonNode::asText)
                        .as("the other two names").hasSize(NAMES - 1).doesNotContain(canonical);
            }
        }
        assertThat(servedBy).as("both instances own some of the canonical users").hasSize(2);

        List<ConsumerRecord<String, TimelineEvent>> timeline = TestClients.readUntil(kafka.bootstrapServers(),
                TopicNames.defaults().timeline(), new StringDeserializer(),
                new AvroSerde<>(TimelineEvent.class, kafka.registry()).deserializer(),
                read -> canonicalByGroup.values().stream().allMatch(user -> eventsOf(read, user).size() >= EVENTS_PER_GROUP),
                Duration.ofSeconds(60));
        for (var entry : canonicalByGroup.entrySet()) {
            List<TimelineEvent> events = eventsOf(timeline, entry.getValue());
            assertThat(events).extracting(event -> event.getEvent().getMessageId()).as(entry.getValue())
                    .hasSize(EVENTS_PER_GROUP).doesNotHaveDuplicates().allMatch(id -> id.contains(entry.getKey()));
            assertThat(events).extracting(TimelineEvent::getSequence)
                    .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        }

        // Erasing a group through any of its names erases every name and every anonymous id (R13).
        int erasedGroups = 3;
        for (int group = 0; group < erasedGroups; group++) {
            HttpResponse<String> erased = http.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + second.apiPort() + "/v1/users/" + name(group, group % NAMES)))
                    .header("Authorization", "Bearer " + TOKEN).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(erased.statusCode()).as(erased.body()).isEqualTo(202);
        }
        for (int group = 0; group < GROUPS; group++) {
            for (int name = 0; name < NAMES; name++) {
                String user = name(group, name);
                if (group < erasedGroups) {
                    awaitNotFound(first, "/v1/users/" + user);
                    awaitNotFound(first, "/v1/users/" + user + "/timeline");
                    awaitNotFound(first, "/v1/anonymous/pixel-" + user);
                    awaitNotFound(first, "/v1/anonymous/tab-" + user);
                } else {
                    assertThat(api.get(second, "/v1/users/" + user).status()).as(user).isEqualTo(200);
                }
            }
        }
    }

    private void awaitNotFound(StitchApplication app, String path) throws Exception {
        api.awaitStatus(app, path, 404);
    }

    private static String group(int group) {
        return "g" + group + "-";
    }

    private static String name(int group, int name) {
        return "user-" + group(group) + name;
    }

    private static List<TimelineEvent> eventsOf(List<ConsumerRecord<String, TimelineEvent>> read, String user) {
        return read.stream().filter(record -> record.key().equals(user)).map(ConsumerRecord::value).toList();
    }

    /** Asks until the group's three names answer for one user with all the group's events. */
    private String awaitOneCanonical(StitchApplication app, int group) {
        GroupAnswer answer = Eventually.within(Duration.ofSeconds(60), "group " + group + "'s names answering for one user with "
                        + EVENTS_PER_GROUP + " events")
                .until(() -> askGroup(app, group), GroupAnswer::settled);
        return answer.canonical().iterator().next();
    }

    /** Whom a group's names answer for, and whether each answered 200 with all the group's events. */
    private record GroupAnswer(Set<String> canonical, boolean complete) {
        boolean settled() {
            return complete && canonical.size() == 1;
        }
    }

    private GroupAnswer askGroup(StitchApplication app, int group) throws Exception {
        Set<String> canonical = new HashSet<>();
        boolean complete = true;
        for (int name = 0; name < NAMES; name++) {
            Answer answer = api.get(app, "/v1/users/" + name(group, name) + "/timeline");
            if (answer.status() != 200) {
                complete = false;
                continue;
            }
            canonical.add(answer.json().get("userId").asText());
            complete &= answer.json().get("events").size() == EVENTS_PER_GROUP;
        }
        return new GroupAnswer(canonical, complete);
    }

    /** Asks until the anonymous id follows its user into the canonical one. */
    private Answer awaitPixel(StitchApplication app, String pixel, String canonical) {
        return Eventually.within(Duration.ofSeconds(30), pixel + " answering for " + canonical)
                .until(() -> api.get(app, "/v1/anonymous/" + pixel), answer -> canonical.equals(answer.json().path("userId").asText()));
    }

    private static List<String> messageIds(JsonNode timeline) {
        List<String> ids = new ArrayList<>();
        timeline.get("events").forEach(event -> ids.add(event.get("messageId").asText()));
        return ids;
    }
}
