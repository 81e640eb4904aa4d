package dev.stitch.stream.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.stream.config.AppConfig;
import dev.stitch.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static dev.stitch.stream.topology.SegmentEvents.identify;
import static dev.stitch.stream.topology.SegmentEvents.page;
import static dev.stitch.stream.topology.SegmentEvents.track;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's Events Activity on a real broker: each instance's own consumer of the output topics
 * lists what the stream emits, and an erased person leaves the list, also for an instance that reads
 * the topics anew after a restart, while the person's records are still on stitch.timeline.
 */
class ConsoleActivityIT {

    private static final String TOKEN = "activity-token";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @RegisterExtension
    final SingleBroker kafka = new SingleBroker();

    private final ApiClient api = new ApiClient(TOKEN);

    @Test
    void listsWhatTheStreamEmitsAndLeavesOutAnErasedPersonAlsoAfterARestart() throws Exception {
        AppConfig config = AppConfig.fromEnvironment(kafka.env("console-activity-it-", Map.of(
                "STITCH_REORDER_GRACE", "1s",
                "STITCH_API_TOKEN", TOKEN)));
        Instant now = Instant.now();

        try (var app = kafka.start(config)) {
            assertThat(app.awaitRunning(WAIT)).isTrue();
            kafka.produce(config, List.of(
                    page("ada-page", "pixel-ada", "Home", now.minusSeconds(30)),
                    identify("ada-identify", "user-ada", "pixel-ada", now.minusSeconds(20)),
                    track("bob-track", "user-bob", null, "Opened", now.minusSeconds(10))));

            List<String> listed = awaitListed(app, rows -> rows.contains("stitched ada-page") && rows.contains("identified ada-identify")
                    && rows.contains("identified bob-track"));
            assertThat(listed).contains("anonymous ada-page");

            HttpResponse<String> erased = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + app.apiPort() + "/v1/users/user-ada"))
                    .header("Authorization", "Bearer " + TOKEN).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(erased.statusCode()).as(erased.body()).isEqualTo(202);

            assertThat(awaitListed(app, rows -> rows.stream().noneMatch(row -> row.contains("ada"))))
                    .containsExactly("identified bob-track");
        }

        try (var restarted = kafka.start(config)) {
            assertThat(restarted.awaitRunning(WAIT)).isTrue();
            kafka.produce(config, List.of(
                    track("bob-again", "user-bob", null, "Opened again", Instant.now())));

            assertThat(awaitListed(restarted, rows -> rows.contains("identified bob-again")))
                    .containsExactly("identified bob-again", "identified bob-track");
        }
    }

    /** Asks the activity until its rows ("mark messageId", newest first) satisfy {@code done}; answers them. */
    private List<String> awaitListed(StitchApplication app, Predicate<List<String>> done) {
        return Eventually.within(WAIT, "the activity lists what was asked for").until(() -> rows(app), done);
    }

    private List<String> rows(StitchApplication app) {
        try {
            ApiClient.Answer answer = api.get(app, "/v1/activity");
            List<String> rows = new ArrayList<>();
            for (JsonNode event : answer.json().get("events")) {
                rows.add(event.get("mark").asText() + " " + event.get("messageId").asText());
            }
            return rows;
        } catch (Exception e) {
            throw new IllegalStateException("the query API did not answer: " + e.getMessage(), e);
        }
    }
}
