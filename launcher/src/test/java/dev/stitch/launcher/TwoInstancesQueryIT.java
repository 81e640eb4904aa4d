package dev.stitch.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.bridge.BridgeConfig;
import dev.stitch.bridge.KafkaEventPublisher;
import dev.stitch.bridge.TimestampWindow;
import dev.stitch.bridge.WebhookBridge;
import dev.stitch.stream.app.ApiClient.Answer;
import dev.stitch.stream.app.ApiClient;
import dev.stitch.stream.app.LocalCluster;
import dev.stitch.stream.app.StitchApplication;
import dev.stitch.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole product end to end with two instances of the stitching application sharing the
 * partitions: the documented flow of several people posted to the bridge over HTTP, then each
 * person's timeline, profile and pixel id asked of each instance. Either instance answers for every
 * person, from its own stores or by forwarding to the instance that owns the person; a search, which
 * has no owner, is answered by both instances together.
 */
class TwoInstancesQueryIT {

    private static final String WRITE_KEY = "it-write-key";
    private static final String TOKEN = "it-api-token";
    private static final int PEOPLE = 8;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ApiClient api = new ApiClient(TOKEN);
    @RegisterExtension
    final LocalCluster kafka = new LocalCluster();


    @Test
    void eitherInstanceAnswersForEveryPersonWithTheOrderedTimeline() throws Exception {
        StitchApplication first = kafka.startInstance("first", "two-instances-it", TOKEN);
        StitchApplication second = kafka.startInstance("second", "two-instances-it", TOKEN);
        assertThat(first.awaitRunning(Duration.ofSeconds(60))).isTrue();
        assertThat(second.awaitRunning(Duration.ofSeconds(60))).isTrue();
        // The flow's events are dated 2026-11-02: the bridge's window of event times is opened wide enough to take them.
        BridgeConfig bridgeConfig = BridgeConfig.defaults(List.of(WRITE_KEY))
                .withTimestamps(new TimestampWindow(Duration.ofDays(36_500), Duration.ofDays(36_500), Duration.ofMinutes(10)))
                .withListenAddress("localhost", 0);
        KafkaEventPublisher publisher = kafka.keep(KafkaEventPublisher.create(bridgeConfig, kafka.bootstrapServers(), kafka.registry()));
        WebhookBridge bridge = kafka.keep(WebhookBridge.start(bridgeConfig, publisher));

        for (int person = 0; person < PEOPLE; person++) {
            postDocumentedFlow(bridge.port(), person);
        }

        Set<String> servedBy = new HashSet<>();
        for (StitchApplication asked : List.of(first, second)) {
            for (int person = 0; person < PEOPLE; person++) {
                String userId = "user-" + person;
                Answer timeline = awaitEvents(asked, "/v1/users/" + userId + "/timeline", 5);
                servedBy.add(timeline.servedBy());
                assertThat(messageIds(timeline.json())).as("%s asked of port %d", userId, asked.apiPort()).containsExactly(
                        "page-1-" + person, "page-2-" + person, "page-3-" + person, "identify-" + person, "track-" + person);
                assertThat(stitchedFlags(timeline.json())).containsExactly(true, true, true, false, false);

                // The profile counts events once they left the reorder buffer for stitch.timeline.
                Answer profile = api.awaitProfileCount(asked, userId, 5);
                assertThat(profile.json().get("anonymousIds").toString()).isEqualTo("[\"pixel-" + person + "\"]");
                assertThat(profile.json().get("traits").path("email").asText()).as(profile.json().toString())
                        .isEqualTo(userId + "@example.com");
                assertThat(profile.json().get("eventCount").asLong()).isEqualTo(5);

                Answer pixel = api.get(asked, "/v1/anonymous/pixel-" + person);
                assertThat(pixel.status()).isEqualTo(200);
                assertThat(pixel.json().get("userId").asText()).isEqualTo(userId);

                assertThat(api.get(asked, "/v1/users/nobody-" + person).status()).isEqualTo(404);

                // A search has no key: every instance answers for its own partitions, merged by the one asked.
                Answer search = api.get(asked, "/v1/search?q=" + userId.toUpperCase(java.util.Locale.ROOT) + "%40EXAMPLE.COM");
                assertThat(search.json().toString()).isEqualTo("{\"query\":\"" + userId.toUpperCase(java.util.Locale.ROOT)
                        + "@EXAMPLE.COM\",\"matches\":[{\"userId\":\"" + userId + "\",\"matchedBy\":\"email\",\"trait\":\"email\","
                        + "\"value\":\"" + userId + "@example.com\"}]}");
                assertThat(search.servedBy()).isEqualTo("localhost:" + asked.apiPort() + ",localhost:"
                        + (asked == first ? second : first).apiPort());
                assertThat(api.get(asked, "/v1/search?q=pixel-" + person).json().path("matches").path(0).path("userId").asText())
                        .isEqualTo(userId);
                assertThat(api.get(asked, "/v1/users?email=" + userId + "%40example.com").json().toString())
                        .isEqualTo("{\"users\":[\"" + userId + "\"]}");
            }
        }
        assertThat(servedBy).as("both instances own some of the people").containsExactlyInAnyOrder(
                "localhost:" + first.apiPort(), "localhost:" + second.apiPort());
    }

    private void postDocumentedFlow(int bridgePort, int person) throws IOException, InterruptedException {
        String pixel = "pixel-" + person;
        String user = "user-" + person;
        List<String> events = List.of(
                page("page-1-" + person, pixel, "Home", "10:00:01"),
                page("page-2-" + person, pixel, "Pricing", "10:00:09"),
                page("page-3-" + person, pixel, "Sign up", "10:00:20"),
                "{\"type\":\"identify\",\"messageId\":\"identify-" + person + "\",\"userId\":\"" + user + "\","
                        + "\"traits\":{\"email\":\"" + user + "@example.com\"},\"context\":{\"anonymousId\":\"" + pixel + "\"},"
                        + "\"timestamp\":\"2026-11-02T10:00:31Z\"}",
                "{\"type\":\"track\",\"messageId\":\"track-" + person + "\",\"userId\":\"" + user + "\",\"event\":\"Order Completed\","
                        + "\"context\":{\"ip\":\"203.0.113.7\"},\"timestamp\":\"2026-11-02T10:01:05Z\"}");
        for (String event : events) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + bridgePort + "/v1/webhook"))
                    .header("Authorization", "Bearer " + WRITE_KEY)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(event)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        }
    }

    private static String page(String messageId, String pixel, String name, String time) {
        return "{\"type\":\"page\",\"messageId\":\"" + messageId + "\",\"anonymousId\":\"" + pixel + "\",\"name\":\"" + name
                + "\",\"timestamp\":\"2026-11-02T" + time + "Z\"}";
    }

    /** Asks until the timeline holds {@code count} events: they leave the reorder buffer after its grace period. */
    private Answer awaitEvents(StitchApplication app, String path, int count) {
        return Eventually.within(Duration.ofSeconds(60), path + " holding " + count + " events")
                .until(() -> api.get(app, path), answer -> answer.status() == 200 && answer.json().get("events").size() >= count);
    }


    private static List<String> messageIds(JsonNode timeline) {
        List<String> ids = new ArrayList<>();
        timeline.get("events").forEach(event -> ids.add(event.get("messageId").asText()));
        return ids;
    }

    private static List<Boolean> stitchedFlags(JsonNode timeline) {
        List<Boolean> flags = new ArrayList<>();
        timeline.get("events").forEach(event -> flags.add(event.get("stitched").asBoolean()));
        return flags;
    }
}
