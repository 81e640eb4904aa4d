package dev.stitch.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka 4.4 broker and KRaft controller (combined mode) running inside this JVM.
 *
 * <p>Used by the embedded default mode of the product and by every integration test. It listens on
 * localhost only: the PLAINTEXT broker listener on the port asked for, the controller listener on
 * another free port. The log directory is formatted on first use and reused afterwards, so topics,
 * records and committed offsets survive a restart on the same directory. Transactions work
 * ({@code exactly_once_v2}): every internal topic has replication factor 1 and min ISR 1.
 *
 * <pre>{@code
 * try (var broker = EmbeddedKafkaBroker.start(Path.of("data/kafka"), 9092)) {
 *     broker.createTopics(2, "segment.raw");
 *     // clients connect to broker.bootstrapServers()
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** Partitions of a topic created without an explicit count ({@code num.partitions}). */
    public static final int DEFAULT_PARTITIONS = 2;

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final int NODE_ID = 1;
    private static final String HOST = "localhost";
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String META_PROPERTIES = "meta.properties";
    private static final String LOCK_FILE = ".lock";

    /** Log directories of the brokers running in this process (absolute, real paths). */
    private static final Set<Path> DIRECTORIES_IN_USE = ConcurrentHashMap.newKeySet();

    /**
     * Partitions of {@code __consumer_offsets}, {@code __transaction_state} and the share-group state
     * topic. Fixed rather than configurable: a group's or transactional id's coordinator partition
     * is computed from this count, so it must never change for a directory that already holds data.
     * Kafka's default of 50 only slows a single-node start down.
     */
    private static final int INTERNAL_TOPIC_PARTITIONS = 5;

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ADMIN_CALL_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaRaftServer server;
    private final Path logDir;
    private final int port;
    private final String clusterId;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, Path logDir, int port, String clusterId) {
        this.server = server;
        this.logDir = logDir;
        this.port = port;
        this.clusterId = clusterId;
    }

    /**
     * Starts a broker with {@value #DEFAULT_PARTITIONS} partitions per topic by default.
     *
     * @see #start(Path, int, int)
     */
    public static EmbeddedKafkaBroker start(Path logDir, int port) {
        return start(logDir, port, DEFAULT_PARTITIONS);
    }

    /**
     * Starts a broker on {@code logDir}, formatting it first if it holds no Kafka data yet, and
     * returns once the broker answers clients.
     *
     * @param logDir            where Kafka keeps its metadata log and topic data; created if missing.
     *                          An already formatted directory is reused with everything in it.
     * @param port              the PLAINTEXT port on localhost; 0 picks a free one (see {@link #port()})
     * @param defaultPartitions {@code num.partitions}: partitions of a topic created without a count
     * @throws IllegalArgumentException when the port is out of range or the directory cannot be used
     * @throws IllegalStateException    when the port is already taken or the broker fails to start
     */
    public static EmbeddedKafkaBroker start(Path logDir, int port, int defaultPartitions) {
        Objects.requireNonNull(logDir, "logDir");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("Port " + port + " is not a TCP port; use 1-65535, or 0 to pick a free one.");
        }
        if (defaultPartitions < 1) {
            throw new IllegalArgumentException("The default partition count must be at least 1, not " + defaultPartitions + ".");
        }
        long startedAt = System.nanoTime();
        Path dir = prepareLogDir(logDir.toAbsolutePath().normalize());
        claim(dir);
        try {
            requireNotLockedByAnotherProcess(dir);
            int brokerPort = port == 0 ? freePort() : requireFreePort(port);
            int controllerPort = freePortOtherThan(brokerPort);

            Map<String, String> properties = serverProperties(dir, brokerPort, controllerPort, defaultPartitions);
            boolean formatted = isFormatted(dir);
            String clusterId = formatted ? readClusterId(dir) : format(dir, properties);

            KafkaRaftServer server = startServer(new KafkaConfig(properties, false), dir, brokerPort);
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, dir, brokerPort, clusterId);
            try {
                broker.awaitReady();
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
            log.info("Kafka broker ready on {} ({} log directory {}, cluster {}) in {} ms.",
                    broker.bootstrapServers(), formatted ? "reused" : "new", dir, clusterId,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt));
            return broker;
        } catch (RuntimeException | Error e) {
            DIRECTORIES_IN_USE.remove(dir);
            throw e;
        }
    }

    /** The {@code bootstrap.servers} value for clients, {@code localhost:<port>}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The PLAINTEXT port the broker listens on; pass it to a later start to come back on the same address. */
    public int port() {
        return port;
    }

    /** The directory holding this broker's metadata log and topic data. */
    public Path logDir() {
        return logDir;
    }

    /** The cluster id the log directory was formatted with; it stays the same across restarts. */
    public String clusterId() {
        return clusterId;
    }

    /**
     * Creates the named topics with {@code partitions} partitions and replication factor 1, and waits
     * until every partition has a leader. Topics that already exist are left as they are, whatever
     * their partition count.
     */
    public void createTopics(int partitions, String... names) {
        if (partitions < 1) {
            throw new IllegalArgumentException("A topic needs at least 1 partition, not " + partitions + ".");
        }
        List<String> topics = Stream.of(names).distinct().toList();
        if (topics.isEmpty()) {
            return;
        }
        try (Admin admin = admin()) {
            List<NewTopic> newTopics = topics.stream().map(name -> new NewTopic(name, partitions, (short) 1)).toList();
            for (Map.Entry<String, KafkaFuture<Void>> created : admin.createTopics(newTopics).values().entrySet()) {
                try {
                    await(created.getValue(), "create topic " + created.getKey());
                } catch (IllegalStateException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitLeaders(admin, topics);
        }
    }

    /** Shuts the broker and controller down cleanly and waits until they have stopped. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long stoppingAt = System.nanoTime();
        stop(server);
        DIRECTORIES_IN_USE.remove(logDir);
        log.info("Kafka broker on {} stopped in {} ms.", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppingAt));
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + bootstrapServers() + ", " + logDir + "]";
    }

    // --- start-up -------------------------------------------------------------------------------

    private static Map<String, String> serverProperties(Path dir, int brokerPort, int controllerPort, int defaultPartitions) {
        Map<String, String> props = new HashMap<>();
        // One node that is both the KRaft controller and the broker, with a static one-voter quorum.
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
        props.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put("log.dirs", dir.toString());
        props.put("metadata.log.dir", dir.toString());

        // Topics: explicit creation only.
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", String.valueOf(defaultPartitions));
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");

        // Internal topics must fit on one node, or groups and transactions never become available.
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", String.valueOf(INTERNAL_TOPIC_PARTITIONS));
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", String.valueOf(INTERNAL_TOPIC_PARTITIONS));
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("share.coordinator.state.topic.num.partitions", String.valueOf(INTERNAL_TOPIC_PARTITIONS));

        // No point waiting for more group members to join on a single-node development broker.
        props.put("group.initial.rebalance.delay.ms", "0");
        // A development broker: compacted topics (identity changes, changelogs) are cleaned within seconds of becoming dirty.
        props.put("log.cleaner.backoff.ms", "1000");
        props.put("group.streams.initial.rebalance.delay.ms", "0");
        // After a crash, the controller refuses the restarted broker's registration until the killed
        // one's session expires (9 s by default), and every partition waits for it. Broker and
        // controller share this process, so their heartbeats need no slack for a network.
        props.put("broker.heartbeat.interval.ms", "500");
        props.put("broker.session.timeout.ms", "2500");
        return props;
    }

    /** Creates the directory if needed and refuses one Kafka could not use, with a sentence saying why. */
    private static Path prepareLogDir(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("The Kafka log directory " + dir
                    + " exists but is not a directory; point the broker at a directory.");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot create the Kafka log directory " + dir + " (" + e
                    + "); check that its parent exists and is writable, or choose another directory.", e);
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalArgumentException("The Kafka log directory " + dir
                    + " is not writable; fix its permissions or choose another directory.");
        }
        if (!isFormatted(dir) && !isEmpty(dir)) {
            throw new IllegalArgumentException("The directory " + dir + " holds files but no " + META_PROPERTIES
                    + ", so it is not a Kafka log directory; use an empty or missing directory, or one an earlier run formatted.");
        }
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot resolve the Kafka log directory " + dir + "; check its permissions.", e);
        }
    }

    /**
     * Marks the directory as used by a broker of this process, or refuses it if one already uses it.
     * Two brokers must never share a directory: Kafka itself only notices when the broker half
     * starts, after the controller half has already appended to the shared metadata log, which
     * corrupts it.
     */
    private static void claim(Path dir) {
        if (!DIRECTORIES_IN_USE.add(dir)) {
            throw inUse(dir);
        }
    }

    /**
     * Refuses a directory whose Kafka lock another process holds. Only called for directories no
     * broker of this process uses: closing a channel releases every lock the process holds on the
     * file, so probing a lock our own broker holds would silently drop it.
     */
    private static void requireNotLockedByAnotherProcess(Path dir) {
        Path lockFile = dir.resolve(LOCK_FILE);
        if (!Files.exists(lockFile)) {
            return;
        }
        boolean locked;
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock = channel.tryLock();
            locked = lock == null;
            if (lock != null) {
                lock.release();
            }
        } catch (OverlappingFileLockException e) {
            locked = true;
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot open " + lockFile + " (" + e
                    + "); check the permissions of the Kafka log directory or choose another one.", e);
        }
        if (locked) {
            throw inUse(dir);
        }
    }

    private static IllegalStateException inUse(Path dir) {
        return new IllegalStateException("The Kafka log directory " + dir + " is in use by another running broker"
                + " (in this process or another one); stop that broker first, or choose another directory.");
    }

    private static boolean isFormatted(Path dir) {
        return Files.isRegularFile(dir.resolve(META_PROPERTIES));
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new IllegalArgumentException("Cannot list the Kafka log directory " + dir + " (" + e
                    + "); check its permissions or choose another directory.", e);
        }
    }

    /**
     * Formats an empty directory for a new single-node cluster, as {@code kafka-storage.sh format}
     * does, and returns the new cluster id. (The Formatter class itself lives in kafka-metadata,
     * which kafka-server brings in at runtime scope only.)
     */
    private static String format(Path dir, Map<String, String> serverProperties) {
        String clusterId = Uuid.randomUuid().toString();
        Path configFile = null;
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try {
            configFile = Files.createTempFile("embedded-kafka-", ".properties");
            Properties properties = new Properties();
            properties.putAll(serverProperties);
            try (OutputStream out = Files.newOutputStream(configFile)) {
                properties.store(out, "written by EmbeddedKafkaBroker to format " + dir);
            }
            int exitCode;
            try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                exitCode = StorageTool.execute(
                        new String[] {"format", "--config", configFile.toString(), "--cluster-id", clusterId},
                        printStream);
            }
            if (exitCode != 0) {
                throw new IllegalArgumentException("Cannot format " + dir + " as a Kafka log directory (the storage tool said: "
                        + output.toString(StandardCharsets.UTF_8).strip() + "). Use an empty directory, or remove this one to start from scratch.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write a temporary Kafka configuration file to format " + dir
                    + "; check that java.io.tmpdir is writable.", e);
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            throw new IllegalArgumentException("Cannot format " + dir + " as a Kafka log directory: " + e.getMessage()
                    + ". Use an empty directory, or remove this one to start from scratch.", e);
        } finally {
            deleteQuietly(configFile);
        }
        log.info("Formatted {} as the log directory of new Kafka cluster {}.", dir, clusterId);
        return clusterId;
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            log.debug("Could not delete the temporary file {}.", file, e);
        }
    }

    private static String readClusterId(Path dir) {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(dir.resolve(META_PROPERTIES))) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + dir.resolve(META_PROPERTIES) + "; check its permissions.", e);
        }
        String clusterId = properties.getProperty("cluster.id");
        if (clusterId == null || clusterId.isBlank()) {
            throw new IllegalArgumentException(dir.resolve(META_PROPERTIES) + " names no cluster.id, so " + dir
                    + " is not a usable Kafka log directory; remove it to start from scratch.");
        }
        return clusterId;
    }

    private static KafkaRaftServer startServer(KafkaConfig config, Path dir, int brokerPort) {
        KafkaRaftServer server;
        try {
            // The constructor checks meta.properties against the configuration and locks the directory.
            server = new KafkaRaftServer(config, Time.SYSTEM);
        } catch (RuntimeException e) {
            throw new IllegalStateException("Kafka cannot use the log directory " + dir + ": " + e.getMessage()
                    + " Make sure no other broker uses it, or remove it to start from scratch.", e);
        }
        try {
            server.startup();
            return server;
        } catch (RuntimeException e) {
            stop(server);
            if (hasCause(e, BindException.class)) {
                throw new IllegalStateException("Kafka could not listen on " + HOST + ":" + brokerPort
                        + " or on its controller port, because the address is in use; free the port or choose another (0 picks a free one).", e);
            }
            throw new IllegalStateException("The Kafka broker on " + dir + " failed to start: " + e.getMessage(), e);
        }
    }

    /** Waits until the broker has registered and answers a describeCluster. */
    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    if (!admin.describeCluster().nodes().get(ADMIN_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for the Kafka broker on " + bootstrapServers() + " to start.", e);
                }
                pause(Duration.ofMillis(50));
            }
        }
        throw new IllegalStateException("The Kafka broker on " + bootstrapServers() + " did not answer within "
                + READY_TIMEOUT.toSeconds() + " s of starting; see the Kafka log lines above for the cause.", last);
    }

    private void awaitLeaders(Admin admin, List<String> topics) {
        long deadline = System.nanoTime() + ADMIN_CALL_TIMEOUT.toNanos();
        while (true) {
            try {
                Map<String, TopicDescription> descriptions =
                        admin.describeTopics(topics).allTopicNames().get(ADMIN_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                boolean allLed = descriptions.values().stream()
                        .flatMap(description -> description.partitions().stream())
                        .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
                if (allLed) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                // Metadata not propagated to the broker yet; ask again until the deadline.
                if (System.nanoTime() >= deadline) {
                    throw new IllegalStateException("The topics " + topics + " were created but not found on "
                            + bootstrapServers() + " within " + ADMIN_CALL_TIMEOUT.toSeconds() + " s.", e);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the topics " + topics + " to get leaders.", e);
            }
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException("The partitions of " + topics + " on " + bootstrapServers()
                        + " got no leader within " + ADMIN_CALL_TIMEOUT.toSeconds() + " s.");
            }
            pause(Duration.ofMillis(20));
        }
    }

    private Admin admin() {
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-broker-admin",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_CALL_TIMEOUT.toMillis());
        return Admin.create(config);
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(ADMIN_CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("Could not " + what + " on " + bootstrapServers() + ": "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Could not " + what + " on " + bootstrapServers() + " within "
                    + ADMIN_CALL_TIMEOUT.toSeconds() + " s.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while trying to " + what + ".", e);
        }
    }

    // --- ports and shutdown -----------------------------------------------------------------------

    private static int requireFreePort(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(HOST, port));
            return port;
        } catch (IOException e) {
            throw new IllegalStateException("Port " + port + " on " + HOST + " is already in use (" + e.getMessage()
                    + "); stop what holds it or choose another port (0 picks a free one).", e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(HOST, 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot find a free port on " + HOST + " (" + e.getMessage()
                    + "); check that the loopback interface is up.", e);
        }
    }

    private static int freePortOtherThan(int taken) {
        int port = freePort();
        while (port == taken) {
            port = freePort();
        }
        return port;
    }

    private static void stop(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("The Kafka broker did not shut down cleanly ({}); its log directory is recovered on the next start.", e.toString());
        }
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker.", e);
        }
    }
}
