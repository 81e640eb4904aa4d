package dev.stitch.stream.app;

import dev.stitch.embedded.EmbeddedKafkaBroker;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.serde.AvroSerde;
import dev.stitch.serde.InMemorySchemaRegistry;
import dev.stitch.serde.RegistryHttpServer;
import dev.stitch.serde.SchemaRegistry;
import dev.stitch.stream.config.AppConfig;
import dev.stitch.stream.metrics.StitchMetrics;
import dev.stitch.testing.Eventually;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * One real broker (the topics' default partitions) and registry for each test, in a directory of its
 * own, for the tests that stop, kill and restart one application on the same state: its environment,
 * its input, and its timeline read back read_committed. Registered as a JUnit extension.
 */
public final class SingleBroker implements BeforeEachCallback, AfterEachCallback {

    private static final Duration WAIT = Duration.ofSeconds(120);

    private Path dir;
    private EmbeddedKafkaBroker broker;
    private SchemaRegistry registry;
    private RegistryHttpServer registryServer;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("stitch-it");
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
        InMemorySchemaRegistry inMemory = new InMemorySchemaRegistry();
        registry = inMemory;
        registryServer = RegistryHttpServer.start(inMemory, "localhost", 0);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        registryServer.close();
        broker.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public SchemaRegistry registry() {
        return registry;
    }

    public Path dir() {
        return dir;
    }

    /**
     * The application's environment against this broker: its own application id, a short reorder grace,
     * frequent commits (so a stop lands with work in flight), and {@code more} on top.
     */
    public Map<String, String> env(String applicationIdPrefix, Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of(
                "STITCH_API_PORT", "0",
                "STITCH_API_TOKEN", "test-token",
                "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", registryServer.url(),
                "STITCH_DATA_DIR", dir.resolve("app").toString(),
                "STITCH_APPLICATION_ID", applicationIdPrefix + UUID.randomUUID(),
                "STITCH_REORDER_GRACE", "300ms",
                "STITCH_FLUSH_INTERVAL", "100ms",
                "KAFKA_COMMIT_INTERVAL_MS", "50"));
        env.putAll(more);
        return Map.copyOf(env);
    }

    public StitchApplication start(AppConfig config) {
        return StitchApplication.start(config, registry, broker.bootstrapServers());
    }

    public void createTopics(AppConfig config) {
        var topics = config.settings().topics();
        broker.createTopics(config.partitions(), topics.raw(), topics.timeline(), topics.anonymous(),
                topics.identityChanges(), topics.deadLetters());
    }

    public void produce(AppConfig config, List<SegmentEvent> events) {
        TestClients.produce(broker.bootstrapServers(), registry, config.settings().topics().raw(), events);
    }

    /** Waits for {@code count} committed timeline records; a failure says which transactions held them back, if any. */
    public void awaitTimelineRecords(AppConfig config, int count) {
        awaitTimelineRecords(config, count, () -> "");
    }

    /**
     * Waits for the whole timeline of the {@link Visitors} traffic of {@code visitors}; a failure also
     * says where the missing events are.
     */
    public void awaitVisitors(AppConfig config, int visitors, StitchApplication app) {
        var topics = config.settings().topics();
        awaitTimelineRecords(config, visitors * Visitors.EVENTS_EACH, () -> "; application " + app.state()
                + VisitorWhereabouts.describe(this, app, topics.timeline(), topics.deadLetters(), visitors));
    }

    private void awaitTimelineRecords(AppConfig config, int count, Supplier<String> appDetail) {
        try {
            TestClients.readUntil(broker.bootstrapServers(), config.settings().topics().timeline(), new StringDeserializer(),
                    timelineDeserializer(), read -> read.size() >= count, WAIT);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; " + OpenTransactions.describe(broker.bootstrapServers()) + appDetail.get(), e);
        }
    }

    /** Waits until the application has dropped at least {@code count} events as duplicates (R9). */
    public void awaitDuplicates(StitchApplication app, int count) {
        Eventually.within(WAIT, count + " events dropped as duplicates")
                .until(() -> StitchMetrics.total(app.streams().metrics(), "duplicates"), dropped -> dropped >= count);
    }

    public List<ConsumerRecord<String, TimelineEvent>> timeline(AppConfig config) {
        return TestClients.readToEnd(broker.bootstrapServers(), config.settings().topics().timeline(), new StringDeserializer(),
                timelineDeserializer());
    }

    public Deserializer<TimelineEvent> timelineDeserializer() {
        return new AvroSerde<>(TimelineEvent.class, registry).deserializer();
    }
}
