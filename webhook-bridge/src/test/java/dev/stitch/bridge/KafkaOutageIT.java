package dev.stitch.bridge;

import dev.stitch.bridge.BridgeHttp.Answer;
import dev.stitch.embedded.EmbeddedKafkaBroker;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.serde.SchemaRegistries;
import dev.stitch.serde.SchemaRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
        int sent = 0;

        try (var publisher = KafkaEventPublisher.create(config, broker.bootstrapServers(), registry);
             var bridge = WebhookBridge.start(config, publisher)) {
            BridgeHttp http = new BridgeHttp(bridge.port());

            // Kafka up: accepted.
            for (int i = 0; i < 5; i++) {
                Answer answer = http.post("/v1/batch", batch(sent++));
                assertThat(answer.status()).isEqualTo(200);
                acknowledged.add("outage-" + (sent - 1));
            }
            assertThat(http.get("/health/ready").status()).isEqualTo(200);

            // Kafka away: 503 with Retry-After once the publish timeout has passed, never 200.
            broker.close();
            for (int i = 0; i < 3; i++) {
                long started = System.nanoTime();
                Answer answer = http.post("/v1/batch", batch(sent++));
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertThat(answer.status()).as("answer while Kafka is away: %s", answer.body()).isEqualTo(503);
                assertThat(answer.header("Retry-After")).isEqualTo("5");
                assertThat(answer.json().get("error").textValue()).isEqualTo("kafka_unavailable");
                // Answered before Segment's webhook destination would give up (5 s).
                assertThat(tookMs).isGreaterThanOrEqualTo(PUBLISH_TIMEOUT.toMillis()).isLessThan(5_000);
            }
            Answer ready = http.get("/health/ready");
            assertThat(ready.status()).isEqualTo(503);
            assertThat(ready.json().get("status").textValue()).isEqualTo("DOWN");

            // Kafka back on the same directory and port: accepted again without restarting the bridge.
            broker = EmbeddedKafkaBroker.start(logDir, kafkaPort);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            int accepted = 0;
            while (accepted < 5) {
                assertThat(System.nanoTime()).as("the bridge accepted again within 90 s of Kafka's return").isLessThan(deadline);
                String messageId = "outage-" + sent;
                Answer answer = http.post("/v1/batch", batch(sent++));
                assertThat(answer.status()).as("answer after Kafka's return: %s", answer.body()).isIn(200, 503);
                if (answer.status() == 200) {
                    acknowledged.add(messageId);
                    accepted++;
                }
            }
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
