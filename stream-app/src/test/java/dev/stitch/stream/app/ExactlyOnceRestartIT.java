package dev.stitch.stream.app;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.serde.AvroSerde;
import dev.stitch.serde.InMemorySchemaRegistry;
import dev.stitch.serde.RegistryHttpServer;
import dev.stitch.serde.SchemaRegistry;
import dev.stitch.stream.config.AppConfig;
import dev.stitch.embedded.EmbeddedKafkaBroker;
import dev.stitch.stream.launcher.Launcher;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * R14: the application stopped mid-stream and started again on the same state directory yields, for
 * a read_committed consumer, every expected timeline record exactly once, with gap-free sequences.
 */
class ExactlyOnceRestartIT {

    private static final int USERS = 150;
    private static final int EXPECTED = USERS * Visitors.EVENTS_EACH;

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
                Map.entry("STITCH_APPLICATION_ID", "restart-it-" + UUID.randomUUID()),
                Map.entry("STITCH_REORDER_GRACE", "300ms"),
                Map.entry("STITCH_FLUSH_INTERVAL", "100ms"),
                // Commit often, so a stop lands between commits with work in flight.
                Map.entry("KAFKA_COMMIT_INTERVAL_MS", "50"),
                // Kafka Streams does not leave its group on close: let the broker notice the old member soon.
                Map.entry("KAFKA_SESSION_TIMEOUT_MS", "6000"),
                Map.entry("KAFKA_HEARTBEAT_INTERVAL_MS", "1000"));
    }

    @AfterEach
    void stop() {
        registryServer.close();
        broker.close();
    }

    @Test
    void closedMidStreamAndRestartedEmitsEveryRecordOnce() throws Exception {
        AppConfig config = AppConfig.fromEnvironment(env);
        createTopics(config);
        List<SegmentEvent> events = Visitors.events(USERS);
        produce(config, events.subList(0, events.size() / 2));
        try (var first = StitchApplication.start(config, registry, broker.bootstrapServers())) {
            produce(config, events.subList(events.size() / 2, events.size()));
            awaitTimelineRecords(config, EXPECTED / 3);
        } // closed, local state kept: no cleanUp()

        assertEveryRecordOnceAfterARestart(config);
    }

    @Test
    void killedProcessMidStreamAndRestartedEmitsEveryRecordOnce() throws Exception {
        AppConfig config = AppConfig.fromEnvironment(env);
        createTopics(config);
        List<SegmentEvent> events = Visitors.events(USERS);
        produce(config, events.subList(0, events.size() / 2));
        Process process = startInAnotherProcess();
        try {
            produce(config, events.subList(events.size() / 2, events.size()));
            awaitTimelineRecords(config, EXPECTED / 3);
        } finally {
            process.destroyForcibly().waitFor(); // SIGKILL: no close, no commit, transactions left open
        }

        assertEveryRecordOnceAfterARestart(config);
    }

    private void assertEveryRecordOnceAfterARestart(AppConfig config) throws Exception {
        try (var second = StitchApplication.start(config, registry, broker.bootstrapServers())) {
            awaitTimelineRecords(config, EXPECTED);
        }
        List<ConsumerRecord<String, TimelineEvent>> timeline = TestClients.readToEnd(broker.bootstrapServers(),
                config.settings().topics().timeline(), new StringDeserializer(), timelineDeserializer());

        Visitors.assertEveryEventOnceInSequence(timeline, USERS);
    }

    private void createTopics(AppConfig config) {
        var topics = config.settings().topics();
        broker.createTopics(config.partitions(), topics.raw(), topics.timeline(), topics.anonymous(),
                topics.identityChanges(), topics.deadLetters());
    }

    private void awaitTimelineRecords(AppConfig config, int count) {
        TestClients.readUntil(broker.bootstrapServers(), config.settings().topics().timeline(), new StringDeserializer(),
                timelineDeserializer(), read -> read.size() >= count, Duration.ofSeconds(120));
    }

    private Deserializer<TimelineEvent> timelineDeserializer() {
        return new AvroSerde<>(TimelineEvent.class, registry).deserializer();
    }

    /** The launcher's stream command in a separate JVM, on the test's classpath. */
    private Process startInAnotherProcess() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Launcher.class.getName(), "stream")
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed-process.log").toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private void produce(AppConfig config, List<SegmentEvent> events) {
        TestClients.produce(broker.bootstrapServers(), registry, config.settings().topics().raw(), events);
    }
}
