package dev.stitch.stream.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.ChangeKind;
import dev.stitch.schema.IdentityChange;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.serde.AvroSerde;
import dev.stitch.serde.SchemaRegistries;
import dev.stitch.serde.SchemaRegistry;
import dev.stitch.stream.config.AppConfig;
import dev.stitch.embedded.EmbeddedKafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The documented flow (examples/documented-flow.ndjson) end to end on a real broker: produced through
 * the real registry serde, stitched by the running application, read back read_committed.
 */
class DocumentedFlowIT {

    @TempDir
    static Path dir;
    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void unifiesTheDocumentedFlowIntoOneOrderedTimeline() throws Exception {
        String registryUrl = "mock://" + UUID.randomUUID();
        AppConfig config = AppConfig.fromEnvironment(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", registryUrl,
                "STITCH_DATA_DIR", dir.resolve("app").toString(),
                "STITCH_APPLICATION_ID", "documented-flow-it",
                "STITCH_REORDER_GRACE", "1s",
                "STITCH_FLUSH_INTERVAL", "100ms",
                "STITCH_API_PORT", "0",
                "STITCH_API_TOKEN", "test-token"));
        SchemaRegistry registry = SchemaRegistries.connect(registryUrl, null);

        try (var app = StitchApplication.start(config, registry, broker.bootstrapServers())) {
            assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
            TestClients.produce(broker.bootstrapServers(), registry, config.settings().topics().raw(), examples());

            var timeline = TestClients.readUntil(broker.bootstrapServers(), config.settings().topics().timeline(),
                    new StringDeserializer(), new AvroSerde<>(TimelineEvent.class, registry).deserializer(),
                    read -> read.size() >= 5, Duration.ofSeconds(60));

            assertThat(timeline).extracting(ConsumerRecord::key).containsOnly("user-42");
            assertThat(timeline).extracting(r -> r.value().getEvent().getMessageId() + " " + r.value().getSequence()
                            + " " + (r.value().getStitched() ? "stitched" : "direct"))
                    .containsExactly(
                            "doc-page-1 1 stitched",
                            "doc-page-2 2 stitched",
                            "doc-page-3 3 stitched",
                            "doc-identify-1 4 direct",
                            "doc-track-1 5 direct");
            assertThat(timeline.get(4).value().getEvent().getJson()).contains("\"ip\":\"203.0.113.7\"");

            var changes = TestClients.readUntil(broker.bootstrapServers(), config.settings().topics().identityChanges(),
                    new StringDeserializer(), new AvroSerde<>(IdentityChange.class, registry).deserializer(),
                    read -> !read.isEmpty(), Duration.ofSeconds(30));
            assertThat(changes).singleElement().satisfies(change -> {
                assertThat(change.key()).isEqualTo("pixel-7f3a");
                assertThat(change.value().getKind()).isEqualTo(ChangeKind.LINKED);
                assertThat(change.value().getUserId()).isEqualTo("user-42");
            });
            assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    /** The events of the README's example file, as the replay command reads them. */
    private static List<SegmentEvent> examples() throws Exception {
        Path file = Path.of("..", "examples", "documented-flow.ndjson");
        return Files.readAllLines(file).stream()
                .filter(line -> !line.isBlank())
                .map(line -> {
                    try {
                        return SegmentEventParser.parse((ObjectNode) SegmentEventParser.JSON.readTree(line), Instant.now(), "test");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
    }
}
