package dev.stitch.stream.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.embedded.EmbeddedKafkaBroker;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.serde.AvroSerde;
import dev.stitch.serde.InMemorySchemaRegistry;
import dev.stitch.serde.RegistryHttpServer;
import dev.stitch.stream.config.AppConfig;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three instances of the stitching application share the partitions, with a standby replica of every
 * store. One stops in the middle of the traffic: its tasks move to the two others, which already hold
 * standby copies of its state, and a read_committed reader of stitch.timeline still finds every record
 * once with gap-free sequences. The query API of each remaining instance answers for every person.
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
    void aStoppedInstanceHandsItsTasksToTheOthersWithEveryRecordOnceAndQueriesKeepAnswering() throws Exception {
        StitchApplication first = start("first");
        StitchApplication stopped = start("second");
        StitchApplication third = start("third");
        for (StitchApplication instance : instances) {
            assertThat(instance.awaitRunning(Duration.ofSeconds(60))).isTrue();
        }
        List<SegmentEvent> events = Visitors.events(VISITORS);
        int half = events.size() / 2;
        produce(events.subList(0, half));
        awaitTimelineRecords(half);
        Set<TopicPartition> handedOver = awaitStandbysOfEveryActivePartition(stopped);

        stopped.close();
        instances.remove(stopped);
        long stoppedAt = System.nanoTime();
        produce(events.subList(half, events.size()));

        // Each remaining instance answers for every person of the first half while the second half streams in.
        for (StitchApplication asked : List.of(first, third)) {
            for (int visitor = 0; visitor < VISITORS / 2; visitor++) {
                JsonNode timeline = awaitTimeline(asked, "user-" + visitor, Visitors.EVENTS_EACH);
                assertThat(timeline.get("events")).hasSize(Visitors.EVENTS_EACH);
            }
        }
        System.out.printf("after the stop, both remaining instances answered for all %d people of the first half within %d ms "
                + "(%d partitions handed over)%n", VISITORS / 2, (System.nanoTime() - stoppedAt) / 1_000_000, handedOver.size());

        awaitTimelineRecords(EXPECTED);
        List<ConsumerRecord<String, TimelineEvent>> timeline = TestClients.readToEnd(broker.bootstrapServers(),
                "stitch.timeline", new StringDeserializer(), new AvroSerde<>(TimelineEvent.class, registry).deserializer());
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
    }

    /**
     * The partitions the instance about to stop processes, once each of its stateful ones has a standby
     * on another instance (the assignment settles over a rebalance or two).
     */
    private Set<TopicPartition> awaitStandbysOfEveryActivePartition(StitchApplication leaving) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            Set<TopicPartition> active = new HashSet<>();
            Set<TopicPartition> standbyElsewhere = new HashSet<>();
            String leavingHost = "localhost:" + leaving.apiPort();
            for (StreamsMetadata client : leaving.streams().metadataForAllStreamsClients()) {
                if ((client.host() + ":" + client.port()).equals(leavingHost)) {
                    active.addAll(client.topicPartitions());
                } else {
                    standbyElsewhere.addAll(client.standbyTopicPartitions());
                }
            }
            if (!active.isEmpty() && standbyElsewhere.containsAll(active)) {
                return active;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the stopping instance's partitions " + active + " never all had a standby elsewhere: "
                        + standbyElsewhere);
            }
            Thread.sleep(200);
        }
    }

    private JsonNode awaitTimeline(StitchApplication app, String userId, int events) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + app.apiPort() + "/v1/users/" + userId + "/timeline"))
                    .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                JsonNode body = SegmentEventParser.JSON.readTree(response.body());
                if (body.get("events").size() >= events) {
                    return body;
                }
            } else {
                // While tasks move, the answer is 503 with Retry-After, never a wrong 404.
                assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(userId + " never had " + events + " events at port " + app.apiPort() + ": " + response.body());
            }
            Thread.sleep(100);
        }
    }

    private void awaitTimelineRecords(int count) {
        TestClients.readUntil(broker.bootstrapServers(), "stitch.timeline", new StringDeserializer(),
                new AvroSerde<>(TimelineEvent.class, registry).deserializer(), read -> read.size() >= count, Duration.ofSeconds(120));
    }

    private void produce(List<SegmentEvent> events) {
        TestClients.produce(broker.bootstrapServers(), registry, "segment.raw", events);
    }

    private StitchApplication start(String name) {
        AppConfig config = AppConfig.fromEnvironment(Map.ofEntries(
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers()),
                Map.entry("SCHEMA_REGISTRY_URL", registryServer.url()),
                Map.entry("STITCH_DATA_DIR", dir.resolve(name).toString()),
                Map.entry("STITCH_APPLICATION_ID", "failover-it"),
                Map.entry("STITCH_PARTITIONS", Integer.toString(PARTITIONS)),
                Map.entry("STITCH_REORDER_GRACE", "300ms"),
                Map.entry("STITCH_FLUSH_INTERVAL", "100ms"),
                Map.entry("STITCH_API_PORT", "0"),
                Map.entry("STITCH_API_TOKEN", TOKEN),
                Map.entry("KAFKA_NUM_STANDBY_REPLICAS", "1"),
                Map.entry("KAFKA_COMMIT_INTERVAL_MS", "100")));
        StitchApplication app = StitchApplication.start(config, registry, broker.bootstrapServers());
        instances.add(app);
        return app;
    }
}
