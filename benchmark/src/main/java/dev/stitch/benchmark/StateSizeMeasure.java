package dev.stitch.benchmark;

import dev.stitch.embedded.EmbeddedKafkaBroker;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.serde.AvroSerde;
import dev.stitch.serde.SchemaRegistries;
import dev.stitch.serde.SchemaRegistry;
import dev.stitch.stream.app.StreamsProperties;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.config.TopicNames;
import dev.stitch.stream.identity.IdentityStage;
import dev.stitch.stream.rocksdb.BoundedRocksDbMemory;
import dev.stitch.stream.state.Catalogue;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyDescription;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * Measures how much state the stitching application keeps, for sizing disks: the stitching topology
 * as the product builds it ({@code StitchSettings.defaults()}, exactly-once, RocksDB stores bounded as
 * {@code StreamsProperties} sets them) runs on an in-process broker over two generated scenarios, one
 * after the other, each under its own application id:
 * <ul>
 *   <li><b>identities</b>: people who each view a page anonymously, are identified (frontend or
 *       server-side) and are tracked once from a backend, so every anonymous id is linked to its user;
 *   <li><b>buffered events</b>: visitors who only view pages and never log in, so their events wait in
 *       the anonymous history.
 * </ul>
 * Once the application has consumed its input and emitted everything (the reorder grace has passed),
 * it is closed, which flushes RocksDB; then every store's databases are measured on disk as left,
 * read back for their entries, fully compacted and measured again, and each store's changelog is
 * measured on the broker. A program that prints figures, not a test.
 *
 * <pre>
 * mvn -B -q -pl benchmark -am package -DskipTests &amp;&amp; \
 *   java -cp benchmark/target/benchmark.jar dev.stitch.benchmark.StateSizeMeasure [--identities=200000] [--buffered=500000]
 * </pre>
 */
public final class StateSizeMeasure {

    private static final Duration TIMEOUT = Duration.ofHours(2);
    private static final long STARTED_AT = System.nanoTime();
    /** Stores listed first, in this order; any other store of the topology follows. */
    private static final List<String> STORE_ORDER = List.of(Catalogue.IDENTITIES_STORE, Catalogue.ANONYMOUS_HISTORY_STORE,
            Catalogue.USER_LINKS_STORE, Catalogue.SEEN_MESSAGES_STORE,
            Catalogue.USER_STATE_STORE, Catalogue.TIMELINE_STORE, Catalogue.PROFILE_STORE);

    private static final StateSizeReport.Unit IDENTITY = new StateSizeReport.Unit("identity", "identities");
    private static final StateSizeReport.Unit BUFFERED_EVENT = new StateSizeReport.Unit("buffered event", "buffered events");

    private final StateSizeOptions options;
    private final Path workDir;

    private StateSizeMeasure(StateSizeOptions options, Path workDir) {
        this.options = options;
        this.workDir = workDir;
    }

    public static void main(String[] args) throws IOException {
        StateSizeOptions options;
        try {
            options = StateSizeOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        ProgramRun.inWorkDir("stitch-state-size-", "measurement", workDir -> {
            new StateSizeMeasure(options, workDir).run();
            return true;
        });
    }

    private void run() throws Exception {
        progress("starting a Kafka broker in this JVM under " + workDir);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(workDir.resolve("kafka"), 0, options.partitions());
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            SchemaRegistry registry = SchemaRegistries.connect("mock://stitch-state-size-" + UUID.randomUUID(), null);
            List<StateSizeReport.Scenario> scenarios = new ArrayList<>();
            if (options.identities() > 0) {
                int people = options.identities();
                StateScenario input = StateScenario.identities(options.seed(), people, options.arrivalRate(),
                        System.currentTimeMillis());
                Map<String, Long> expected = new LinkedHashMap<>();
                expected.put(Catalogue.IDENTITIES_STORE, (long) people);
                expected.put(Catalogue.ANONYMOUS_HISTORY_STORE, 0L);
                expected.put(Catalogue.USER_LINKS_STORE, (long) people);
                // seen-messages: an index entry per event, and as many batches as a few kilobytes of ids make.
                expected.put(Catalogue.USER_STATE_STORE, (long) people);
                expected.put(Catalogue.TIMELINE_STORE, 3L * people);
                // profiles: one per person, and beside it the users-by-trait entries of its indexed traits.
                scenarios.add(measure(broker, admin, registry, "identities", IDENTITY, people,
                        "each: an anonymous page view, an identify linking its pixel id to the user "
                                + "(frontend userId + anonymousId, or server-side userId + context.anonymousId, by coin toss), "
                                + "a server-side track (userId only)", input, expected));
            }
            if (options.buffered() > 0) {
                int visitors = options.anonymousVisitors();
                int events = options.bufferedEvents();
                StateScenario input = StateScenario.anonymous(options.seed() + 1, visitors, options.pagesPerVisitor(),
                        options.arrivalRate(), System.currentTimeMillis());
                Map<String, Long> expected = new LinkedHashMap<>();
                STORE_ORDER.forEach(store -> expected.put(store, 0L));
                expected.put(Catalogue.IDENTITIES_STORE, (long) visitors);
                // Each visitor's first page views are held in its identity state; only the rest have entries of their own.
                expected.put(Catalogue.ANONYMOUS_HISTORY_STORE,
                        (long) visitors * Math.max(0, options.pagesPerVisitor() - IdentityStage.HISTORY_HELD_IN_STATE));
                expected.remove(Catalogue.SEEN_MESSAGES_STORE);
                scenarios.add(measure(broker, admin, registry, "buffered", BUFFERED_EVENT, events,
                        String.format("%,d visitors x %d anonymous page views, never identified", visitors,
                                options.pagesPerVisitor()), input, expected));
            }
            new StateSizeReport(System.out).print(options, streamsConfig(broker.bootstrapServers(), "report"), scenarios,
                    Duration.ofNanos(System.nanoTime() - STARTED_AT));
        }
    }

    private StateSizeReport.Scenario measure(EmbeddedKafkaBroker broker, Admin admin, SchemaRegistry registry, String name,
                                             StateSizeReport.Unit unit, long units, String script, StateScenario input,
                                             Map<String, Long> expected) throws Exception {
        String run = name + ".";
        String rawTopic = run + TopicNames.defaults().raw();
        Contender contender = new Contenders(registry, rawTopic, StitchSettings.defaults().reorderGrace()).stitch(run);
        String applicationId = contender.applicationId();
        broker.createTopics(options.partitions(), rawTopic);
        broker.createTopics(options.partitions(), contender.outputTopics().toArray(String[]::new));

        progress(name + ": generating " + BenchmarkReport.n(input.events()) + " events and producing them to " + rawTopic);
        InputLoader.Loaded loaded = InputLoader.load(broker.bootstrapServers(), admin, rawTopic,
                new AvroSerde<>(SegmentEvent.class, registry).serializer(), input, Math.toIntExact(input.events()));
        progress(String.format("  produced in %s; mean JSON %.0f B, mean Avro record %.0f B",
                BenchmarkReport.seconds(loaded.took()), loaded.meanJsonBytes(), loaded.meanRecordBytes()));

        Path stateDir = workDir.resolve("state-" + name);
        Properties props = streamsConfig(broker.bootstrapServers(), applicationId, stateDir);
        List<String> stores = storesOf(contender.topology().apply(props));
        progress(name + ": the stitching application runs over them, then waits out the reorder grace");
        ThroughputMeter.Measured processed;
        long closingAt;
        try (StreamsRun streams = StreamsRun.start(contender, props)) {
            processed = ThroughputMeter.measure(admin, streams, applicationId, loaded.endOffsets(), loaded.events(),
                    contender.outputTopics(), contender.settleTime(), TIMEOUT);
            progress(String.format("  consumed in %s (%,.0f events/s); closing the application",
                    BenchmarkReport.seconds(processed.consumed()), processed.eventsPerSecond()));
            closingAt = System.nanoTime();
        }
        Duration closing = Duration.ofNanos(System.nanoTime() - closingAt);
        Map<String, Long> changelogs = changelogBytes(admin, applicationId);

        progress(name + ": measuring, reading back and compacting the stores under " + stateDir);
        long surveyAt = System.nanoTime();
        StoreSurvey.Survey survey = StoreSurvey.of(stateDir.resolve(applicationId), stores);
        Duration surveying = Duration.ofNanos(System.nanoTime() - surveyAt);
        StitchBenchmark.deleteRecursively(stateDir);
        return new StateSizeReport.Scenario(name, unit, units, script, input.sizesByKind(), loaded, processed, closing,
                surveying, survey, changelogs, expected);
    }

    /** The stores of the topology: the known ones in the catalogue's order, then any other. */
    private static List<String> storesOf(Topology topology) {
        Set<String> found = new TreeSet<>();
        for (TopologyDescription.Subtopology subtopology : topology.describe().subtopologies()) {
            for (TopologyDescription.Node node : subtopology.nodes()) {
                if (node instanceof TopologyDescription.Processor processor) {
                    found.addAll(processor.stores());
                }
            }
        }
        Set<String> ordered = new LinkedHashSet<>();
        STORE_ORDER.stream().filter(found::contains).forEach(ordered::add);
        ordered.addAll(found);
        return List.copyOf(ordered);
    }

    /**
     * Bytes of each store's changelog on the broker's disk (all partitions' log segments, as written:
     * the log cleaner compacts only closed segments, and these are still the active ones).
     */
    private static Map<String, Long> changelogBytes(Admin admin, String applicationId)
            throws InterruptedException, ExecutionException {
        String prefix = applicationId + "-";
        String suffix = "-changelog";
        Map<TopicPartition, Long> sizes = new HashMap<>();
        List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(node -> node.id()).toList();
        admin.describeLogDirs(brokers).allDescriptions().get().values().forEach(dirs -> dirs.values().forEach(
                dir -> dir.replicaInfos().forEach((partition, replica) -> sizes.merge(partition, replica.size(), Long::sum))));
        Map<String, Long> byStore = new LinkedHashMap<>();
        sizes.entrySet().stream()
                .filter(entry -> entry.getKey().topic().startsWith(prefix) && entry.getKey().topic().endsWith(suffix))
                .sorted(Comparator.comparing(entry -> entry.getKey().toString()))
                .forEach(entry -> byStore.merge(entry.getKey().topic().substring(prefix.length(),
                        entry.getKey().topic().length() - suffix.length()), entry.getValue(), Long::sum));
        return byStore;
    }

    /** The product's own configuration, one stream thread (the product's default). */
    private static Properties streamsConfig(String bootstrap, String applicationId, Path stateDir) {
        Properties props = StreamsProperties.of(applicationId, bootstrap, stateDir, BoundedRocksDbMemory.DEFAULT_TOTAL_BYTES,
                Map.of());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        return props;
    }

    private Properties streamsConfig(String bootstrap, String applicationId) {
        return streamsConfig(bootstrap, applicationId, workDir.resolve("state"));
    }

    private static void progress(String message) {
        System.out.printf("[%6.1f s] %s%n", (System.nanoTime() - STARTED_AT) / 1e9, message);
    }
}
