package dev.stitch.benchmark;

import dev.stitch.bridge.BridgeConfig;
import dev.stitch.bridge.KafkaEventPublisher;
import dev.stitch.bridge.WebhookBridge;
import dev.stitch.embedded.EmbeddedKafkaBroker;
import dev.stitch.events.EventIds;
import dev.stitch.events.JunkIds;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.serde.AvroSerde;
import dev.stitch.serde.InMemorySchemaRegistry;
import dev.stitch.serde.RegistryHttpServer;
import dev.stitch.stream.config.TopicNames;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A soak: three stream-app instances (two in this JVM, one in a child JVM) and the bridge on one
 * in-process broker, generated Segment traffic posted through the bridge at a set rate with
 * Segment's retries, a rolling restart of every instance at a third of the run and a SIGKILL of the
 * child at two thirds (or half a third after the rolling restart, when that ends later); then a
 * read_committed audit of {@code stitch.timeline} against what the bridge acknowledged. A program
 * that prints figures, not a test.
 *
 * <pre>
 * mvn -B -q -pl benchmark -am package -DskipTests &amp;&amp; \
 *   java -cp benchmark/target/benchmark.jar dev.stitch.benchmark.Soak --minutes 2 [--rate 200]
 * </pre>
 */
public final class Soak {

    private static final long STARTED_AT = System.nanoTime();
    private static final String WRITE_KEY = "wk_soak";
    private static final String TOKEN = "tok_soak";
    private static final String APPLICATION_ID = "stitch-soak";
    private static final int PARTITIONS = 6;
    private static final JunkIds JUNK = JunkIds.defaults();
    private static final Duration SETTLE_TIMEOUT = Duration.ofMinutes(3);

    private final SoakOptions options;
    private final Path workDir;
    /** Every event sent, by messageId: what the audit expects of the acknowledged ones. */
    private final Map<String, SegmentEvent> sent = new ConcurrentHashMap<>();
    private final List<String> restarts = new ArrayList<>();

    private Soak(SoakOptions options, Path workDir) {
        this.options = options;
        this.workDir = workDir;
    }

    public static void main(String[] args) throws Exception {
        SoakOptions options;
        try {
            options = SoakOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        ProgramRun.inWorkDir("stitch-soak-", "soak", workDir -> new Soak(options, workDir).run());
    }

    /** @return whether nothing was lost, duplicated or out of sequence */
    private boolean run() throws Exception {
        progress("starting a Kafka broker in this JVM under " + workDir);
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(workDir.resolve("kafka"), 0, PARTITIONS)) {
            var registry = new InMemorySchemaRegistry();
            try (RegistryHttpServer registryServer = RegistryHttpServer.start(registry, "localhost", 0)) {
                Map<String, String> common = new HashMap<>();
                common.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
                common.put("SCHEMA_REGISTRY_URL", registryServer.url());
                common.put("STITCH_APPLICATION_ID", APPLICATION_ID);
                common.put("STITCH_API_TOKEN", TOKEN);
                common.put("STITCH_API_HOST", "localhost");
                common.put("STITCH_PARTITIONS", Integer.toString(PARTITIONS));
                common.put("KAFKA_NUM_STANDBY_REPLICAS", "1");
                common.put("STITCH_ROCKSDB_MEMORY", "128mb");
                System.getenv().forEach((name, value) -> {
                    if (name.equals("PATH") || name.equals("HOME")) {
                        common.put(name, value);
                    }
                });
                QueryProbe probe = new QueryProbe(TOKEN);
                List<SoakInstance> instances = new ArrayList<>();
                try {
                    progress("starting three stream-app instances (soak-0 and soak-1 here, soak-2 in a child JVM)");
                    for (int i = 0; i < 2; i++) {
                        String name = "soak-" + i;
                        instances.add(new SoakInstance.InProcess(name, SoakInstance.environment(common, name,
                                workDir.resolve(name), RestartMeasure.freePort()), registry, broker.bootstrapServers()));
                        instances.get(i).awaitRunning();
                    }
                    instances.add(new SoakInstance.Child("soak-2", SoakInstance.environment(common, "soak-2",
                            workDir.resolve("soak-2"), RestartMeasure.freePort()), workDir.resolve("soak-2.log"), probe));
                    for (SoakInstance instance : instances) {
                        instance.awaitRunning();
                    }
                    BridgeConfig bridgeConfig = BridgeConfig.defaults(List.of(WRITE_KEY)).withListenAddress("localhost", 0);
                    try (KafkaEventPublisher publisher = KafkaEventPublisher.create(bridgeConfig, broker.bootstrapServers(), registry);
                         WebhookBridge bridge = WebhookBridge.start(bridgeConfig, publisher);
                         RetryingSender sender = new RetryingSender("http://localhost:" + bridge.port(), WRITE_KEY);
                         TimelineAudit audit = new TimelineAudit(broker.bootstrapServers(), TopicNames.defaults().timeline(),
                                 new AvroSerde<>(TimelineEvent.class, registry).deserializer(), sender.ackedAtNanos(), System.nanoTime());
                         AvailabilityProbe availability = new AvailabilityProbe(instances, probe)) {
                        long trafficStartedAt = System.nanoTime();
                        Thread traffic = startTraffic(sender, availability);
                        disrupt(instances, trafficStartedAt);
                        traffic.join();
                        progress("traffic over; waiting for retries to be acknowledged");
                        sender.drain(Duration.ofMinutes(2));
                        return report(settle(audit, sender), audit, sender, availability);
                    }
                } finally {
                    for (SoakInstance instance : instances) {
                        instance.close();
                    }
                }
            }
        }
    }

    /** Sends generated visitors' events through the bridge at the set rate for the set duration. */
    private Thread startTraffic(RetryingSender sender, AvailabilityProbe availability) {
        long endAt = System.currentTimeMillis() + options.duration().toMillis();
        VisitorTraffic traffic = new VisitorTraffic(11, "soak-", Math.max(100, options.rate() * 30), options.rate(),
                System.currentTimeMillis());
        Thread thread = new Thread(() -> {
            try {
                while (true) {
                    GeneratedEvent next = traffic.next();
                    if (next.arrivalMs() >= endAt) {
                        return;
                    }
                    long wait = next.arrivalMs() - System.currentTimeMillis();
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                    SegmentEvent event = next.event();
                    sent.put(event.getMessageId(), event);
                    sender.send(event);
                    if (event.getUserId() != null && availability.watched() < options.sample()) {
                        availability.watch(event.getUserId());
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "soak-traffic");
        thread.start();
        return thread;
    }

    /** The rolling restart at a third of the run, then the SIGKILL of the child. */
    private void disrupt(List<SoakInstance> instances, long trafficStartedAt) throws Exception {
        long third = options.duration().toNanos() / 3;
        sleepUntil(trafficStartedAt + third);
        progress("rolling restart: each instance stopped cleanly (staying in the group) and started again, one at a time");
        for (SoakInstance instance : instances) {
            long at = System.nanoTime();
            long restored = instance.restart();
            note(String.format("clean restart of %s: RUNNING again after %.1f s, %,d records restored", instance.name(),
                    (instance.readyAtNanos() - at) / 1e9, restored));
            for (SoakInstance other : instances) {
                other.awaitRunning();
            }
        }
        // At two thirds, but never right after the rolling restart: the kill must find unflushed work.
        sleepUntil(Math.max(trafficStartedAt + 2 * third, System.nanoTime() + third / 2));
        SoakInstance.Child child = (SoakInstance.Child) instances.get(2);
        progress("SIGKILL of " + child.name() + " (the child JVM), started again at once");
        long at = System.nanoTime();
        long restored = child.killAndRestart();
        note(String.format("SIGKILL of %s: RUNNING again after %.1f s (JVM start included), %,d records restored",
                child.name(), (child.readyAtNanos() - at) / 1e9, restored));
    }

    /** The acknowledged events that must be on the timeline: those with a userId, and those of anonymous ids a userId claimed. */
    private Set<String> expectedOnTimeline(Map<String, Long> acked) {
        Set<String> linked = new HashSet<>();
        for (String messageId : acked.keySet()) {
            EventIds ids = EventIds.of(sent.get(messageId), JUNK);
            if (ids.userId() != null) {
                addIfPresent(linked, ids.anonymousId());
                addIfPresent(linked, ids.secondaryAnonymousId());
            }
        }
        Set<String> expected = new HashSet<>();
        for (String messageId : acked.keySet()) {
            EventIds ids = EventIds.of(sent.get(messageId), JUNK);
            if (ids.userId() != null || linked.contains(ids.anonymousId()) || linked.contains(ids.secondaryAnonymousId())) {
                expected.add(messageId);
            }
        }
        return expected;
    }

    private static void addIfPresent(Set<String> set, String value) {
        if (value != null) {
            set.add(value);
        }
    }

    /** Waits until the audit saw every expected event (or the timeout); returns the expected set. */
    private Set<String> settle(TimelineAudit audit, RetryingSender sender) throws InterruptedException {
        Set<String> expected = expectedOnTimeline(sender.ackedAtNanos());
        progress(String.format("waiting for the %,d acknowledged events that belong on a timeline", expected.size()));
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline && expected.stream().anyMatch(id -> !audit.saw(id))) {
            Thread.sleep(500);
        }
        // A little longer, so that a duplicate arriving after the last expected record is counted too.
        Thread.sleep(3_000);
        return expected;
    }

    private boolean report(Set<String> expected, TimelineAudit audit, RetryingSender sender, AvailabilityProbe availability) {
        long missing = expected.stream().filter(id -> !audit.saw(id)).count();
        System.out.println();
        System.out.printf("Soak: %s of traffic at %d events/s through the bridge; 3 stream-app instances, %d partitions, "
                        + "one standby replica, exactly-once; Kafka broker in this JVM%n",
                minutes(options.duration()), options.rate(), PARTITIONS);
        System.out.printf("  events sent %,d, acknowledged %,d (retries %,d, refused %,d)%n", sent.size(),
                sender.ackedAtNanos().size(), sender.retried(), sender.refused());
        System.out.printf("  stitch.timeline (read_committed): %,d records; expected %,d; missing %,d; duplicated %,d; "
                + "per-user sequence gaps %,d%n", audit.records(), expected.size(), missing, audit.duplicates(), audit.sequenceGaps());
        System.out.println("  acknowledgement -> timeline, events with a userId (includes the 5 s reorder grace):");
        System.out.println("    minute   events   p50 ms   p99 ms    max ms");
        audit.latencyByMinute().forEach((minute, histogram) -> System.out.printf("    %6d %8d %8d %8d %9d%n", minute + 1,
                histogram.getTotalCount(), histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(99),
                histogram.getMaxValue()));
        System.out.printf("  query API: %d users polled every 0.5 s (%,d polls, %,d answered by a standby copy); "
                        + "longest a timeline was unavailable: %.1f s%s%n",
                availability.watched(), availability.polls(), availability.standbyAnswers(), availability.longestUnavailableMs() / 1e3,
                availability.longestUser() == null ? "" : " (" + availability.longestUser() + ")");
        System.out.println("  restarts:");
        restarts.forEach(line -> System.out.println("    " + line));
        boolean clean = missing == 0 && audit.duplicates() == 0 && audit.sequenceGaps() == 0;
        System.out.println(clean ? "  OK: nothing missing, nothing duplicated, no sequence gap"
                : "  FAILED: records missing, duplicated or out of sequence");
        return clean;
    }

    private void note(String line) {
        restarts.add(line);
        progress(line);
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait = (nanos - System.nanoTime()) / 1_000_000;
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    private static String minutes(Duration duration) {
        return duration.toSeconds() % 60 == 0 ? duration.toMinutes() + " min" : duration.toSeconds() + " s";
    }

    private static void progress(String message) {
        System.out.printf("[%6.1f s] %s%n", (System.nanoTime() - STARTED_AT) / 1e9, message);
    }
}
