package dev.stitch.stream.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.embedded.EmbeddedKafkaBroker;
import dev.stitch.serde.SchemaRegistries;
import dev.stitch.serde.SchemaRegistry;
import dev.stitch.stream.config.AppConfig;
import dev.stitch.testing.Eventually;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

    @TempDir
    static Path dir;
    private static EmbeddedKafkaBroker broker;

    private final ApiClient api = new ApiClient(TOKEN);

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void listsWhatTheStreamEmitsAndLeavesOutAnErasedPersonAlsoAfterARestart() throws Exception {
        String registryUrl = "mock://" + UUID.randomUUID();
        AppConfig config = AppConfig.fromEnvironment(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", registryUrl,
                "STITCH_DATA_DIR", dir.resolve("app").toString(),
                "STITCH_APPLICATION_ID", "console-activity-it",
                "STITCH_REORDER_GRACE", "1s",
                "STITCH_FLUSH_INTERVAL", "100ms",
                "STITCH_API_PORT", "0",
                "STITCH_API_TOKEN", TOKEN));
        SchemaRegistry registry = SchemaRegistries.connect(registryUrl, null);
        String raw = config.settings().topics().raw();
        Instant now = Instant.now();

        try (var app = StitchApplication.start(config, registry, broker.bootstrapServers())) {
            assertThat(app.awaitRunning(WAIT)).isTrue();
            TestClients.produce(broker.bootstrapServers(), registry, raw, List.of(
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

        try (var restarted = StitchApplication.start(config, registry, broker.bootstrapServers())) {
            assertThat(restarted.awaitRunning(WAIT)).isTrue();
            TestClients.produce(broker.bootstrapServers(), registry, raw, List.of(
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
