package dev.stitch.benchmark;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.schema.internal.IdentityState;
import dev.stitch.serde.AvroSerde;
import dev.stitch.serde.SchemaRegistries;
import dev.stitch.serde.SchemaRegistry;
import dev.stitch.stream.app.StreamsProperties;
import dev.stitch.stream.config.TopicNames;
import dev.stitch.embedded.EmbeddedKafkaBroker;
import dev.stitch.stream.rocksdb.BoundedRocksDbMemory;
import dev.stitch.stream.state.Catalogue;
import dev.stitch.stream.state.StitchSerdes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * Measures the stitching topology against a minimal re-keying baseline on one in-process broker:
 * throughput over the same pre-produced Segment events, the same again on a state that already holds
 * many identities, then end-to-end latency of a steady stream through each running application. A
 * program that prints figures, not a test.
 *
 * <pre>
 * mvn -B -q -pl benchmark -am package -DskipTests &amp;&amp; java -jar benchmark/target/benchmark.jar [--events=200000] [--grace=5s]
 *     [--stored-identities=1000000] [--jfr=rounds.jfr]
 * </pre>
 */
public final class StitchBenchmark {

    private static final int PARTITIONS = 2;
    private static final String RAW_TOPIC = TopicNames.defaults().raw();
    /** Put in front of the warm-up runs' application ids and output topics. */
    private static final String WARM_UP = "warmup.";
    /** Put in front of the application ids and output topics of the round on a larger state. */
    private static final String STORED = "stored.";
    private static final int PROFILED_INCLUSIVE_FRAMES = 15;
    private static final int PROFILED_SELF_FRAMES = 10;
    private static final Duration TIMEOUT = Duration.ofMinutes(10);
    private static final long STARTED_AT = System.nanoTime();

    private final BenchmarkOptions options;
    private final Path workDir;

    private StitchBenchmark(BenchmarkOptions options, Path workDir) {
        this.options = options;
        this.workDir = workDir;
    }

    public static void main(String[] args) throws IOException {
        BenchmarkOptions options;
        try {
            options = BenchmarkOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        ProgramRun.inWorkDir("stitch-benchmark-", "benchmark", workDir -> {
            new StitchBenchmark(options, workDir).run();
            return true;
        });
    }

    private void run() throws Exception {
        progress("starting a Kafka broker in this JVM under " + workDir);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(workDir.resolve("kafka"), 0);
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            String bootstrap = broker.bootstrapServers();
            SchemaRegistry registry = SchemaRegistries.connect("mock://stitch-benchmark-" + UUID.randomUUID(), null);
            Contenders contenders = new Contenders(registry, RAW_TOPIC, options.reorderGrace());
            broker.createTopics(PARTITIONS, RAW_TOPIC);
            for (String run : runNames()) {
                contenders.both(run, false).forEach(
                        contender -> broker.createTopics(PARTITIONS, contender.outputTopics().toArray(String[]::new)));
            }

            progress("generating " + BenchmarkReport.n(options.events()) + " events and producing them to " + RAW_TOPIC);
            long spanMs = options.events() * 1000L / options.arrivalRate();
            VisitorTraffic traffic = new VisitorTraffic(options.seed(), "", options.users(), options.arrivalRate(),
                    System.currentTimeMillis() - spanMs);
            InputLoader.Loaded input = InputLoader.load(bootstrap, admin, RAW_TOPIC,
                    new AvroSerde<>(SegmentEvent.class, registry).serializer(), traffic, options.events());
            progress(String.format("produced in %s; mean JSON size %.0f B, mean Avro record %.0f B",
                    BenchmarkReport.seconds(input.took()), input.meanJsonBytes(), input.meanRecordBytes()));

            WarmUp warmUp = warmUp(contenders, admin, bootstrap, input);
            Map<String, ContenderResult> results = new LinkedHashMap<>();
            FlightRecording recording = options.jfr() == null ? null : FlightRecording.start(options.jfr());
            if (recording != null) {
                progress("recording the throughput rounds with JFR (profile settings)");
            }
            for (int round = 1; round <= options.rounds(); round++) {
                // Every other round the other application goes first, so neither always runs after the other.
                boolean baselineFirst = options.baselineFirst() ^ (round % 2 == 0);
                for (Contender contender : contenders.both(roundName(round), baselineFirst)) {
                    ThroughputRound measured = throughputRound(round, contender, admin, bootstrap, input, traffic.tally());
                    results.merge(contender.name(), new ContenderResult(contender, List.of(measured), null, null),
                            (first, next) -> first.withRound(measured));
                }
            }
            Path recorded = null;
            if (recording != null) {
                try (recording) {
                    recorded = recording.stopAndDump();
                }
                progress("flight recording of the throughput rounds written to " + recorded);
            }
            List<LargerStateRound> larger = new ArrayList<>();
            if (options.storedIdentities() > 0) {
                long phaseStartedAt = System.nanoTime();
                Contender stitch = contenders.stitch(STORED);
                Contender baseline = contenders.baseline(STORED);
                for (Contender contender : options.baselineFirst() ? List.of(baseline, stitch) : List.of(stitch, baseline)) {
                    larger.add(largerStateRound(contender, contender == stitch, admin, bootstrap, registry, input, traffic.tally()));
                }
                progress("larger state: storing, restoring and both rounds took "
                        + BenchmarkReport.seconds(Duration.ofNanos(System.nanoTime() - phaseStartedAt)));
            }
            // Both applications get the same rate: by default half of what the stitching one sustained.
            double stitchingMedian = BenchmarkReport.named("stitch", List.copyOf(results.values()))
                    .median(ThroughputMeter.Measured::eventsPerSecond);
            int latencyRate = options.latencyRate(stitchingMedian);
            int index = 0;
            for (Map.Entry<String, ContenderResult> result : results.entrySet()) {
                result.setValue(latencyPhase(result.getValue(), latencyRate, admin, bootstrap, registry, index++));
            }
            new BenchmarkReport(System.out).print(options, warmUp, latencyRate, input, traffic.tally(), streamsConfig(bootstrap, "report"),
                    List.copyOf(results.values()), larger);
            if (recorded != null) {
                printProfiles(recorded, contenders);
            }
        }
    }

    /** The stream threads' hottest frames in the recording, the stitching topology's, then the baseline's. */
    private static void printProfiles(Path recorded, Contenders contenders) throws IOException {
        System.out.println();
        System.out.println("where the stream threads spent the throughput rounds (JFR execution samples, " + recorded + ")");
        for (Contender contender : contenders.both("", false)) {
            ExecutionProfile.read(recorded, ExecutionProfile.streamThreadsOf(contender.applicationId()))
                    .print(System.out, contender.name(), PROFILED_INCLUSIVE_FRAMES, PROFILED_SELF_FRAMES);
        }
    }

    /**
     * One more throughput round, under an application id whose changelogs already hold
     * {@code --stored-identities} entries. A first start restores them with the group's offsets at the
     * input's end, so that it processes nothing while it restores; then the round starts the application
     * again from the input's start, on its restored local state, and is clocked as every round is.
     */
    private LargerStateRound largerStateRound(Contender contender, boolean stitch, Admin admin, String bootstrap,
                                              SchemaRegistry registry, InputLoader.Loaded input, TrafficTally tally) throws Exception {
        String applicationId = contender.applicationId();
        int stored = options.storedIdentities();
        progress("larger state: storing " + BenchmarkReport.n(stored) + (stitch ? " linked anonymous ids" : " persons")
                + " in the changelogs of " + applicationId);
        PreloadedState.Written written = stitch
                ? PreloadedState.stitch(bootstrap, admin, applicationId, StitchSerdes.using(registry), stored, PARTITIONS, options.seed())
                : PreloadedState.baseline(bootstrap, admin, applicationId, stored, PARTITIONS, options.seed());
        progress("  " + BenchmarkReport.n(written.records()) + " records produced in " + BenchmarkReport.seconds(written.took()));

        commitInputAt(admin, applicationId, input.endOffsets());
        RestoreTally restores;
        int found;
        try (StreamsRun restoring = StreamsRun.start(contender, streamsConfig(bootstrap, applicationId))) {
            restoring.awaitRestored(written.records(), TIMEOUT);
            restores = restoring.restores();
            found = stitch ? foundLinks(restoring, written) : foundPersons(restoring, written);
        }
        progress(String.format("  restored %,d records in %s; %d of %d stored entries found where the application looks",
                restores.records(), BenchmarkReport.seconds(restores.took()), found, written.samples().size()));

        progress("larger state: " + contender.name() + " over the " + BenchmarkReport.n(input.events()) + " events");
        Map<TopicPartition, Long> inputStart = new HashMap<>();
        input.endOffsets().keySet().forEach(partition -> inputStart.put(partition, 0L));
        commitInputAt(admin, applicationId, inputStart);
        ThroughputMeter.Measured measured;
        long restoredAgain;
        try (StreamsRun run = StreamsRun.start(contender, streamsConfig(bootstrap, applicationId))) {
            measured = ThroughputMeter.measure(admin, run, applicationId, input.endOffsets(), input.events(),
                    contender.outputTopics(), contender.settleTime(), TIMEOUT);
            restoredAgain = run.restores().records();
        }
        progress(String.format("  %,.0f events/s; this start restored %,d records", measured.eventsPerSecond(), restoredAgain));
        ThroughputRound round = new ThroughputRound(1, measured, OutputCounter.count(bootstrap, contender.outputTopics()),
                contender.predicted().apply(tally), OutputCounter.written(admin, applicationId, contender.outputTopics()));
        return new LargerStateRound(contender, round, written, restores.records(), restores.took(), restoredAgain, found);
    }

    /** Sets where the (stopped) application's group reads the input from next. */
    private static void commitInputAt(Admin admin, String groupId, Map<TopicPartition, Long> offsets)
            throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
        offsets.forEach((partition, offset) -> commits.put(partition, new OffsetAndMetadata(offset)));
        admin.alterConsumerGroupOffsets(groupId, commits).all().get();
    }

    /** Stored links whose both sides the application holds: the id's user, and the user's grant. */
    private static int foundLinks(StreamsRun run, PreloadedState.Written written) {
        int found = 0;
        for (PreloadedState.Link link : written.samples()) {
            IdentityState state = run.storeValue(Catalogue.IDENTITIES_STORE,
                    PreloadedState.partitionOf(link.anonymousId(), PARTITIONS), link.anonymousId());
            byte[] grant = run.storeValue(Catalogue.USER_LINKS_STORE, PreloadedState.partitionOf(link.userId(), PARTITIONS),
                    Bytes.wrap(PreloadedState.linkKey(link.userId(), link.anonymousId())));
            if (state != null && link.userId().equals(state.getUserId()) && grant != null) {
                found++;
            }
        }
        return found;
    }

    private static int foundPersons(StreamsRun run, PreloadedState.Written written) {
        int found = 0;
        for (PreloadedState.Link person : written.samples()) {
            Long count = run.storeValue(BaselineTopology.EVENT_COUNTS_STORE, PreloadedState.partitionOf(person.userId(), PARTITIONS),
                    person.userId());
            found += count == null ? 0 : 1;
        }
        return found;
    }

    /**
     * Runs both applications over the first events under throw-away ids and output topics, pass after
     * pass, until a pass finds the JIT compilers nearly idle: the measured rounds then run compiled code
     * and do not share the two cores with the compilers, whichever application runs first and however
     * much code it has.
     */
    private WarmUp warmUp(Contenders contenders, Admin admin, String bootstrap, InputLoader.Loaded input) throws Exception {
        if (options.warmUpEvents() == 0) {
            return WarmUp.NONE;
        }
        for (int pass = 1; ; pass++) {
            long compiledBefore = CpuUse.compilingMillisSoFar();
            long startedAt = System.nanoTime();
            for (Contender contender : contenders.both(warmUpName(pass), options.baselineFirst())) {
                warmUp(contender, admin, bootstrap, input);
            }
            WarmUp warmUp = new WarmUp(pass, Duration.ofMillis(CpuUse.compilingMillisSoFar() - compiledBefore),
                    Duration.ofNanos(System.nanoTime() - startedAt));
            progress("warm-up pass " + pass + ": the JIT compiled for " + BenchmarkReport.seconds(warmUp.lastPassCompiling())
                    + " of its " + BenchmarkReport.seconds(warmUp.lastPassTook()));
            if (warmUp.settled() || pass == WarmUp.MAX_PASSES) {
                return warmUp;
            }
        }
    }

    /** Runs the application over the first events under a throw-away id and output topics. */
    private void warmUp(Contender contender, Admin admin, String bootstrap, InputLoader.Loaded input) throws Exception {
        long warmUpEvents = Math.min(options.warmUpEvents(), input.events());
        progress("warm-up: " + contender.name() + " over the first " + BenchmarkReport.n(warmUpEvents) + " events (not measured)");
        Map<TopicPartition, Long> targets = new HashMap<>();
        input.endOffsets().forEach((partition, end) -> targets.put(partition, end * warmUpEvents / input.events()));
        try (StreamsRun run = StreamsRun.start(contender, streamsConfig(bootstrap, contender.applicationId()))) {
            run.awaitRunning(TIMEOUT);
            ThroughputMeter.awaitCommitted(admin, run, contender.applicationId(), targets, TIMEOUT);
        }
    }

    private ThroughputRound throughputRound(int round, Contender contender, Admin admin, String bootstrap,
                                            InputLoader.Loaded input, TrafficTally tally) throws Exception {
        progress("throughput, round " + round + ": " + contender.name() + " over the " + BenchmarkReport.n(input.events()) + " events");
        ThroughputMeter.Measured measured;
        try (StreamsRun run = StreamsRun.start(contender, streamsConfig(bootstrap, contender.applicationId()))) {
            measured = ThroughputMeter.measure(admin, run, contender.applicationId(), input.endOffsets(), input.events(),
                    contender.outputTopics(), contender.settleTime(), TIMEOUT);
        }
        progress(String.format("  %,.0f events/s", measured.eventsPerSecond()));
        return new ThroughputRound(round, measured, OutputCounter.count(bootstrap, contender.outputTopics()),
                contender.predicted().apply(tally),
                OutputCounter.written(admin, contender.applicationId(), contender.outputTopics()));
    }

    private static String warmUpName(int pass) {
        return WARM_UP + pass + ".";
    }

    /** Round 1 uses the product's topic names; later rounds and the warm-up put their name in front. */
    private static String roundName(int round) {
        return round == 1 ? "" : "round" + round + ".";
    }

    private List<String> runNames() {
        List<String> names = new ArrayList<>();
        for (int pass = 1; pass <= WarmUp.MAX_PASSES; pass++) {
            names.add(warmUpName(pass));
        }
        for (int round = 1; round <= options.rounds(); round++) {
            names.add(roundName(round));
        }
        if (options.storedIdentities() > 0) {
            names.add(STORED);
        }
        return names;
    }

    /**
     * Restarts the application on its state, lets it catch up on what the other application's latency
     * phase produced (and settle), then sends new visitors' events through it at a steady rate.
     */
    private ContenderResult latencyPhase(ContenderResult result, int rate, Admin admin, String bootstrap, SchemaRegistry registry,
                                         int index) throws Exception {
        Contender contender = result.contender();
        int count = (int) Math.min(Integer.MAX_VALUE, (long) rate * options.latencyDuration().toSeconds());
        VisitorTraffic live = new VisitorTraffic(options.seed() + 1 + index, "live" + index + "-", options.users(),
                options.arrivalRate(), System.currentTimeMillis() - count * 1000L / options.arrivalRate());
        List<GeneratedEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(live.next());
        }
        Map<String, Long> expected = new LinkedHashMap<>();
        Map<String, Long> predicted = contender.predicted().apply(live.tally());
        contender.outputs().stream().filter(Contender.Output::measureLatency)
                .forEach(output -> expected.put(output.topic(), predicted.get(output.topic())));

        progress("latency: " + contender.name() + ", " + BenchmarkReport.n(rate) + " events/s for "
                + options.latencyDuration().toSeconds() + " s");
        var inputEnds = InputLoader.endOffsets(admin, RAW_TOPIC);
        boolean catchUp = ThroughputMeter.behind(admin, contender.applicationId(), inputEnds);
        try (StreamsRun run = StreamsRun.start(contender, streamsConfig(bootstrap, contender.applicationId()))) {
            run.awaitRunning(TIMEOUT);
            progress("  restarted on its state, RUNNING");
            if (catchUp) {
                ThroughputMeter.awaitCommitted(admin, run, contender.applicationId(), inputEnds, TIMEOUT);
                Thread.sleep(contender.settleTime().toMillis());
                progress("  caught up with the other application's latency events");
            }
            LatencyProbe probe = new LatencyProbe(bootstrap, new AvroSerde<>(SegmentEvent.class, registry).serializer(),
                    new AvroSerde<>(TimelineEvent.class, registry).deserializer());
            LatencyProbe.Measured measured = probe.run(RAW_TOPIC, events, rate, expected,
                    options.reorderGrace().plusSeconds(15));
            run.requireHealthy();
            progress(String.format("  p50 %s", measured.byTopic().entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue().millis.getValueAtPercentile(50) + " ms").toList()));
            return result.withLatency(measured, expected);
        }
    }

    /** The product's own configuration for both applications, with one stream thread each. */
    private Properties streamsConfig(String bootstrap, String applicationId) {
        Properties props = StreamsProperties.of(applicationId, bootstrap, workDir.resolve("state").resolve(applicationId),
                BoundedRocksDbMemory.DEFAULT_TOTAL_BYTES, Map.of());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        return props;
    }

    private static void progress(String message) {
        System.out.printf("[%6.1f s] %s%n", (System.nanoTime() - STARTED_AT) / 1e9, message);
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
