package dev.stitch.benchmark;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.serde.AvroSerde;
import dev.stitch.serde.SchemaRegistries;
import dev.stitch.serde.SchemaRegistry;
import dev.stitch.stream.config.TopicNames;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListStreamsGroupOffsetsSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long the embedded default ({@code ./stitch}) takes to answer queries again after SIGKILL: it runs
 * as {@code ./stitch} starts it, class-data archive and all, in a child JVM (its broker with it), takes
 * a load of generated Segment events, is killed, and is started again on the same data directory; the
 * program then asks the query API for a user's timeline
 * every 100 ms until it answers 200, and reads from the child's log which stores were restored from
 * their changelogs and how fast. Settings in this program's environment (STITCH_INSTANCE_NAME,
 * STITCH_TRANSACTIONAL_STATE, STITCH_GROUP_PROTOCOL, KAFKA_...) reach the child, so one command
 * measures one configuration; so does JAVA_TOOL_OPTIONS, for a flight recording or another log
 * configuration of the child:
 *
 * <pre>
 * java -cp benchmark/target/benchmark.jar dev.stitch.benchmark.RestartMeasure [--events=40000]
 * STITCH_INSTANCE_NAME=none STITCH_TRANSACTIONAL_STATE=false java -cp ... RestartMeasure   # as before static membership and transactional stores
 * STITCH_JAVA_OPTS=-Xshare:off java -cp ... RestartMeasure   # without ./stitch's class-data archive
 * </pre>
 */
public final class RestartMeasure {

    private static final long STARTED_AT = System.nanoTime();
    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final String TOKEN = "tok_restart_measure";
    private static final Pattern LOG_TIME = Pattern.compile("^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) ", Pattern.MULTILINE);

    public static void main(String[] args) throws Exception {
        int events = 40_000;
        for (String arg : args) {
            if (arg.startsWith("--events=")) {
                events = Integer.parseInt(arg.substring("--events=".length()).replace("_", ""));
            } else {
                System.err.println("Unknown argument \"" + arg + "\"; the only option is --events=N (40000).");
                System.exit(2);
            }
        }
        int eventCount = events;
        ProgramRun.inWorkDir("stitch-restart-", "measurement", workDir -> {
            new RestartMeasure().run(workDir, eventCount);
            return true;
        });
    }

    private void run(Path workDir, int events) throws Exception {
        Map<String, String> env = childEnvironment(workDir);
        String bootstrap = "localhost:" + env.get("STITCH_KAFKA_PORT");
        String apiUrl = "http://localhost:" + env.get("STITCH_API_PORT");
        QueryProbe probe = new QueryProbe(TOKEN);
        // Outside the work directory, which is deleted at the end: the log stays for a look.
        Path log = Files.createTempFile("stitch-restart-", ".log");
        progress("starting ./stitch's stream command in a child JVM; its log: " + log);
        ChildStitch first = ChildStitch.start(env, log);
        ChildStitch second = null;
        try {
            awaitStatus(probe, apiUrl, "nobody", 404, first);
            SchemaRegistry registry = SchemaRegistries.connect("http://localhost:" + env.get("STITCH_REGISTRY_PORT"), null);
            String topic = TopicNames.defaults().raw();
            long changelogBytes;
            String user;
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                int rate = 200;
                VisitorTraffic traffic = new VisitorTraffic(7, "restart-", Math.max(1, events / 8), rate,
                        System.currentTimeMillis() - (long) events * 1000 / rate);
                List<String> users = new ArrayList<>();
                progress("producing " + BenchmarkReport.n(events) + " generated events to " + topic);
                InputLoader.Loaded loaded = InputLoader.load(bootstrap, admin, topic,
                        new AvroSerde<>(SegmentEvent.class, registry).serializer(), () -> {
                            GeneratedEvent next = traffic.next();
                            if (next.event().getUserId() != null && users.size() < 1) {
                                users.add(next.event().getUserId());
                            }
                            return next;
                        }, events);
                user = users.get(0);
                awaitConsumed(admin, env.get("STITCH_APPLICATION_ID"), loaded.endOffsets(), first);
                awaitStatus(probe, apiUrl, user, 200, first);
                changelogBytes = changelogBytes(admin, env.get("STITCH_APPLICATION_ID"));
            }
            progress(String.format("consumed; the changelogs hold %.1f MB; SIGKILL", changelogBytes / 1e6));
            first.kill();
            long killedAt = System.nanoTime();
            long logFrom = Files.size(log);
            second = ChildStitch.start(env, log);
            long firstAnswerAt = awaitStatus(probe, apiUrl, user, -1, second);
            long runningAt = awaitRunning(probe, apiUrl, second);
            long answeredAt = awaitStatus(probe, apiUrl, user, 200, second);
            ChildStitch.Restores restores = second.restoresSince(logFrom);
            Duration restoreTime = restoreTime(Files.readString(log, StandardCharsets.UTF_8).substring((int) logFrom));
            System.out.println();
            System.out.println("Restart after SIGKILL, embedded default, " + BenchmarkReport.n(events) + " events");
            System.out.println("  settings:                    " + settingsOf(env));
            System.out.printf("  kill -> query API listening: %.1f s (JVM, broker and application start)%n", seconds(firstAnswerAt - killedAt));
            System.out.printf("  kill -> RUNNING:              %.1f s (Kafka Streams' state, as /health/ready names it)%n", seconds(runningAt - killedAt));
            System.out.printf("  kill -> timeline answers 200: %.1f s%n", seconds(answeredAt - killedAt));
            System.out.printf("  restored:                    %d stores, %s records in %.1f s%n", restores.stores(),
                    BenchmarkReport.n(restores.records()), restoreTime.toMillis() / 1e3);
            if (restores.records() > 0 && restoreTime.toMillis() > 0) {
                double perSecond = restores.records() / (restoreTime.toMillis() / 1e3);
                System.out.printf("  restore rate:                %,.0f records/s; changelogs %.1f MB before the kill, "
                                + "so about %.1f MB/s if the whole of them was read%n", perSecond, changelogBytes / 1e6,
                        changelogBytes / 1e6 / (restoreTime.toMillis() / 1e3));
            }
        } finally {
            first.kill();
            if (second != null) {
                second.stop();
            }
        }
    }

    /** Waits for the given status (-1: any answer at all) and returns when it came. */
    private static long awaitStatus(QueryProbe probe, String apiUrl, String user, int wanted, ChildStitch child)
            throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        int last = QueryProbe.NO_ANSWER;
        while (System.nanoTime() < deadline) {
            if (!child.alive()) {
                throw new IllegalStateException("The child JVM stopped; see its log " + child.log());
            }
            last = probe.timelineStatus(apiUrl, user);
            if (wanted == -1 ? last != QueryProbe.NO_ANSWER : last == wanted) {
                return System.nanoTime();
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("The query API did not answer " + wanted + " within " + TIMEOUT.toSeconds()
                + " s (last " + last + "); see " + child.log());
    }

    /** Waits until the application says it is RUNNING and returns when it did. */
    private static long awaitRunning(QueryProbe probe, String apiUrl, ChildStitch child) throws InterruptedException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!child.alive()) {
                throw new IllegalStateException("The child JVM stopped; see its log " + child.log());
            }
            if ("RUNNING".equals(probe.streamsState(apiUrl))) {
                return System.nanoTime();
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("The application was not RUNNING within " + TIMEOUT.toSeconds() + " s; see " + child.log());
    }

    private static void awaitConsumed(Admin admin, String group, Map<TopicPartition, Long> ends, ChildStitch child)
            throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!child.alive()) {
                throw new IllegalStateException("The child JVM stopped; see its log " + child.log());
            }
            Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(admin, group);
            boolean done = ends.entrySet().stream().allMatch(end -> committed.get(end.getKey()) != null
                    && committed.get(end.getKey()).offset() >= end.getValue());
            if (done) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("The application did not consume its input within " + TIMEOUT.toSeconds() + " s");
    }

    /** A group of the Streams protocol has its offsets read through its own request. */
    private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(Admin admin, String group) throws Exception {
        if ("streams".equalsIgnoreCase(System.getenv("STITCH_GROUP_PROTOCOL"))) {
            return admin.listStreamsGroupOffsets(Map.of(group, new ListStreamsGroupOffsetsSpec()))
                    .partitionsToOffsetAndMetadata(group).get();
        }
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    }

    static long changelogBytes(Admin admin, String applicationId) throws Exception {
        Map<TopicPartition, Long> sizes = new HashMap<>();
        List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(node -> node.id()).toList();
        admin.describeLogDirs(brokers).allDescriptions().get().values().forEach(dirs -> dirs.values().forEach(
                dir -> dir.replicaInfos().forEach((partition, replica) -> sizes.merge(partition, replica.size(), Long::sum))));
        return sizes.entrySet().stream()
                .filter(e -> e.getKey().topic().startsWith(applicationId + "-") && e.getKey().topic().endsWith("-changelog"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** From the first "Restoring store" line of the log to the last "Restored store" line. */
    private static Duration restoreTime(String logText) {
        LocalTime first = null;
        LocalTime last = null;
        for (String line : logText.split("\n")) {
            Matcher m = LOG_TIME.matcher(line);
            if (!m.find()) {
                continue;
            }
            if (line.contains("Restoring store") && first == null) {
                first = LocalTime.parse(m.group(1));
            }
            if (line.contains("Restored store")) {
                last = LocalTime.parse(m.group(1));
            }
        }
        return first == null || last == null || last.isBefore(first) ? Duration.ZERO : Duration.between(first, last);
    }

    /** The embedded default on free ports, with this program's STITCH_ and KAFKA_ settings. */
    private static Map<String, String> childEnvironment(Path workDir) throws IOException {
        Map<String, String> env = new HashMap<>();
        System.getenv().forEach((name, value) -> {
            if (name.startsWith("STITCH_") || (name.startsWith("KAFKA_") && !name.equals("KAFKA_BOOTSTRAP_SERVERS"))
                    || name.equals("PATH") || name.equals("HOME") || name.equals("JAVA_TOOL_OPTIONS")) {
                env.put(name, value);
            }
        });
        env.put("STITCH_DATA_DIR", workDir.resolve("data").toString());
        env.put("STITCH_APPLICATION_ID", "stitch");
        env.put("STITCH_KAFKA_PORT", Integer.toString(freePort()));
        env.put("STITCH_REGISTRY_PORT", Integer.toString(freePort()));
        env.put("STITCH_BRIDGE_PORT", Integer.toString(freePort()));
        env.put("STITCH_API_PORT", Integer.toString(freePort()));
        env.put("STITCH_WRITE_KEYS", "wk_restart_measure");
        env.put("STITCH_API_TOKEN", TOKEN);
        return env;
    }

    private static String settingsOf(Map<String, String> env) {
        List<String> shown = new ArrayList<>();
        for (String name : List.of("STITCH_INSTANCE_NAME", "STITCH_TRANSACTIONAL_STATE", "STITCH_GROUP_PROTOCOL",
                "STITCH_LEAVE_GROUP_ON_STOP", "KAFKA_SESSION_TIMEOUT_MS", "STITCH_JAVA_OPTS")) {
            shown.add(name + "=" + env.getOrDefault(name, "(default)"));
        }
        return String.join(" ", shown);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static void progress(String message) {
        System.out.printf("[%6.1f s] %s%n", (System.nanoTime() - STARTED_AT) / 1e9, message);
    }
}
