package dev.stitch.stream.app;

import dev.stitch.embedded.EmbeddedKafkaBroker;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.serde.AvroSerde;
import dev.stitch.serde.InMemorySchemaRegistry;
import dev.stitch.serde.RegistryHttpServer;
import dev.stitch.serde.SchemaRegistry;
import dev.stitch.stream.config.AppConfig;
import dev.stitch.stream.launcher.Launcher;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
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
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An instance with a stable name, killed with SIGKILL mid-stream and started again, takes its
 * partitions back as the same static member: the broker hands it the killed member's place, with no
 * rebalance waiting for the old member's session to end, and a read_committed reader then finds every
 * record once with gap-free sequences.
 */
class StaticMembershipRestartIT {

    private static final int USERS = 150;
    private static final int EXPECTED = USERS * Visitors.EVENTS_EACH;
    private static final String INSTANCE = "stitch-restart-it";
    /** Kafka Streams names each stream thread's consumer "<instance>-<thread>". */
    private static final String MEMBER = INSTANCE + "-1";

    @TempDir
    Path dir;
    private EmbeddedKafkaBroker broker;
    private RegistryHttpServer registryServer;
    private SchemaRegistry registry;
    private Admin admin;
    private Map<String, String> env;

    @BeforeEach
    void start() {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0);
        registry = new InMemorySchemaRegistry();
        registryServer = RegistryHttpServer.start(registry, "localhost", 0);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        env = Map.ofEntries(
                Map.entry("STITCH_API_PORT", "0"),
                Map.entry("STITCH_API_TOKEN", "test-token"),
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers()),
                Map.entry("SCHEMA_REGISTRY_URL", registryServer.url()),
                Map.entry("STITCH_DATA_DIR", dir.resolve("app").toString()),
                Map.entry("STITCH_APPLICATION_ID", "static-restart-it-" + UUID.randomUUID()),
                Map.entry("STITCH_INSTANCE_NAME", INSTANCE),
                Map.entry("STITCH_REORDER_GRACE", "300ms"),
                Map.entry("STITCH_FLUSH_INTERVAL", "100ms"),
                Map.entry("KAFKA_COMMIT_INTERVAL_MS", "50"),
                // Far longer than the test: a restart that had to wait for the killed member's session
                // to end would leave that member in the group, and the group not stable, when it is described.
                Map.entry("KAFKA_SESSION_TIMEOUT_MS", "600000"));
    }

    @AfterEach
    void stop() {
        admin.close();
        registryServer.close();
        broker.close();
    }

    @Test
    void killedInstanceRejoinsAsTheSameStaticMemberAndEmitsEveryRecordOnce() throws Exception {
        AppConfig config = AppConfig.fromEnvironment(env);
        createTopics(config);
        List<SegmentEvent> events = Visitors.events(USERS);
        produce(config, events.subList(0, events.size() / 2));
        Process process = startInAnotherProcess();
        MemberDescription killed;
        try {
            produce(config, events.subList(events.size() / 2, events.size()));
            awaitTimelineRecords(config, EXPECTED / 3);
            killed = onlyMember(config);
        } finally {
            process.destroyForcibly().waitFor(); // SIGKILL: no close, no commit, no leaving the group
        }
        long killedAt = System.nanoTime();

        try (var restarted = StitchApplication.start(config, registry, broker.bootstrapServers())) {
            assertThat(restarted.awaitRunning(Duration.ofSeconds(120))).isTrue();
            System.out.printf("StaticMembershipRestartIT: RUNNING %.1f s after SIGKILL; %d records restored from changelogs%n",
                    (System.nanoTime() - killedAt) / 1e9, restarted.restoredRecords());
            ConsumerGroupDescription group = describe(config);

            assertThat(group.groupState()).isEqualTo(GroupState.STABLE);
            assertThat(group.members()).hasSize(1);
            MemberDescription member = group.members().iterator().next();
            assertThat(killed.groupInstanceId()).contains(MEMBER);
            assertThat(member.groupInstanceId()).contains(MEMBER);
            assertThat(member.consumerId()).isNotEqualTo(killed.consumerId());
            assertThat(member.assignment().topicPartitions()).containsAll(inputPartitions(config));

            awaitTimelineRecords(config, EXPECTED);
        }
        List<ConsumerRecord<String, TimelineEvent>> timeline = TestClients.readToEnd(broker.bootstrapServers(),
                config.settings().topics().timeline(), new StringDeserializer(), timelineDeserializer());
        Visitors.assertEveryEventOnceInSequence(timeline, USERS);
    }

    private MemberDescription onlyMember(AppConfig config) throws Exception {
        ConsumerGroupDescription group = describe(config);
        assertThat(group.members()).hasSize(1);
        return group.members().iterator().next();
    }

    private ConsumerGroupDescription describe(AppConfig config) throws Exception {
        return admin.describeConsumerGroups(List.of(config.applicationId())).all().get().get(config.applicationId());
    }

    private static Set<TopicPartition> inputPartitions(AppConfig config) {
        return IntStream.range(0, config.partitions())
                .mapToObj(p -> new TopicPartition(config.settings().topics().raw(), p))
                .collect(Collectors.toSet());
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
