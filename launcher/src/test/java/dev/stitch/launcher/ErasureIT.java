package dev.stitch.launcher;

import dev.stitch.bridge.BridgeConfig;
import dev.stitch.stream.app.ApiClient;
import dev.stitch.stream.config.AppConfig;
import dev.stitch.testing.Eventually;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Privacy requests (R13) through the whole product on a real broker: one through the query API's
 * DELETE, one as Segment's delete notification on the bridge's webhook, one of a user with a shared
 * device that moved to another user and a device its limit refused. Afterwards the query API answers
 * 404 for every erased id, and once Kafka has compacted, no compacted topic (the identity changes,
 * every changelog) holds a record that names an erased user or its anonymous ids — the cut-offs are
 * keyed by the id's hash. An application stopped right after a request finishes the erasure when it
 * starts again.
 */
class ErasureIT {

    private static final String WRITE_KEY = "erasure-write-key";
    private static final String TOKEN = "erasure-token";
    /** Segment's webhook destination signs what it posts; the bridge takes erasures only so. */
    private static final String SIGNING_SECRET = "erasure-signing-secret";
    private static final BridgeConfig BRIDGE = BridgeConfig.defaults(List.of(WRITE_KEY)).withSigningSecret(SIGNING_SECRET)
            .withListenAddress("localhost", 0);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ApiClient api = new ApiClient(TOKEN);

    @Test
    void erasedThroughTheApiAndThroughTheWebhookAndGoneFromEveryCompactedTopic() throws Exception {
        try (var stack = EmbeddedStack.start(config(), BRIDGE)) {
            for (String person : List.of("ada", "bob", "cy")) {
                postFlow(stack, person);
            }
            for (String person : List.of("ada", "bob", "cy")) {
                api.awaitStatus(stack.application(), "/v1/users/user-" + person + "/timeline", 200);
            }
            // user-eve's third id, shared-eve, moves to user-fay (a shared device); a fourth, kiosk-eve, is refused (the limit is 3).
            postFlow(stack, "eve");
            postFlow(stack, "fay");
            postIdentify(stack, "user-eve", "shared-eve");
            awaitLinked(stack, "shared-eve", "user-eve");
            postIdentify(stack, "user-fay", "shared-eve");
            awaitLinked(stack, "shared-eve", "user-fay");
            postIdentify(stack, "user-eve", "kiosk-eve");
            awaitRecordNaming(stack.bootstrapServers(), "stitch.identity-changes", "kiosk-eve");

            HttpResponse<String> viaApi = send(stack.apiUrl() + "/v1/users/user-ada", "DELETE", null);
            assertThat(viaApi.statusCode()).as(viaApi.body()).isEqualTo(202);
            HttpResponse<String> eve = send(stack.apiUrl() + "/v1/users/user-eve", "DELETE", null);
            assertThat(eve.statusCode()).as(eve.body()).isEqualTo(202);
            HttpResponse<String> viaWebhook = send(stack.bridgeUrl() + "/v1/webhook", "POST",
                    "{\"type\":\"delete\",\"userId\":\"user-bob\",\"messageId\":\"segment-deletion-1\"}");
            assertThat(viaWebhook.statusCode()).as(viaWebhook.body()).isEqualTo(200);

            for (String person : List.of("ada", "bob", "eve")) {
                api.awaitStatus(stack.application(), "/v1/users/user-" + person + "/timeline", 404);
                api.awaitStatus(stack.application(), "/v1/users/user-" + person, 404);
                api.awaitStatus(stack.application(), "/v1/anonymous/pixel-" + person, 404);
                api.awaitStatus(stack.application(), "/v1/anonymous/app-" + person, 404);
            }
            assertThat(api.get(stack.application(), "/v1/users/user-cy/timeline").status()).as("the third person is untouched")
                    .isEqualTo(200);
            awaitLinked(stack, "shared-eve", "user-fay");

            compactEagerly(stack.bootstrapServers());
            List<String> erased = List.of("user-ada", "pixel-ada", "app-ada", "user-bob", "pixel-bob", "app-bob",
                    "user-eve", "pixel-eve", "app-eve");
            AtomicInteger round = new AtomicInteger();
            Eventually.within(Duration.ofSeconds(120), "no compacted record naming an erased id (those left, by topic)")
                    .every(Duration.ofSeconds(1))
                    .until(() -> {
                        Map<String, List<String>> left = recordsNaming(stack.bootstrapServers(), erased);
                        if (!left.isEmpty()) {
                            // New records roll the compacted topics' segments, so that the cleaner takes the old ones; an
                            // erasure of its own writes to the erased users' changelog. One nudged person per partition,
                            // since a store keyed by user (users-by-trait) gets new records on a partition only from its
                            // users; each is erased a round later, once its identify is in (an erasure right away would
                            // cut the identify off before it writes anything).
                            int nudge = round.getAndIncrement();
                            for (String person : onePerPartition("nudge-" + nudge, config().partitions())) {
                                postFlow(stack, person);
                            }
                            if (nudge > 0) {
                                for (String person : onePerPartition("nudge-" + (nudge - 1), config().partitions())) {
                                    send(stack.apiUrl() + "/v1/users/user-" + person, "DELETE", null);
                                }
                            }
                        }
                        return left;
                    }, Map::isEmpty);
            assertThat(recordsNaming(stack.bootstrapServers(), List.of("user-cy"))).as("the third person is still there").isNotEmpty();
            assertThat(recordsNaming(stack.bootstrapServers(), List.of("shared-eve", "kiosk-eve")))
                    .as("the shared device and the refused one stay, without naming user-eve").isNotEmpty();
        }
    }

    @Test
    void anApplicationStoppedRightAfterTheRequestFinishesTheErasureWhenItStartsAgain() throws Exception {
        AppConfig config = config();
        try (var stack = EmbeddedStack.start(config, BRIDGE)) {
            postFlow(stack, "dee");
            api.awaitStatus(stack.application(), "/v1/users/user-dee/timeline", 200);
            HttpResponse<String> requested = send(stack.apiUrl() + "/v1/users/user-dee", "DELETE", null);
            assertThat(requested.statusCode()).isEqualTo(202);
        }
        try (var restarted = EmbeddedStack.start(config, BRIDGE)) {
            api.awaitStatus(restarted.application(), "/v1/users/user-dee/timeline", 404);
            api.awaitStatus(restarted.application(), "/v1/users/user-dee", 404);
            api.awaitStatus(restarted.application(), "/v1/anonymous/pixel-dee", 404);
            api.awaitStatus(restarted.application(), "/v1/anonymous/app-dee", 404);
        }
    }

    /** Two anonymous ids per person: page views on a pixel, an identify from an app with the pixel in context. */
    private void postFlow(EmbeddedStack stack, String person) throws Exception {
        String user = "user-" + person;
        for (String event : List.of(
                "{\"type\":\"page\",\"anonymousId\":\"pixel-" + person + "\",\"name\":\"Home\"}",
                "{\"type\":\"identify\",\"userId\":\"" + user + "\",\"anonymousId\":\"app-" + person + "\","
                        + "\"traits\":{\"email\":\"" + user + "@example.com\"},\"context\":{\"anonymousId\":\"pixel-" + person + "\"}}",
                "{\"type\":\"track\",\"userId\":\"" + user + "\",\"event\":\"Order Completed\"}")) {
            HttpResponse<String> answer = send(stack.bridgeUrl() + "/v1/webhook", "POST", event);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        }
    }

    /**
     * People named {@code prefix-0}, {@code prefix-1}, ..., one whose user id ({@code user-<person>}) each
     * of the {@code partitions} partitions holds, as Kafka's default partitioner places a key.
     */
    private static List<String> onePerPartition(String prefix, int partitions) {
        Map<Integer, String> byPartition = new TreeMap<>();
        for (int i = 0; byPartition.size() < partitions; i++) {
            String person = prefix + "-" + i;
            byte[] key = ("user-" + person).getBytes(StandardCharsets.UTF_8);
            byPartition.putIfAbsent(Utils.toPositive(Utils.murmur2(key)) % partitions, person);
        }
        return List.copyOf(byPartition.values());
    }

    private void postIdentify(EmbeddedStack stack, String userId, String anonymousId) throws Exception {
        HttpResponse<String> answer = send(stack.bridgeUrl() + "/v1/webhook", "POST",
                "{\"type\":\"identify\",\"userId\":\"" + userId + "\",\"anonymousId\":\"" + anonymousId + "\"}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    }

    private void awaitLinked(EmbeddedStack stack, String anonymousId, String userId) {
        Eventually.within(Duration.ofSeconds(60), anonymousId + " answering for " + userId)
                .until(() -> send(stack.apiUrl() + "/v1/anonymous/" + anonymousId, "GET", null).body(),
                        answer -> answer.contains("\"userId\":\"" + userId + "\""));
    }

    private static void awaitRecordNaming(String bootstrap, String topic, String id) {
        Eventually.within(Duration.ofSeconds(60), "a record on " + topic + " naming " + id).every(Duration.ofMillis(200))
                .until(() -> readAll(bootstrap, topic), records -> records.stream().anyMatch(record -> record.contains(id)));
    }

    /** Every compacted topic (the identity changes and the changelogs) cleaned as soon as anything in it is dirty. */
    private static void compactEagerly(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
            for (String topic : compactedTopics(admin)) {
                changes.put(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
                        set(TopicConfig.SEGMENT_MS_CONFIG, "500"),
                        set(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01"),
                        set(TopicConfig.DELETE_RETENTION_MS_CONFIG, "500")));
            }
            admin.incrementalAlterConfigs(changes).all().get();
        }
    }

    private static AlterConfigOp set(String name, String value) {
        return new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET);
    }

    private static Set<String> compactedTopics(Admin admin) throws Exception {
        Set<String> topics = admin.listTopics().names().get().stream().filter(name -> !name.startsWith("__")).collect(Collectors.toSet());
        Map<ConfigResource, Config> configs = admin.describeConfigs(topics.stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic)).toList()).all().get();
        return configs.entrySet().stream()
                .filter(entry -> entry.getValue().get(TopicConfig.CLEANUP_POLICY_CONFIG).value().contains(TopicConfig.CLEANUP_POLICY_COMPACT))
                .map(entry -> entry.getKey().name())
                .collect(Collectors.toSet());
    }

    /**
     * For each compacted topic, the records (tombstones aside) whose key or value holds one of the ids'
     * bytes.
     */
    private static Map<String, List<String>> recordsNaming(String bootstrap, List<String> ids) throws Exception {
        Map<String, List<String>> found = new HashMap<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            for (String topic : compactedTopics(admin)) {
                for (String record : readAll(bootstrap, topic)) {
                    for (String id : ids) {
                        if (record.contains(id)) {
                            found.computeIfAbsent(topic, t -> new ArrayList<>()).add(id);
                        }
                    }
                }
            }
        }
        return found;
    }

    private static List<String> readAll(String bootstrap, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<String> records = new ArrayList<>();
        try (var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            var ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    if (record.value() != null) {
                        records.add(new String(record.key() == null ? new byte[0] : record.key(), StandardCharsets.ISO_8859_1)
                                + " " + new String(record.value(), StandardCharsets.ISO_8859_1));
                    }
                });
            }
        }
        return records;
    }



    private HttpResponse<String> send(String url, String method, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (url.contains("/v1/webhook")) {
            request.header("Authorization", "Bearer " + WRITE_KEY).header("Content-Type", "application/json")
                    .header("X-Signature", hmacSha1Hex(body));
        } else {
            request.header("Authorization", "Bearer " + TOKEN);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String hmacSha1Hex(String body) throws java.security.GeneralSecurityException {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
        mac.init(new javax.crypto.spec.SecretKeySpec(SIGNING_SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA1"));
        return java.util.HexFormat.of().formatHex(mac.doFinal(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private AppConfig config() {
        return AppConfig.fromEnvironment(Map.of(
                "STITCH_DATA_DIR", dir.resolve("data").toString(),
                "STITCH_KAFKA_PORT", "0",
                "STITCH_REGISTRY_PORT", "0",
                "STITCH_API_PORT", "0",
                "STITCH_API_TOKEN", TOKEN,
                "STITCH_MAX_ANONYMOUS_IDS", "3",
                "STITCH_REORDER_GRACE", "500ms",
                "STITCH_FLUSH_INTERVAL", "100ms"));
    }
}
