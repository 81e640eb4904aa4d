package dev.stitch.bridge;

import dev.stitch.bridge.BridgeHttp.Answer;
import dev.stitch.embedded.EmbeddedKafkaBroker;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.serde.SchemaRegistries;
import dev.stitch.serde.SchemaRegistry;
import dev.stitch.testing.Eventually;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka goes away under the bridge and comes back: meanwhile every request is answered 503 with
 * Retry-After (never 200), and afterwards the bridge accepts again by itself. Every event that was
 * answered 200 is on the topic for a read_committed consumer.
 */
class KafkaOutageIT {

    private static final String TOPIC = "segment.raw";
    private static final Duration PUBLISH_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @Test
    void answers503WhileKafkaIsAwayAndKeepsEveryAcknowledgedEvent() throws Exception {
        Path logDir = dir.resolve("kafka");
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(logDir, 0);
        int kafkaPort = broker.port();
        broker.createTopics(2, TOPIC);
        SchemaRegistry registry = SchemaRegistries.connect("mock://" + UUID.randomUUID(), null);
        BridgeConfig config = RunningBridge.config().withPublishTimeout(PUBLISH_TIMEOUT);
        List<String> acknowledged = new ArrayList<>();
        AtomicInteger sent = new AtomicInteger();

        try (var publisher = KafkaEventPublisher.create(config, broker.bootstrapServers(), registry);
             var bridge = WebhookBridge.start(config, publisher)) {
            BridgeHttp http = new BridgeHttp(bridge.port());

            // Kafka up: accepted.
            for (int i = 0; i < 5; i++) {
                String messageId = "outage-" + sent.get();
                Answer answer = http.post("/v1/batch", batch(sent.getAndIncrement()));
                assertThat(answer.status()).isEqualTo(200);
                acknowledged.add(messageId);
            }
            assertThat(http.get("/health/ready").status()).isEqualTo(200);

            // Kafka away: 503 with Retry-After, within the publish timeout (below the 5 s after which Segment's
            // webhook destination gives up), never 200.
            broker.close();
            for (int i = 0; i < 3; i++) {
                Answer answer = http.post("/v1/batch", batch(sent.getAndIncrement()));
                assertThat(answer.status()).as("answer while Kafka is away: %s", answer.body()).isEqualTo(503);
                assertThat(answer.header("Retry-After")).isEqualTo("5");
                assertThat(answer.json().get("error").textValue()).isEqualTo("kafka_unavailable");
                assertThat(answer.json().get("message").textValue()).contains("within " + String.format(Locale.ROOT, "%,d", PUBLISH_TIMEOUT.toMillis()) + " ms");
            }
            Answer ready = http.get("/health/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().get("status").textValue()).isEqualTo("DOWN");

            // Kafka back on the same directory and port: accepted again without restarting the bridge.
            broker = EmbeddedKafkaBroker.start(logDir, kafkaPort);
            int acknowledgedBefore = acknowledged.size();
            Eventually.within(Duration.ofSeconds(90), "5 requests accepted again after Kafka's return").until(() -> {
                String messageId = "outage-" + sent.get();
                Answer answer = http.post("/v1/batch", batch(sent.getAndIncrement()));
                assertThat(answer.status()).as("answer after Kafka's return: %s", answer.body()).isIn(200, 503);
                if (answer.status() == 200) {
                    acknowledged.add(messageId);
                }
                return acknowledged.size() - acknowledgedBefore;
            }, accepted -> accepted >= 5);
            assertThat(http.get("/health/ready").status()).isEqualTo(200);
        } finally {
            broker.close();
        }

        broker = EmbeddedKafkaBroker.start(logDir, kafkaPort);
        try {
            List<ConsumerRecord<String, SegmentEvent>> records = RawTopic.readToEnd(broker.bootstrapServers(), TOPIC, registry);
            Set<String> onTopic = records.stream().map(r -> r.value().getMessageId()).collect(Collectors.toSet());
            assertThat(onTopic).containsAll(acknowledged);
            assertThat(onTopic).allSatisfy(id -> assertThat(id).startsWith("outage-"));
            assertThat(records).allSatisfy(r -> assertThat(r.key()).isEqualTo("anon-" + r.value().getMessageId()));
        } finally {
            broker.close();
        }
    }

    private static String batch(int n) {
        return "{\"batch\":[{\"type\":\"page\",\"anonymousId\":\"anon-outage-" + n + "\",\"messageId\":\"outage-" + n
                + "\",\"name\":\"Page " + n + "\"}]}";
    }
}
