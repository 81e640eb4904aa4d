package dev.stitch.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.bridge.BridgeConfig;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.serde.AvroSerde;
import dev.stitch.serde.SchemaRegistries;
import dev.stitch.stream.app.ApiClient;
import dev.stitch.stream.app.TestClients;
import dev.stitch.stream.config.AppConfig;
import dev.stitch.testing.Eventually;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hostile and broken clients against the whole product on a real broker — the real bridge, the real
 * stream application, the embedded default's wiring: a trait flood, ids of every size, an alias flood,
 * timestamps far in the future and the past, deletes with a browser key, a server key and a signature,
 * signed and unsigned arrays, oversized and slow uploads, garbage on every topic the application reads.
 * After all of it a fresh person's documented flow must still come out stitched and in order, and the
 * application must be RUNNING — again after a restart on the same data.
 */
class HostileInputIT {

    private static final String SERVER_KEY = "sk_hostile-server";
    private static final String BROWSER_KEY = "pk_hostile-browser";
    private static final String SECRET = "hostile-signing-secret";
    private static final String TOKEN = "hostile-token";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ApiClient api = new ApiClient(TOKEN);

    @Test
    void noClientStopsEmptiesOrCorruptsThePipeline() throws Exception {
        AppConfig config = config();
        BridgeConfig bridge = bridgeConfig();
        try (var stack = EmbeddedStack.start(config, bridge)) {
            assertThat(stack.application().awaitRunning(Duration.ofSeconds(60))).isTrue();
            floodTraits(stack);
            sendIdsOfEverySize(stack);
            floodAliases(stack);
            sendTimestampsOutOfRange(stack);
            sendDeletes(stack);
            sendArrays(stack);
            sendOversizedAndSlowUploads(stack);
            writeGarbageToEveryInput(stack, config);

            documentedFlowComesOutStitched(stack, config, "fresh");
            aMergedNameAnswersForItsUserAsSoonAsItsEventsShow(stack);
            assertThat(stack.application().state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertFloodsAreBounded(stack);
        }
        try (var restarted = EmbeddedStack.start(config, bridge)) {
            assertThat(restarted.application().awaitRunning(Duration.ofSeconds(60))).as("running again on the same data").isTrue();
            documentedFlowComesOutStitched(restarted, config, "after-restart");
            assertThat(restarted.application().state()).isEqualTo(KafkaStreams.State.RUNNING);
            assertFloodsAreBounded(restarted);
            assertThat(api.get(restarted.application(), "/v1/users/victim").status()).as("the erased user stays erased")
                    .isEqualTo(404);
        }
    }

    /** Forty identifies of one user, each within the event limit and each adding 140 new trait keys. */
    private void floodTraits(EmbeddedStack stack) throws Exception {
        String value = "v".repeat(150);
        for (int call = 0; call < 40; call++) {
            StringBuilder traits = new StringBuilder();
            for (int key = 0; key < 140; key++) {
                traits.append(key == 0 ? "" : ",").append("\"t").append(call).append('_').append(key).append("\":\"").append(value).append('"');
            }
            assertStatus(post(stack, "/v1/identify", SERVER_KEY, "{\"userId\":\"flood-user\",\"traits\":{" + traits + "}}"), 200, null);
        }
    }

    private void sendIdsOfEverySize(EmbeddedStack stack) throws Exception {
        assertStatus(post(stack, "/v1/track", SERVER_KEY, "{\"userId\":\"" + "u".repeat(300) + "\",\"event\":\"x\"}"), 400, "userId");
        assertStatus(post(stack, "/v1/page", BROWSER_KEY, "{\"anonymousId\":\"" + "a".repeat(300) + "\",\"name\":\"x\"}"), 400, "anonymousId");
        assertStatus(post(stack, "/v1/track", SERVER_KEY, "{\"userId\":\"" + "u".repeat(1 << 20) + "\",\"event\":\"x\"}"), 413, null);
        assertStatus(post(stack, "/v1/track", SERVER_KEY, "{\"userId\":\"undefined\",\"event\":\"x\"}"), 400, "userId");
    }

    /** A hub user aliased from many user ids with the server key; a browser key may not merge user ids at all. */
    private void floodAliases(EmbeddedStack stack) throws Exception {
        for (int i = 0; i < 150; i++) {
            assertStatus(post(stack, "/v1/alias", SERVER_KEY, "{\"previousId\":\"merged-" + i + "\",\"userId\":\"hub-user\"}"), 200, null);
        }
        assertStatus(post(stack, "/v1/alias", BROWSER_KEY, "{\"previousId\":\"victim-user\",\"userId\":\"attacker\",\"anonymousId\":\"tab-1\"}"),
                403, null);
    }

    private void sendTimestampsOutOfRange(EmbeddedStack stack) throws Exception {
        assertStatus(post(stack, "/v1/webhook", SERVER_KEY, ("{\"type\":\"track\",\"userId\":\"time-user\",\"event\":\"x\","
                + "\"receivedAt\":\"2030-01-01T00:00:00Z\"}"), true), 400, "receivedAt");
        assertStatus(post(stack, "/v1/webhook", SERVER_KEY, ("{\"type\":\"track\",\"userId\":\"time-user\",\"event\":\"x\","
                + "\"receivedAt\":\"1960-01-01T00:00:00Z\"}"), true), 400, "receivedAt");
        assertStatus(post(stack, "/v1/track", SERVER_KEY, "{\"userId\":\"time-user\",\"event\":\"x\","
                + "\"timestamp\":\"+999999999-01-01T00:00:00Z\"}"), 400, "timestamp");
    }

    private void sendDeletes(EmbeddedStack stack) throws Exception {
        assertStatus(post(stack, "/v1/identify", SERVER_KEY, "{\"userId\":\"victim\",\"traits\":{\"email\":\"victim@example.com\"}}"), 200, null);
        api.awaitStatus(stack.application(), "/v1/users/victim", 200);
        String delete = "{\"type\":\"delete\",\"userId\":\"victim\"}";
        assertStatus(post(stack, "/v1/webhook", BROWSER_KEY, delete), 403, null);
        HttpResponse<String> unsigned = post(stack, "/v1/webhook", SERVER_KEY, delete);
        assertThat(unsigned.statusCode()).as(unsigned.body()).isBetween(401, 403);
        assertStatus(post(stack, "/v1/webhook", SERVER_KEY, "{\"type\":\"delete\",\"userId\":\"undefined\"}", true), 400, "userId");
        assertThat(api.get(stack.application(), "/v1/users/victim").status()).as("no unsigned request erased the victim")
                .isEqualTo(200);

        assertStatus(post(stack, "/v1/webhook", SERVER_KEY, delete, true), 200, null);
        api.awaitStatus(stack.application(), "/v1/users/victim", 404);
    }

    /** A signature must cover every element of a webhook array the bridge accepts. */
    private void sendArrays(EmbeddedStack stack) throws Exception {
        String first = "{\"type\":\"track\",\"userId\":\"array-user\",\"event\":\"signed\"}";
        String second = "{\"type\":\"delete\",\"userId\":\"array-victim\"}";
        String array = "[" + first + "," + second + "]";
        HttpResponse<String> firstOnly = send(HttpRequest.newBuilder(URI.create(stack.bridgeUrl() + "/v1/webhook"))
                .header("Authorization", basic(SERVER_KEY)).header("Content-Type", "application/json")
                .header("X-Signature", sign(first)).POST(HttpRequest.BodyPublishers.ofString(array)));
        assertThat(firstOnly.statusCode()).as(firstOnly.body()).isBetween(401, 403);
        String both = "[" + first + ",{\"type\":\"track\",\"userId\":\"array-user\",\"event\":\"also signed\"}]";
        assertStatus(post(stack, "/v1/webhook", SERVER_KEY, both, true), 200, null);
    }

    private void sendOversizedAndSlowUploads(EmbeddedStack stack) throws Exception {
        int port = URI.create(stack.bridgeUrl()).getPort();
        // A declared body of 100 MB, never sent: refused from its headers, nothing reserved for it.
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            write(socket, "POST /v1/track HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + basic(SERVER_KEY)
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n");
            assertThat(statusLine(socket.getInputStream())).contains(" 413 ");
        }
        // A body that never finishes: the bridge answers or closes the connection by its own deadline.
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(60_000);
            write(socket, "POST /v1/track HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + basic(SERVER_KEY)
                    + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"userId\":");
            String line = statusLine(socket.getInputStream());
            assertThat(line).as("what the bridge said to a stalled upload").satisfiesAnyOf(
                    said -> assertThat(said).isEmpty(),
                    said -> assertThat(said).containsAnyOf(" 408 ", " 400 ", " 503 "));
        }
    }

    /** Records no client of the bridge could send, written straight to the topics the application reads. */
    private void writeGarbageToEveryInput(EmbeddedStack stack, AppConfig config) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        var topics = config.settings().topics();
        try (var producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] junk = "\u0000\u0000\u0000\u0000\u0007not avro".getBytes(StandardCharsets.ISO_8859_1);
            for (String topic : List.of(topics.raw(), topics.userMoves())) {
                producer.send(new ProducerRecord<>(topic, "garbage".getBytes(StandardCharsets.UTF_8), junk)).get();
                producer.send(new ProducerRecord<>(topic, null, new byte[]{1, 2, 3})).get();
                producer.send(new ProducerRecord<>(topic, "tombstone".getBytes(StandardCharsets.UTF_8), null)).get();
            }
        }
        SegmentEvent hugeId = SegmentEvent.newBuilder().setMessageId("huge-id").setType("track").setUserId("u".repeat(300_000))
                .setEvent("x").setTimestamp(Instant.now()).setReceivedAt(Instant.now()).setJson("{}").build();
        TestClients.produce(stack.bootstrapServers(), SchemaRegistries.connect(stack.registryUrl(), null), topics.raw(), List.of(hugeId));
        List<ConsumerRecord<byte[], byte[]>> dead = TestClients.readUntil(stack.bootstrapServers(), topics.deadLetters(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer(), read -> read.size() >= 7, Duration.ofSeconds(60));
        assertThat(dead).allSatisfy(record -> assertThat(record.headers().lastHeader("stitch.dlq.reason")).isNotNull());
    }

    /** The trait flood kept to the profile's bound with the newest traits; the alias flood listed to its bound and counted. */
    private void assertFloodsAreBounded(EmbeddedStack stack) throws Exception {
        JsonNode flooded = awaitJson(stack, "/v1/users/flood-user");
        assertThat(flooded.get("traits").size()).as("traits kept of 5,600 sent").isEqualTo(200);
        assertThat(flooded.get("traits").has("t39_139")).as("the newest trait is kept").isTrue();
        assertThat(flooded.get("traits").has("t0_0")).as("the oldest trait made room").isFalse();
        JsonNode hub = Eventually.within(Duration.ofSeconds(60), "hub-user counting its 150 merged ids").every(Duration.ofMillis(200))
                .until(() -> awaitJson(stack, "/v1/users/hub-user"), profile -> profile.path("mergedIdCount").asLong() >= 150);
        assertThat(hub.path("mergedIdCount").asLong()).as(hub.toString()).isEqualTo(150);
        assertThat(hub.get("mergedIds").size()).as("merged ids listed").isEqualTo(100);
    }

    /** From the moment a user's timeline shows a merged name's events, the name answers for the user. */
    private void aMergedNameAnswersForItsUserAsSoonAsItsEventsShow(EmbeddedStack stack) throws Exception {
        assertStatus(post(stack, "/v1/track", SERVER_KEY, "{\"userId\":\"old-name\",\"event\":\"Before\",\"messageId\":\"old-1\"}"),
                200, null);
        api.awaitStatus(stack.application(), "/v1/users/old-name/timeline", 200);
        assertStatus(post(stack, "/v1/alias", SERVER_KEY, "{\"previousId\":\"old-name\",\"userId\":\"new-name\",\"messageId\":\"alias-1\"}"),
                200, null);
        Eventually.within(Duration.ofSeconds(60), "new-name's timeline showing old-name's event old-1").every(Duration.ofMillis(50))
                .until(() -> get(stack, "/v1/users/new-name/timeline").body(), timeline -> timeline.contains("old-1"));
        HttpResponse<String> merged = get(stack, "/v1/users/old-name");
        assertThat(merged.statusCode()).as(merged.body()).isEqualTo(200);
        JsonNode profile = SegmentEventParser.JSON.readTree(merged.body());
        assertThat(profile.path("userId").asText()).isEqualTo("new-name");
        assertThat(profile.path("mergedFrom").asText()).isEqualTo("old-name");
    }

    /** Three anonymous page views with the browser key, a server identify carrying the pixel id, a server track. */
    private void documentedFlowComesOutStitched(EmbeddedStack stack, AppConfig config, String person) throws Exception {
        String pixel = "pixel-" + person;
        String user = "user-" + person;
        for (String page : List.of("Home", "Pricing", "Sign up")) {
            assertStatus(post(stack, "/v1/page", BROWSER_KEY, "{\"anonymousId\":\"" + pixel + "\",\"name\":\"" + page + "\",\"messageId\":\""
                    + person + "-" + page + "\"}"), 200, null);
        }
        assertStatus(post(stack, "/v1/identify", SERVER_KEY, "{\"userId\":\"" + user + "\",\"messageId\":\"" + person + "-identify\","
                + "\"traits\":{\"email\":\"" + person + "@example.com\"},\"context\":{\"anonymousId\":\"" + pixel + "\"}}"), 200, null);
        assertStatus(post(stack, "/v1/track", SERVER_KEY, "{\"userId\":\"" + user + "\",\"event\":\"Order Completed\",\"messageId\":\""
                + person + "-track\"}"), 200, null);

        var timeline = TestClients.readUntil(stack.bootstrapServers(), config.settings().topics().timeline(), new StringDeserializer(),
                new AvroSerde<>(TimelineEvent.class, SchemaRegistries.connect(stack.registryUrl(), null)).deserializer(),
                read -> read.stream().filter(r -> user.equals(r.key())).count() >= 5, Duration.ofSeconds(60));
        // The query API agrees with the topic: the profile counts what the timeline shows.
        JsonNode profile = awaitJson(stack, "/v1/users/" + user);
        assertThat(profile.path("eventCount").asLong()).as(profile.toString()).isEqualTo(5);
        List<String> mine = new ArrayList<>();
        timeline.stream().filter(r -> user.equals(r.key())).forEach(r -> mine.add(r.value().getEvent().getMessageId() + " "
                + r.value().getSequence() + " " + (r.value().getStitched() ? "stitched" : "direct")));
        assertThat(mine).containsExactly(
                person + "-Home 1 stitched",
                person + "-Pricing 2 stitched",
                person + "-Sign up 3 stitched",
                person + "-identify 4 direct",
                person + "-track 5 direct");
    }

    private HttpResponse<String> post(EmbeddedStack stack, String path, String key, String body) throws Exception {
        return post(stack, path, key, body, false);
    }

    private HttpResponse<String> post(EmbeddedStack stack, String path, String key, String body, boolean signed) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.bridgeUrl() + path))
                .header("Authorization", basic(key)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (signed) {
            request.header("X-Signature", sign(body));
        }
        return send(request);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertStatus(HttpResponse<String> answer, int status, String field) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(status);
        if (status != 200) {
            JsonNode body = SegmentEventParser.JSON.readTree(answer.body());
            assertThat(body.path("error").asText()).as(answer.body()).isNotBlank();
            assertThat(body.path("message").asText()).as(answer.body()).isNotBlank();
            if (field != null) {
                assertThat(body.path("field").asText()).as(answer.body()).isEqualTo(field);
            }
        }
    }

    private JsonNode awaitJson(EmbeddedStack stack, String path) throws Exception {
        api.awaitStatus(stack.application(), path, 200);
        return SegmentEventParser.JSON.readTree(get(stack, path).body());
    }



    private HttpResponse<String> get(EmbeddedStack stack, String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).header("Authorization", "Bearer " + TOKEN).GET());
    }

    private static String basic(String key) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    }

    private static String sign(String body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        return HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static void write(Socket socket, String text) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** The first line the server sent, or "" when it closed the connection without answering. */
    private static String statusLine(InputStream in) throws Exception {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            line.append((char) c);
        }
        return line.toString();
    }

    private AppConfig config() {
        return AppConfig.fromEnvironment(Map.of(
                "STITCH_DATA_DIR", dir.resolve("data").toString(),
                "STITCH_KAFKA_PORT", "0",
                "STITCH_REGISTRY_PORT", "0",
                "STITCH_API_PORT", "0",
                "STITCH_API_TOKEN", TOKEN,
                "STITCH_REORDER_GRACE", "500ms",
                "STITCH_FLUSH_INTERVAL", "100ms"));
    }

    private static BridgeConfig bridgeConfig() {
        return BridgeConfig.fromEnvironment(Map.of(
                "STITCH_WRITE_KEYS", SERVER_KEY,
                "STITCH_BROWSER_KEYS", BROWSER_KEY,
                "STITCH_BRIDGE_SIGNING_SECRET", SECRET,
                "STITCH_BRIDGE_REQUEST_TIMEOUT", "2s",
                "STITCH_BRIDGE_PORT", "0",
                "STITCH_BRIDGE_HOST", "localhost"));
    }
}
