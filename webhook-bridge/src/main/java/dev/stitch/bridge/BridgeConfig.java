package dev.stitch.bridge;

import dev.stitch.config.EnvironmentReader;
import dev.stitch.config.KafkaConnection;
import dev.stitch.config.Topic;
import dev.stitch.events.IdLimits;
import dev.stitch.events.JunkIds;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The bridge's whole configuration, read from environment variables and validated at start.
 *
 * @param bootstrapServers  Kafka to produce to ({@code KAFKA_BOOTSTRAP_SERVERS}); null when the process
 *                          embedding the bridge brings its own broker
 * @param schemaRegistryUrl the Schema Registry ({@code SCHEMA_REGISTRY_URL}), {@code mock://<scope>} for an
 *                          in-memory one; null when the embedding process brings its own
 * @param registryUserInfo  {@code user:password} for the registry ({@code SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO}), or null
 * @param writeKeys         the accepted write keys with their kinds: the server (secret) keys of {@code STITCH_WRITE_KEYS}
 *                          and the browser (public) keys of {@code STITCH_BROWSER_KEYS}, comma-separated; at least one
 * @param browserOrigins    the origins browser keys are answered with CORS for ({@code STITCH_BROWSER_ORIGINS},
 *                          comma-separated; {@code *}, any page, as analytics.js is embedded in any site)
 * @param host              the address to listen on ({@code STITCH_BRIDGE_HOST}, {@code 0.0.0.0})
 * @param port              the HTTP port ({@code STITCH_BRIDGE_PORT}, 8080; 0 picks a free one)
 * @param signingSecret     the shared secret of Segment's webhook destination ({@code STITCH_BRIDGE_SIGNING_SECRET});
 *                          when set, {@code POST /v1/webhook} requires a valid {@code X-Signature}, and only then does
 *                          the bridge take erasures; null to check none and take none
 * @param publishTimeout    how long a request waits for Kafka to acknowledge its events before it is answered
 *                          503 ({@code STITCH_BRIDGE_PUBLISH_TIMEOUT}, 3s: shorter than Segment's 5 s webhook timeout)
 * @param retryAfter        the {@code Retry-After} of a 503 ({@code STITCH_BRIDGE_RETRY_AFTER}, 5s; whole seconds)
 * @param rawTopic          the topic events go to ({@code STITCH_TOPIC_RAW}, {@code segment.raw})
 * @param junkIds           values that are not identities ({@code STITCH_JUNK_IDS}, the same setting as the stream
 *                          application's): an event with no other id is refused
 * @param idLimits          how long an id may be ({@code STITCH_MAX_ID_LENGTH}, 256)
 * @param limits            sizes and counts a request may hold (Segment's)
 * @param timestamps        how far an event's times may be from the bridge's clock
 * @param traffic           what all requests together may hold: connections, bytes, queued events, timeouts
 * @param clientOverrides   {@code KAFKA_}-prefixed variables, passed to the Kafka clients as their properties
 */
public record BridgeConfig(
        String bootstrapServers,
        String schemaRegistryUrl,
        String registryUserInfo,
        List<WriteKey> writeKeys,
        List<String> browserOrigins,
        String host,
        int port,
        String signingSecret,
        Duration publishTimeout,
        Duration retryAfter,
        String rawTopic,
        JunkIds junkIds,
        IdLimits idLimits,
        BridgeLimits limits,
        TimestampWindow timestamps,
        TrafficLimits traffic,
        Map<String, String> clientOverrides) {

    public static final int DEFAULT_PORT = 8080;
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);
    public static final String DEFAULT_RAW_TOPIC = Topic.RAW.defaultName();
    public static final List<String> DEFAULT_BROWSER_ORIGINS = List.of(BrowserCors.ANY_ORIGIN);

    public BridgeConfig {
        writeKeys = List.copyOf(writeKeys);
        if (writeKeys.isEmpty()) {
            throw new IllegalArgumentException("The bridge needs at least one write key, a server or a browser one.");
        }
        Set<String> values = new HashSet<>();
        for (WriteKey key : writeKeys) {
            if (!values.add(key.value())) {
                throw new IllegalArgumentException("A write key is listed twice, or as both a server and a browser key; "
                        + "each key has one kind.");
            }
        }
        browserOrigins = List.copyOf(browserOrigins);
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(publishTimeout, "publishTimeout");
        Objects.requireNonNull(retryAfter, "retryAfter");
        Objects.requireNonNull(rawTopic, "rawTopic");
        Objects.requireNonNull(junkIds, "junkIds");
        Objects.requireNonNull(idLimits, "idLimits");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(timestamps, "timestamps");
        Objects.requireNonNull(traffic, "traffic");
        clientOverrides = Map.copyOf(clientOverrides);
    }

    /** The defaults with these server write keys, no Kafka or registry of its own, listening on port 8080. */
    public static BridgeConfig defaults(List<String> serverKeys) {
        return new BridgeConfig(null, null, null, serverKeys.stream().map(WriteKey::server).toList(), DEFAULT_BROWSER_ORIGINS,
                "0.0.0.0", DEFAULT_PORT, null, DEFAULT_PUBLISH_TIMEOUT, DEFAULT_RETRY_AFTER, DEFAULT_RAW_TOPIC, JunkIds.defaults(),
                IdLimits.defaults(), BridgeLimits.SEGMENT, TimestampWindow.DEFAULTS, TrafficLimits.DEFAULTS, Map.of());
    }

    /** The accepted keys of one kind, in the order configured. */
    public List<String> keys(KeyKind kind) {
        return writeKeys.stream().filter(key -> key.kind() == kind).map(WriteKey::value).toList();
    }

    public BridgeConfig withListenAddress(String host, int port) {
        return new BridgeConfig(bootstrapServers, schemaRegistryUrl, registryUserInfo, writeKeys, browserOrigins, host, port,
                signingSecret, publishTimeout, retryAfter, rawTopic, junkIds, idLimits, limits, timestamps, traffic, clientOverrides);
    }

    public BridgeConfig withSigningSecret(String secret) {
        return new BridgeConfig(bootstrapServers, schemaRegistryUrl, registryUserInfo, writeKeys, browserOrigins, host, port,
                secret, publishTimeout, retryAfter, rawTopic, junkIds, idLimits, limits, timestamps, traffic, clientOverrides);
    }

    public BridgeConfig withPublishTimeout(Duration timeout) {
        return new BridgeConfig(bootstrapServers, schemaRegistryUrl, registryUserInfo, writeKeys, browserOrigins, host, port,
                signingSecret, timeout, retryAfter, rawTopic, junkIds, idLimits, limits, timestamps, traffic, clientOverrides);
    }

    public BridgeConfig withRawTopic(String topic) {
        return new BridgeConfig(bootstrapServers, schemaRegistryUrl, registryUserInfo, writeKeys, browserOrigins, host, port,
                signingSecret, publishTimeout, retryAfter, topic, junkIds, idLimits, limits, timestamps, traffic, clientOverrides);
    }

    /** These browser keys beside the server keys already configured, answered with CORS for {@code origins}. */
    public BridgeConfig withBrowserKeys(List<String> browserKeys, List<String> origins) {
        List<WriteKey> keys = new ArrayList<>(writeKeys.stream().filter(key -> key.kind() == KeyKind.SERVER).toList());
        browserKeys.forEach(key -> keys.add(WriteKey.browser(key)));
        return new BridgeConfig(bootstrapServers, schemaRegistryUrl, registryUserInfo, keys, origins, host, port,
                signingSecret, publishTimeout, retryAfter, rawTopic, junkIds, idLimits, limits, timestamps, traffic, clientOverrides);
    }

    public BridgeConfig withTimestamps(TimestampWindow window) {
        return new BridgeConfig(bootstrapServers, schemaRegistryUrl, registryUserInfo, writeKeys, browserOrigins, host, port,
                signingSecret, publishTimeout, retryAfter, rawTopic, junkIds, idLimits, limits, window, traffic, clientOverrides);
    }

    public BridgeConfig withTraffic(TrafficLimits bounds) {
        return new BridgeConfig(bootstrapServers, schemaRegistryUrl, registryUserInfo, writeKeys, browserOrigins, host, port,
                signingSecret, publishTimeout, retryAfter, rawTopic, junkIds, idLimits, limits, timestamps, bounds, clientOverrides);
    }

    public BridgeConfig withIdLimits(IdLimits ids) {
        return new BridgeConfig(bootstrapServers, schemaRegistryUrl, registryUserInfo, writeKeys, browserOrigins, host, port,
                signingSecret, publishTimeout, retryAfter, rawTopic, junkIds, ids, limits, timestamps, traffic, clientOverrides);
    }

    /**
     * @throws IllegalArgumentException listing every variable that is wrong
     */
    public static BridgeConfig fromEnvironment(Map<String, String> env) {
        EnvironmentReader read = new EnvironmentReader(env);
        List<WriteKey> writeKeys = new ArrayList<>();
        read.list("STITCH_WRITE_KEYS", List.of()).forEach(key -> writeKeys.add(WriteKey.server(key)));
        read.list("STITCH_BROWSER_KEYS", List.of()).forEach(key -> writeKeys.add(WriteKey.browser(key)));
        if (writeKeys.isEmpty()) {
            read.problem("STITCH_WRITE_KEYS (server keys, secret) or STITCH_BROWSER_KEYS (browser keys, public) is required: "
                    + "the write keys clients may send, separated by commas");
        } else if (writeKeys.stream().map(WriteKey::value).distinct().count() < writeKeys.size()) {
            read.problem("a key is listed twice in STITCH_WRITE_KEYS and STITCH_BROWSER_KEYS: each key is either a server or a browser key");
        }
        List<String> origins = read.list("STITCH_BROWSER_ORIGINS", DEFAULT_BROWSER_ORIGINS);
        if (origins.isEmpty()) {
            read.problem("STITCH_BROWSER_ORIGINS is empty: list the origins browser keys are answered with CORS for, or * for any");
        }
        KafkaConnection kafka = KafkaConnection.read(read);
        String host = read.text("STITCH_BRIDGE_HOST", "0.0.0.0");
        int port = read.integer("STITCH_BRIDGE_PORT", DEFAULT_PORT, 0, 65_535);
        String secret = read.text("STITCH_BRIDGE_SIGNING_SECRET");
        Duration publishTimeout = read.duration("STITCH_BRIDGE_PUBLISH_TIMEOUT", DEFAULT_PUBLISH_TIMEOUT,
                Duration.ofMillis(100), Duration.ofMinutes(1));
        Duration retryAfter = read.duration("STITCH_BRIDGE_RETRY_AFTER", DEFAULT_RETRY_AFTER,
                Duration.ofSeconds(1), Duration.ofHours(1));
        String topic = Topic.RAW.readFrom(read);
        JunkIds junk = JunkIds.of(read.list("STITCH_JUNK_IDS", JunkIds.DEFAULT_VALUES));
        IdLimits ids = new IdLimits(read.integer(IdLimits.SETTING, IdLimits.DEFAULT_MAX_LENGTH, 1, 8_192));
        TimestampWindow window = timestampWindow(read);
        TrafficLimits traffic = trafficLimits(read);
        Map<String, String> overrides = read.kafkaClientOverrides();
        read.check("bridge configuration");
        return new BridgeConfig(kafka.bootstrapServers(), kafka.schemaRegistryUrl(), kafka.registryUserInfo(), writeKeys, origins,
                host, port, secret, publishTimeout, retryAfter, topic, junk, ids, BridgeLimits.SEGMENT, window, traffic, overrides);
    }

    private static TimestampWindow timestampWindow(EnvironmentReader read) {
        TimestampWindow defaults = TimestampWindow.DEFAULTS;
        Duration maxAge = read.duration("STITCH_TIMESTAMP_MAX_AGE", defaults.maxAge(), Duration.ofMinutes(1), Duration.ofDays(36_500));
        Duration maxImportAge = read.duration("STITCH_TIMESTAMP_MAX_IMPORT_AGE", defaults.maxImportAge(), Duration.ofMinutes(1),
                Duration.ofDays(36_500));
        Duration maxFuture = read.duration("STITCH_TIMESTAMP_MAX_FUTURE", defaults.maxFuture(), Duration.ZERO, Duration.ofDays(1));
        if (maxImportAge.compareTo(maxAge) < 0) {
            read.problem("STITCH_TIMESTAMP_MAX_IMPORT_AGE must be at least STITCH_TIMESTAMP_MAX_AGE: the backfill path allows more past");
            return defaults;
        }
        return new TimestampWindow(maxAge, maxImportAge, maxFuture);
    }

    private static TrafficLimits trafficLimits(EnvironmentReader read) {
        TrafficLimits defaults = TrafficLimits.DEFAULTS;
        Duration idle = read.duration("STITCH_BRIDGE_IDLE_TIMEOUT", defaults.idleTimeout(), Duration.ofSeconds(1), Duration.ofHours(1));
        Duration request = read.duration("STITCH_BRIDGE_REQUEST_TIMEOUT", defaults.requestTimeout(), Duration.ofMillis(100),
                Duration.ofMinutes(10));
        int connections = read.integer("STITCH_BRIDGE_MAX_CONNECTIONS", defaults.maxConnections(), 1, 1_000_000);
        long bytes = read.bytes("STITCH_BRIDGE_MAX_BYTES_IN_FLIGHT", defaults.maxBytesInFlight());
        if (bytes < BridgeLimits.SEGMENT.maxBatchBytes()) {
            read.problem("STITCH_BRIDGE_MAX_BYTES_IN_FLIGHT must be at least 500kb, one batch");
            bytes = defaults.maxBytesInFlight();
        }
        int queued = read.integer("STITCH_BRIDGE_MAX_QUEUED_EVENTS", defaults.maxQueuedEvents(), BridgeLimits.SEGMENT.maxBatchEvents(),
                100_000_000);
        return new TrafficLimits(idle, request, connections, bytes, queued);
    }

    /** Hides the write keys, the signing secret and the registry password. */
    @Override
    public String toString() {
        return "BridgeConfig[bootstrapServers=" + bootstrapServers + ", schemaRegistryUrl=" + schemaRegistryUrl
                + ", serverKeys=" + keys(KeyKind.SERVER).size() + ", browserKeys=" + keys(KeyKind.BROWSER).size()
                + ", browserOrigins=" + browserOrigins + ", host=" + host + ", port=" + port
                + ", signed=" + (signingSecret != null) + ", publishTimeout=" + publishTimeout + ", retryAfter=" + retryAfter
                + ", rawTopic=" + rawTopic + ", idLimits=" + idLimits + ", limits=" + limits + ", timestamps=" + timestamps
                + ", traffic=" + traffic + ", clientOverrides=" + clientOverrides.keySet() + "]";
    }
}
