package dev.stitch.stream.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.config.Topic;
import dev.stitch.embedded.EmbeddedKafkaBroker;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.serde.AvroSerde;
import dev.stitch.serde.InMemorySchemaRegistry;
import dev.stitch.serde.RegistryHttpServer;
import dev.stitch.stream.config.AppConfig;
import dev.stitch.stream.metrics.StitchMetrics;
import dev.stitch.testing.Eventually;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three instances of the stitching application share the partitions. One stops in the middle of the
 * traffic: its tasks move to the two others, a read_committed reader of stitch.timeline still finds
 * every record once with gap-free sequences, and the query API of each remaining instance answers for
 * every person, and the events of the first half, sent again after the stop, are dropped as
 * duplicates. Run with a standby replica of every store and without: with it, the instances that
 * take over already hold the state, the dedup memory too, and restore (almost) nothing from the changelogs.
 */
class MultiInstanceFailoverIT {

    private static final int VISITORS = 120;
    private static final int EXPECTED = VISITORS * Visitors.EVENTS_EACH;
    private static final int PARTITIONS = 4;
    private static final String TOKEN = "failover-token";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private EmbeddedKafkaBroker broker;
    private RegistryHttpServer registryServer;
    private final List<StitchApplication> instances = new ArrayList<>();

    @BeforeEach
    void startKafka() {
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0, PARTITIONS);
        registryServer = RegistryHttpServer.start(registry, "localhost", 0);
    }

    @AfterEach
    void stopAll() {
        instances.forEach(StitchApplication::close);
        registryServer.close();
        broker.close();
    }

    @Test
    void aStoppedInstanceHandsItsTasksToTheOthersWithEveryRecordOnceAndAStandbySavesTheRestore() throws Exception {
        Takeover withStandby = stopOneOfThree(new Scenario("standby", 1));
        Takeover withoutStandby = stopOneOfThree(new Scenario("nostandby", 0));

        System.out.printf("records restored from changelogs by the two remaining instances after the stop: %,d with one standby "
                + "replica, %,d without; all people of the first half answered within %d ms and %d ms%n",
                withStandby.restored(), withoutStandby.restored(), withStandby.answeredMillis(), withoutStandby.answeredMillis());
        assertThat(withoutStandby.restored()).as("without a standby the stores of the stopped instance are restored").isPositive();
        assertThat(withStandby.restored()).as("a standby replica takes over with (almost) nothing to restore")
                .isLessThan(withoutStandby.restored() / 4);
    }

    /** One run's settings: its own topics (prefixed), application id and number of standby replicas. */
    private record Scenario(String name, int standbys) {
        String topic(String name) {
            return this.name + "." + name;
        }
    }

    private record Takeover(long restored, long answeredMillis) {
    }

    /**
     * Three instances share the partitions; the second stops halfway through the traffic. Every record
     * reaches stitch.timeline once, and the two others answer for every person throughout.
     */
    private Takeover stopOneOfThree(Scenario scenario) throws Exception {
        StitchApplication first = start("first", scenario);
        StitchApplication stopped = start("second", scenario);
        StitchApplication third = start("third", scenario);
        for (StitchApplication instance : List.of(first, stopped, third)) {
            assertThat(instance.awaitRunning(Duration.ofSeconds(60))).isTrue();
        }
        List<SegmentEvent> events = Visitors.events(VISITORS);
        int half = events.size() / 2;
        produce(scenario, events.subList(0, half));
        awaitTimelineRecords(scenario, half);
        if (scenario.standbys() > 0) {
            awaitStandbysOfEveryActivePartition(stopped);
        }
        long restoredBefore = first.restoredRecords() + third.restoredRecords();

        long duplicatesBefore = duplicates(first, third);
        stopped.close();
        instances.remove(stopped);
        long stoppedAt = System.nanoTime();
        produce(scenario, events.subList(half, events.size()));
        // The client sends the first half again: the instances that took the tasks over know each of
        // them, with a standby's dedup memory or one restored from its changelog (R9).
        produce(scenario, events.subList(0, half));
        Eventually.within(Duration.ofSeconds(60), half + " retried events dropped as duplicates by the remaining instances")
                .until(() -> duplicates(first, third) - duplicatesBefore, dropped -> dropped >= half);

        // Each remaining instance answers for every person of the first half while the second half streams in.
        for (StitchApplication asked : List.of(first, third)) {
            for (int visitor = 0; visitor < VISITORS / 2; visitor++) {
                JsonNode timeline = awaitTimeline(asked, "user-" + visitor, Visitors.EVENTS_EACH);
                assertThat(timeline.get("events")).hasSize(Visitors.EVENTS_EACH);
            }
        }
        long answeredMillis = (System.nanoTime() - stoppedAt) / 1_000_000;

        awaitTimelineRecords(scenario, EXPECTED);
        List<ConsumerRecord<String, TimelineEvent>> timeline = TestClients.readToEnd(broker.bootstrapServers(),
                scenario.topic("stitch.timeline"), new StringDeserializer(), new AvroSerde<>(TimelineEvent.class, registry).deserializer());
        Visitors.assertEveryEventOnceInSequence(timeline, VISITORS);

        for (StitchApplication asked : List.of(first, third)) {
            for (int visitor = 0; visitor < VISITORS; visitor++) {
                JsonNode answer = awaitTimeline(asked, "user-" + visitor, Visitors.EVENTS_EACH);
                List<String> ids = new ArrayList<>();
                answer.get("events").forEach(event -> ids.add(event.get("messageId").asText()));
                assertThat(ids).as("user-%d asked of port %d", visitor, asked.apiPort()).containsExactly(
                        "p1-" + visitor, "p2-" + visitor, "id-" + visitor, "p3-" + visitor, "t1-" + visitor, "t2-" + visitor);
            }
        }
        long restored = first.restoredRecords() + third.restoredRecords() - restoredBefore;
        for (StitchApplication instance : List.of(first, third)) {
            instance.close();
            instances.remove(instance);
        }
        return new Takeover(restored, answeredMillis);
    }

    private static long duplicates(StitchApplication... instances) {
        long dropped = 0;
        for (StitchApplication instance : instances) {
            dropped += (long) StitchMetrics.total(instance.streams().metrics(), "duplicates");
        }
        return dropped;
    }

    /**
     * The partitions the instance about to stop processes, once each of its stateful ones has a standby
     * on another instance (the assignment settles over a rebalance or two).
     */
    private Set<TopicPartition> awaitStandbysOfEveryActivePartition(StitchApplication leaving) {
        return Eventually.within(Duration.ofSeconds(60), "a standby elsewhere of each partition the stopping instance processes")
                .every(Duration.ofMillis(200))
                .until(() -> assignment(leaving), Assignment::everyActiveHasAStandbyElsewhere)
                .active();
    }

    /** The partitions an instance processes, and those the other instances keep standbys of. */
    private record Assignment(Set<TopicPartition> active, Set<TopicPartition> standbyElsewhere) {
        boolean everyActiveHasAStandbyElsewhere() {
            return !active.isEmpty() && standbyElsewhere.containsAll(active);
        }
    }

    private static Assignment assignment(StitchApplication instance) {
        Set<TopicPartition> active = new HashSet<>();
        Set<TopicPartition> standbyElsewhere = new HashSet<>();
        String host = "localhost:" + instance.apiPort();
        for (StreamsMetadata client : instance.streams().metadataForAllStreamsClients()) {
            if ((client.host() + ":" + client.port()).equals(host)) {
                active.addAll(client.topicPartitions());
            } else {
                standbyElsewhere.addAll(client.standbyTopicPartitions());
            }
        }
        return new Assignment(active, standbyElsewhere);
    }

    private JsonNode awaitTimeline(StitchApplication app, String userId, int events) {
        return Eventually.within(Duration.ofSeconds(90), userId + " with " + events + " events at port " + app.apiPort())
                .until(() -> askTimeline(app, userId), body -> body.path("events").size() >= events);
    }

    /** A timeline's answer; while tasks move, it is 503 with Retry-After, never a wrong 404. */
    private JsonNode askTimeline(StitchApplication app, String userId) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + app.apiPort() + "/v1/users/" + userId + "/timeline"))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isIn(200, 503);
        return SegmentEventParser.JSON.readTree(response.body());
    }

    private void awaitTimelineRecords(Scenario scenario, int count) {
        TestClients.readUntil(broker.bootstrapServers(), scenario.topic("stitch.timeline"), new StringDeserializer(),
                new AvroSerde<>(TimelineEvent.class, registry).deserializer(), read -> read.size() >= count, Duration.ofSeconds(120));
    }

    private void produce(Scenario scenario, List<SegmentEvent> events) {
        TestClients.produce(broker.bootstrapServers(), registry, scenario.topic("segment.raw"), events);
    }

    private StitchApplication start(String name, Scenario scenario) {
        Map<String, String> env = new HashMap<>(Map.ofEntries(
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers()),
                Map.entry("SCHEMA_REGISTRY_URL", registryServer.url()),
                Map.entry("STITCH_DATA_DIR", dir.resolve(scenario.name()).resolve(name).toString()),
                Map.entry("STITCH_APPLICATION_ID", "failover-it-" + scenario.name()),
                Map.entry("STITCH_PARTITIONS", Integer.toString(PARTITIONS)),
                Map.entry("STITCH_REORDER_GRACE", "300ms"),
                Map.entry("STITCH_FLUSH_INTERVAL", "100ms"),
                Map.entry("STITCH_API_PORT", "0"),
                Map.entry("STITCH_API_TOKEN", TOKEN),
                Map.entry("KAFKA_NUM_STANDBY_REPLICAS", Integer.toString(scenario.standbys())),
                // Kafka Streams counts an instance within this many records of a store as holding it; this
                // test's stores are small, so only an instance with the state counts (the default is 10,000).
                Map.entry("KAFKA_ACCEPTABLE_RECOVERY_LAG", "0"),
                Map.entry("KAFKA_COMMIT_INTERVAL_MS", "100")));
        // Every topic of the scenario its own, so that the two runs share nothing.
        for (Topic topic : Topic.values()) {
            env.put(topic.setting(), scenario.topic(topic.defaultName()));
        }
        AppConfig config = AppConfig.fromEnvironment(env);
        StitchApplication app = StitchApplication.start(config, registry, broker.bootstrapServers());
        instances.add(app);
        return app;
    }
}
