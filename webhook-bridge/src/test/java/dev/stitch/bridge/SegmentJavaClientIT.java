package dev.stitch.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.segment.analytics.Analytics;
import com.segment.analytics.Callback;
import com.segment.analytics.messages.AliasMessage;
import com.segment.analytics.messages.GroupMessage;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.Message;
import com.segment.analytics.messages.PageMessage;
import com.segment.analytics.messages.ScreenMessage;
import com.segment.analytics.messages.TrackMessage;
import dev.stitch.embedded.EmbeddedKafkaBroker;
import dev.stitch.events.EventIds;
import dev.stitch.events.JunkIds;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.serde.SchemaRegistries;
import dev.stitch.serde.SchemaRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.stitch.bridge.BridgeHttp.KEY;
import static dev.stitch.bridge.BridgeHttp.object;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real Segment Java client (analytics-java, which posts batches to {@code /v1/import/} with the write
 * key in the body) against the bridge in front of a real broker: every event type reaches segment.raw
 * complete, keyed by its routing key.
 */
class SegmentJavaClientIT {

    private static final String TOPIC = "segment.raw";

    @TempDir
    static Path dir;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
        broker.createTopics(2, TOPIC);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void deliversEveryEventTypeFromAnalyticsJavaToTheRawTopic() throws Exception {
        SchemaRegistry registry = SchemaRegistries.connect("mock://" + UUID.randomUUID(), null);
        BridgeConfig config = RunningBridge.config();
        Date clientTime = Date.from(Instant.parse("2026-11-02T10:00:00Z"));
        Instant before = Instant.now().minusMillis(1);

        try (var publisher = KafkaEventPublisher.create(config, broker.bootstrapServers(), registry);
             var bridge = WebhookBridge.start(config, publisher)) {
            CountDownLatch delivered = new CountDownLatch(6);
            var failures = new ConcurrentLinkedQueue<Throwable>();
            Analytics analytics = Analytics.builder(KEY)
                    .endpoint("http://localhost:" + bridge.port())
                    .flushQueueSize(6)
                    .callback(new Callback() {
                        @Override
                        public void success(Message message) {
                            delivered.countDown();
                        }

                        @Override
                        public void failure(Message message, Throwable throwable) {
                            failures.add(throwable);
                            delivered.countDown();
                        }
                    })
                    .build();
            try {
                analytics.enqueue(PageMessage.builder("Pricing").anonymousId("anon-42").messageId("java-page").timestamp(clientTime)
                        .context(Map.of("ip", "203.0.113.7")));
                analytics.enqueue(IdentifyMessage.builder().userId("user-42").anonymousId("anon-42").messageId("java-identify")
                        .traits(Map.of("email", "ada@example.com")).timestamp(clientTime));
                analytics.enqueue(TrackMessage.builder("Order Completed").userId("user-42").messageId("java-track")
                        .properties(Map.of("revenue", 19.9)).timestamp(clientTime));
                analytics.enqueue(ScreenMessage.builder("Settings").userId("user-42").messageId("java-screen").timestamp(clientTime));
                analytics.enqueue(GroupMessage.builder("acme").userId("user-42").messageId("java-group").timestamp(clientTime));
                analytics.enqueue(AliasMessage.builder("old-user-42").userId("user-42").messageId("java-alias").timestamp(clientTime));
                analytics.flush();
                assertThat(delivered.await(60, TimeUnit.SECONDS)).as("analytics-java reported every message").isTrue();
            } finally {
                analytics.shutdown();
            }
            assertThat(failures).isEmpty();
        }

        List<ConsumerRecord<String, SegmentEvent>> records = RawTopic.readToEnd(broker.bootstrapServers(), TOPIC, registry);
        Map<String, ConsumerRecord<String, SegmentEvent>> byId = records.stream()
                .collect(Collectors.toMap(r -> r.value().getMessageId(), Function.identity()));
        assertThat(byId).containsOnlyKeys("java-page", "java-identify", "java-track", "java-screen", "java-group", "java-alias");

        assertThat(byId.get("java-page").key()).isEqualTo("anon-42");
        assertThat(byId.get("java-identify").key()).isEqualTo("anon-42");
        assertThat(byId.get("java-track").key()).isEqualTo("user-42");
        assertThat(byId.get("java-alias").key()).isEqualTo("user-42");
        assertThat(records).allSatisfy(record ->
                assertThat(record.key()).isEqualTo(EventIds.of(record.value(), JunkIds.defaults()).routingKey()));

        assertThat(byId).allSatisfy((id, record) -> {
            SegmentEvent event = record.value();
            JsonNode json = object(event.getJson());
            // Batch-level context merged in, the event's own context kept.
            assertThat(json.at("/context/library/name").textValue()).isEqualTo("analytics-java");
            assertThat(json.has("writeKey")).isFalse();
            assertThat(event.getSource()).isEqualTo("bridge:import");
            // receivedAt stamped by the bridge; the event time corrected for the client's clock.
            assertThat(event.getReceivedAt()).isAfter(before);
            assertThat(record.timestamp()).isEqualTo(event.getReceivedAt().toEpochMilli());
            assertThat(event.getOriginalTimestamp()).isEqualTo(clientTime.toInstant());
            assertThat(event.getSentAt()).isNotNull();
            assertThat(event.getTimestamp()).isEqualTo(event.getReceivedAt()
                    .minusMillis(event.getSentAt().toEpochMilli() - event.getOriginalTimestamp().toEpochMilli()));
        });
        assertThat(object(byId.get("java-page").value().getJson()).at("/context/ip").textValue()).isEqualTo("203.0.113.7");
        assertThat(byId.get("java-page").value().getName()).isEqualTo("Pricing");
        assertThat(byId.get("java-identify").value().getUserId()).isEqualTo("user-42");
        assertThat(object(byId.get("java-identify").value().getJson()).at("/traits/email").textValue()).isEqualTo("ada@example.com");
        assertThat(byId.get("java-track").value().getEvent()).isEqualTo("Order Completed");
        assertThat(byId.get("java-screen").value().getName()).isEqualTo("Settings");
        assertThat(byId.get("java-group").value().getGroupId()).isEqualTo("acme");
        assertThat(byId.get("java-alias").value().getPreviousId()).isEqualTo("old-user-42");
    }
}
