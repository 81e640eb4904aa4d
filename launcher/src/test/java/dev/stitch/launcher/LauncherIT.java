package dev.stitch.launcher;

import dev.stitch.bridge.BridgeConfig;
import dev.stitch.bridge.TimestampWindow;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.stream.config.AppConfig;
import dev.stitch.testing.Eventually;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher as a user drives it: the embedded default running, {@code replay} of the documented
 * flow, {@code timeline} printing the unified timeline, and the data still there after a restart.
 */
class LauncherIT {

    private static final Path DOCUMENTED_FLOW = Path.of("..", "examples", "documented-flow.ndjson");
    private static final String WRITE_KEY = "test-write-key";
    /** The example flow happened on 2026-11-02: the bridge's window of event times is opened wide enough to take it. */
    private static final BridgeConfig BRIDGE = BridgeConfig.defaults(List.of(WRITE_KEY))
            .withTimestamps(new TimestampWindow(Duration.ofDays(36_500), Duration.ofDays(36_500), Duration.ofMinutes(10)))
            .withListenAddress("localhost", 0);

    @TempDir
    Path dir;

    @Test
    void replayedDocumentedFlowShowsAsOneOrderedTimelineAndSurvivesARestart() throws Exception {
        Map<String, String> stackEnv = Map.of(
                "STITCH_DATA_DIR", dir.resolve("data").toString(),
                "STITCH_KAFKA_PORT", "0", "STITCH_API_PORT", "0", "STITCH_API_TOKEN", "test-token",
                "STITCH_REGISTRY_PORT", "0",
                "STITCH_REORDER_GRACE", "2s",
                "STITCH_FLUSH_INTERVAL", "100ms");
        try (var stack = EmbeddedStack.start(AppConfig.fromEnvironment(stackEnv), BRIDGE)) {
            Map<String, String> clientEnv = clientEnv(stack);

            LauncherRun replay = LauncherRun.of(clientEnv, "replay", DOCUMENTED_FLOW.toString());
            assertThat(replay.exit()).isZero();
            assertThat(replay.out()).contains("replayed 5 events from " + DOCUMENTED_FLOW + " to segment.raw");

            List<String> rows = awaitTimelineRows(clientEnv, 5);
            assertThat(rows).extracting(LauncherIT::columns).containsExactly(
                    List.of("1", "2026-11-02T10:00:01.030Z", "page", "Home", "doc-page-1", "yes", "no"),
                    List.of("2", "2026-11-02T10:00:09.030Z", "page", "Pricing", "doc-page-2", "yes", "no"),
                    List.of("3", "2026-11-02T10:00:20.030Z", "page", "Sign up", "doc-page-3", "yes", "no"),
                    List.of("4", "2026-11-02T10:00:31.010Z", "identify", "", "doc-identify-1", "no", "no"),
                    List.of("5", "2026-11-02T10:01:05.015Z", "track", "Order Completed", "doc-track-1", "no", "no"));
        }

        try (var restarted = EmbeddedStack.start(AppConfig.fromEnvironment(stackEnv), BRIDGE)) {
            Map<String, String> clientEnv = clientEnv(restarted);
            Path more = dir.resolve("more.ndjson");
            Files.writeString(more, "{\"type\":\"track\",\"messageId\":\"after-restart\",\"userId\":\"user-42\","
                    + "\"event\":\"Order Shipped\",\"timestamp\":\"2026-11-02T11:00:00Z\"}\n");

            assertThat(LauncherRun.of(clientEnv, "replay", more.toString()).exit()).isZero();

            List<String> rows = awaitTimelineRows(clientEnv, 6);
            assertThat(columns(rows.get(5))).containsExactly("6", "2026-11-02T11:00:00Z", "track", "Order Shipped",
                    "after-restart", "no", "no");
        }
    }

    @Test
    void documentedFlowPostedToTheEmbeddedBridgeShowsAsOneOrderedTimeline() throws Exception {
        Map<String, String> stackEnv = Map.of("STITCH_DATA_DIR", dir.resolve("data").toString(),
                "STITCH_KAFKA_PORT", "0", "STITCH_API_PORT", "0", "STITCH_API_TOKEN", "test-token", "STITCH_REGISTRY_PORT", "0",
                "STITCH_REORDER_GRACE", "2s", "STITCH_FLUSH_INTERVAL", "100ms");
        try (var stack = EmbeddedStack.start(AppConfig.fromEnvironment(stackEnv), BRIDGE)) {
            HttpClient http = HttpClient.newHttpClient();
            for (String line : Files.readAllLines(DOCUMENTED_FLOW)) {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(stack.bridgeUrl() + "/v1/webhook"))
                        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((WRITE_KEY + ":").getBytes()))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(line)).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(answer.body()).isEqualTo("{\"success\":true}");
            }

            List<String> rows = awaitTimelineRows(clientEnv(stack), 5);
            assertThat(rows).extracting(row -> columns(row).get(4)).containsExactly(
                    "doc-page-1", "doc-page-2", "doc-page-3", "doc-identify-1", "doc-track-1");
            assertThat(rows).extracting(row -> columns(row).get(5)).containsExactly("yes", "yes", "yes", "no", "no");

            HttpResponse<String> timeline = http.send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/v1/users/user-42/timeline"))
                    .header("Authorization", "Bearer test-token").GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(timeline.statusCode()).as(timeline.body()).isEqualTo(200);
            List<String> served = new ArrayList<>();
            SegmentEventParser.JSON.readTree(timeline.body()).get("events").forEach(event -> served.add(event.get("messageId").asText()));
            assertThat(served).as("the query API serves the same timeline").containsExactly(
                    "doc-page-1", "doc-page-2", "doc-page-3", "doc-identify-1", "doc-track-1");
        }
    }

    @Test
    void replayReportsLinesThatAreNotEventsAndSendsTheRest() throws Exception {
        Map<String, String> stackEnv = Map.of("STITCH_DATA_DIR", dir.resolve("data").toString(),
                "STITCH_KAFKA_PORT", "0", "STITCH_API_PORT", "0", "STITCH_API_TOKEN", "test-token", "STITCH_REGISTRY_PORT", "0");
        try (var stack = EmbeddedStack.start(AppConfig.fromEnvironment(stackEnv), BRIDGE)) {
            Path file = dir.resolve("mixed.ndjson");
            Files.writeString(file, String.join("\n",
                    "{\"type\":\"page\",\"anonymousId\":\"a1\",\"name\":\"Home\"}",
                    "{\"type\":\"track\",\"userId\":\"u1\"}",
                    "not json",
                    "",
                    "[1,2]"));

            LauncherRun replay = LauncherRun.of(clientEnv(stack), "replay", file.toString());

            assertThat(replay.exit()).isEqualTo(1);
            assertThat(replay.out()).contains("replayed 1 events")
                    .contains("line 2 (event): a track event needs \"event\"")
                    .contains("line 3: not valid JSON")
                    .contains("line 5: expected a JSON object, one event per line");
        }
    }

    @Test
    void deadLettersPrintsTheNewestRefusedRecordsWithTheirReasons() throws Exception {
        Map<String, String> stackEnv = Map.of("STITCH_DATA_DIR", dir.resolve("data").toString(),
                "STITCH_KAFKA_PORT", "0", "STITCH_API_PORT", "0", "STITCH_API_TOKEN", "test-token", "STITCH_REGISTRY_PORT", "0");
        try (var stack = EmbeddedStack.start(AppConfig.fromEnvironment(stackEnv), BRIDGE)) {
            Map<String, String> clientEnv = clientEnv(stack);
            assertThat(LauncherRun.of(clientEnv, "dead-letters").out()).contains("(no dead letters on stitch.dlq)");
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
            try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("segment.raw", "not-an-event", new byte[]{42, 42})).get();
            }

            LauncherRun letters = Eventually.within(Duration.ofSeconds(60), "dead-letters printing the record not-an-event")
                    .every(Duration.ofMillis(200))
                    .until(() -> LauncherRun.of(clientEnv, "dead-letters"), run -> run.out().contains("not-an-event"));
            assertThat(letters.exit()).isZero();
            assertThat(letters.out()).contains("segment.raw/").contains("not-an-event");
            assertThat(letters.out().lines().skip(1).findFirst().orElse("")).as(letters.out()).doesNotStartWith("-");
        }
    }

    @Test
    void refusesAWrongSettingWithASentenceNamingIt() {
        LauncherRun result = LauncherRun.of(Map.of("STITCH_REORDER_GRACE", "soon"), "timeline", "user-42");

        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.err()).contains("STITCH_REORDER_GRACE=\"soon\" is not valid");
    }

    private static Map<String, String> clientEnv(EmbeddedStack stack) {
        return Map.of("KAFKA_BOOTSTRAP_SERVERS", stack.bootstrapServers(), "SCHEMA_REGISTRY_URL", stack.registryUrl());
    }

    /** Runs {@code timeline user-42} until it prints {@code count} rows (the stream emits after its grace period). */
    private static List<String> awaitTimelineRows(Map<String, String> env, int count) {
        LauncherRun timeline = Eventually.within(Duration.ofSeconds(60), "timeline user-42 printing " + count + " rows")
                .every(Duration.ofMillis(200))
                .until(() -> LauncherRun.of(env, "timeline", "user-42"), run -> rows(run).size() >= count);
        assertThat(timeline.exit()).isZero();
        assertThat(rows(timeline)).hasSize(count);
        return rows(timeline);
    }

    private static List<String> rows(LauncherRun timeline) {
        return timeline.out().lines().skip(1).filter(line -> !line.startsWith("(")).toList();
    }

    /** The columns of a timeline row; the name column may hold spaces, so it is what lies between type and messageId. */
    private static List<String> columns(String row) {
        String[] parts = row.trim().split("\\s+");
        int n = parts.length;
        String name = String.join(" ", List.of(parts).subList(3, n - 3));
        return List.of(parts[0], parts[1], parts[2], name, parts[n - 3], parts[n - 2], parts[n - 1]);
    }
}
