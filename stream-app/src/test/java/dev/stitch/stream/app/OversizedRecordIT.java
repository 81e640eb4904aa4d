package dev.stitch.stream.app;

import dev.stitch.embedded.EmbeddedKafkaBroker;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.serde.AvroSerde;
import dev.stitch.serde.InMemorySchemaRegistry;
import dev.stitch.serde.RegistryHttpServer;
import dev.stitch.serde.SchemaRegistry;
import dev.stitch.stream.config.AppConfig;
import dev.stitch.stream.errors.DeadLetterHeaders;
import dev.stitch.stream.topology.SegmentEvents;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On a real broker, with exactly_once_v2: a profile that grows past what the producer may send (a
 * small {@code max.request.size}, as a 1 MB profile would pass the default) never reaches Kafka; its
 * changelog write goes to the dead-letter topic instead, the application keeps running and
 * stitching, and starting it again on the same data brings it back to RUNNING.
 */
class OversizedRecordIT {

    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;
    private EmbeddedKafkaBroker broker;
    private RegistryHttpServer registryServer;
    private SchemaRegistry registry;
    private Map<String, String> env;

    @BeforeEach
    void start() {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
        registry = new InMemorySchemaRegistry();
        registryServer = RegistryHttpServer.start(registry, "localhost", 0);
        env = Map.ofEntries(
                Map.entry("STITCH_API_PORT", "0"),
                Map.entry("STITCH_API_TOKEN", "test-token"),
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers()),
                Map.entry("SCHEMA_REGISTRY_URL", registryServer.url()),
                Map.entry("STITCH_DATA_DIR", dir.resolve("app").toString()),
                Map.entry("STITCH_APPLICATION_ID", "oversized-it-" + UUID.randomUUID()),
                Map.entry("STITCH_REORDER_GRACE", "300ms"),
                Map.entry("STITCH_FLUSH_INTERVAL", "100ms"),
                // Records of at most 96 KB reach Kafka: the application keeps what it writes under 64 KB.
                Map.entry("KAFKA_MAX_REQUEST_SIZE", Integer.toString(96 * 1024)),
                Map.entry("STITCH_MAX_EVENT_BYTES", "16kb"),
                // Profiles as large as their bounds allow, so that one outgrows what Kafka takes here.
                Map.entry("STITCH_PROFILE_MAX_TRAITS", "10000"),
                Map.entry("STITCH_PROFILE_MAX_TRAIT_BYTES", "256kb"),
                Map.entry("KAFKA_SESSION_TIMEOUT_MS", "6000"),
                Map.entry("KAFKA_HEARTBEAT_INTERVAL_MS", "1000"));
    }

    @AfterEach
    void stop() {
        registryServer.close();
        broker.close();
    }

    @Test
    void aProfileLargerThanKafkaTakesIsADeadLetterAndTheApplicationKeepsRunningAcrossARestart() throws Exception {
        AppConfig config = AppConfig.fromEnvironment(env);
        assertThat(config.settings().limits().maxRecordBytes()).isEqualTo(64 * 1024);
        var topics = config.settings().topics();
        // Forty identifies of one user, each within the event limit and each adding a hundred new traits.
        List<SegmentEvent> identifies = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            identifies.add(SegmentEvents.identifyWithTraits("big-" + i, "big-user", null, traits(i), at(i)));
        }
        try (var first = StitchApplication.start(config, registry, broker.bootstrapServers())) {
            assertThat(first.awaitRunning(WAIT)).isTrue();
            produce(config, identifies);
            produce(config, List.of(SegmentEvents.track("after-1", "other-user", null, "Signed Up", at(50))));

            awaitTimelineOf(config, "after-1");
            List<ConsumerRecord<byte[], byte[]>> letters = TestClients.readUntil(broker.bootstrapServers(), topics.deadLetters(),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer(), read -> !read.isEmpty(), WAIT);
            assertThat(letters).allSatisfy(letter -> {
                assertThat(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.CODE)).isEqualTo("record-too-large");
                assertThat(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.REASON)).contains("STITCH_MAX_RECORD_BYTES");
            });
            assertThat(first.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }

        try (var second = StitchApplication.start(config, registry, broker.bootstrapServers())) {
            assertThat(second.awaitRunning(WAIT)).isTrue();
            produce(config, List.of(SegmentEvents.identifyWithTraits("big-40", "big-user", null, traits(40), at(60)),
                    SegmentEvents.track("after-2", "other-user", null, "Came Back", at(61))));

            awaitTimelineOf(config, "after-2");
            assertThat(second.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    /** A hundred traits of a hundred characters, named for the event: about 10 KB, all new to the profile. */
    private static String traits(int event) {
        StringBuilder json = new StringBuilder("{");
        for (int t = 0; t < 100; t++) {
            json.append(t == 0 ? "" : ",").append("\"trait-").append(event).append('-').append(t).append("\":\"")
                    .append("v".repeat(100)).append('"');
        }
        return json.append('}').toString();
    }

    private static Instant at(int seconds) {
        return SegmentEvents.T0.plusSeconds(seconds);
    }

    private void awaitTimelineOf(AppConfig config, String messageId) {
        TestClients.readUntil(broker.bootstrapServers(), config.settings().topics().timeline(), new StringDeserializer(),
                new AvroSerde<>(TimelineEvent.class, registry).deserializer(),
                read -> read.stream().anyMatch(r -> r.value().getEvent().getMessageId().equals(messageId)), WAIT);
    }

    private void produce(AppConfig config, List<SegmentEvent> events) {
        TestClients.produce(broker.bootstrapServers(), registry, config.settings().topics().raw(), events);
    }
}
