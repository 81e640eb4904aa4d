package dev.stitch.bridge;

import dev.stitch.config.EnvironmentReader;
import dev.stitch.config.KafkaConnection;
import dev.stitch.events.JunkIds;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The bridge's whole configuration, read from environment variables (DESIGN §5, §6) and validated at start.
 *
 * @param bootstrapServers  Kafka to produce to ({@code KAFKA_BOOTSTRAP_SERVERS}); null when the process
 *                          embedding the bridge brings its own broker
 * @param schemaRegistryUrl the Schema Registry ({@code SCHEMA_REGISTRY_URL}), {@code mock://<scope>} for an
 *                          in-memory one; null when the embedding process brings its own
 * @param registryUserInfo  {@code user:password} for the registry ({@code SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO}), or null
 * @param writeKeys         the accepted write keys ({@code STITCH_WRITE_KEYS}, comma-separated; at least one)
 * @param host              the address to listen on ({@code STITCH_BRIDGE_HOST}, {@code 0.0.0.0})
 * @param port              the HTTP port ({@code STITCH_BRIDGE_PORT}, 8080; 0 picks a free one)
 * @param signingSecret     the shared secret of Segment's webhook destination ({@code STITCH_BRIDGE_SIGNING_SECRET});
 *                          when set, {@code POST /v1/webhook} requires a valid {@code X-Signature}; null to not check
 * @param publishTimeout    how long a request waits for Kafka to acknowledge its events before it is answered
 *                          503 ({@code STITCH_BRIDGE_PUBLISH_TIMEOUT}, 3s: shorter than Segment's 5 s webhook timeout)
 * @param retryAfter        the {@code Retry-After} of a 503 ({@code STITCH_BRIDGE_RETRY_AFTER}, 5s; whole seconds)
 * @param rawTopic          the topic events go to ({@code STITCH_TOPIC_RAW}, {@code segment.raw})
 * @param junkIds           values that are not identities when choosing the record key ({@code STITCH_JUNK_IDS},
 *                          the same setting as the stream application's)
 * @param limits            sizes and counts a request may hold (Segment's)
 * @param clientOverrides   {@code KAFKA_}-prefixed variables, passed to the Kafka clients as their properties
 */
public record BridgeConfig(
        String bootstrapServers,
        String schemaRegistryUrl,
        String registryUserInfo,
        List<String> writeKeys,
        String host,
        int port,
        String signingSecret,
        Duration publishTimeout,
        Duration retryAfter,
        String rawTopic,
        JunkIds junkIds,
        BridgeLimits limits,
        Map<String, String> clientOverrides) {

    public static final int DEFAULT_PORT = 8080;
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(3);
    public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);
    public static final String DEFAULT_RAW_TOPIC = "segment.raw";

    public BridgeConfig {
        writeKeys = List.copyOf(writeKeys);
        if (writeKeys.isEmpty() || writeKeys.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("The bridge needs at least one write key, and no blank one.");
        }
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(publishTimeout, "publishTimeout");
        Objects.requireNonNull(retryAfter, "retryAfter");
        Objects.requireNonNull(rawTopic, "rawTopic");
        Objects.requireNonNull(junkIds, "junkIds");
        Objects.requireNonNull(limits, "limits");
        clientOverrides = Map.copyOf(clientOverrides);
    }

    /** The defaults with these write keys, no Kafka or registry of its own, listening on port 8080. */
    public static BridgeConfig defaults(List<String> writeKeys) {
        return new BridgeConfig(null, null, null, writeKeys, "0.0.0.0", DEFAULT_PORT, null, DEFAULT_PUBLISH_TIMEOUT,
                DEFAULT_RETRY_AFTER, DEFAULT_RAW_TOPIC, JunkIds.defaults(), BridgeLimits.SEGMENT, Map.of());
    }

    public BridgeConfig withListenAddress(String host, int port) {
        return new BridgeConfig(bootstrapServers, schemaRegistryUrl, registryUserInfo, writeKeys, host, port, signingSecret,
                publishTimeout, retryAfter, rawTopic, junkIds, limits, clientOverrides);
    }

    public BridgeConfig withSigningSecret(String secret) {
        return new BridgeConfig(bootstrapServers, schemaRegistryUrl, registryUserInfo, writeKeys, host, port, secret,
                publishTimeout, retryAfter, rawTopic, junkIds, limits, clientOverrides);
    }

    public BridgeConfig withPublishTimeout(Duration timeout) {
        return new BridgeConfig(bootstrapServers, schemaRegistryUrl, registryUserInfo, writeKeys, host, port, signingSecret,
                timeout, retryAfter, rawTopic, junkIds, limits, clientOverrides);
    }

    public BridgeConfig withRawTopic(String topic) {
        return new BridgeConfig(bootstrapServers, schemaRegistryUrl, registryUserInfo, writeKeys, host, port, signingSecret,
                publishTimeout, retryAfter, topic, junkIds, limits, clientOverrides);
    }

    /**
     * @throws IllegalArgumentException listing every variable that is wrong
     */
    public static BridgeConfig fromEnvironment(Map<String, String> env) {
        EnvironmentReader read = new EnvironmentReader(env);
        List<String> writeKeys = read.list("STITCH_WRITE_KEYS", List.of());
        if (writeKeys.isEmpty()) {
            read.problem("STITCH_WRITE_KEYS is required: the write keys clients may send, separated by commas");
        }
        KafkaConnection kafka = KafkaConnection.read(read);
        String host = read.text("STITCH_BRIDGE_HOST", "0.0.0.0");
        int port = read.integer("STITCH_BRIDGE_PORT", DEFAULT_PORT, 0, 65_535);
        String secret = read.text("STITCH_BRIDGE_SIGNING_SECRET");
        Duration publishTimeout = read.duration("STITCH_BRIDGE_PUBLISH_TIMEOUT", DEFAULT_PUBLISH_TIMEOUT,
                Duration.ofMillis(100), Duration.ofMinutes(1));
        Duration retryAfter = read.duration("STITCH_BRIDGE_RETRY_AFTER", DEFAULT_RETRY_AFTER,
                Duration.ofSeconds(1), Duration.ofHours(1));
        String topic = read.text("STITCH_TOPIC_RAW", DEFAULT_RAW_TOPIC);
        JunkIds junk = JunkIds.of(read.list("STITCH_JUNK_IDS", JunkIds.DEFAULT_VALUES));
        Map<String, String> overrides = read.kafkaClientOverrides();
        read.check("bridge configuration");
        return new BridgeConfig(kafka.bootstrapServers(), kafka.schemaRegistryUrl(), kafka.registryUserInfo(), writeKeys, host, port,
                secret, publishTimeout, retryAfter, topic, junk, BridgeLimits.SEGMENT, overrides);
    }

    /** Hides the write keys, the signing secret and the registry password. */
    @Override
    public String toString() {
        return "BridgeConfig[bootstrapServers=" + bootstrapServers + ", schemaRegistryUrl=" + schemaRegistryUrl
                + ", writeKeys=" + writeKeys.size() + " key(s), host=" + host + ", port=" + port
                + ", signed=" + (signingSecret != null) + ", publishTimeout=" + publishTimeout + ", retryAfter=" + retryAfter
                + ", rawTopic=" + rawTopic + ", limits=" + limits + ", clientOverrides=" + clientOverrides.keySet() + "]";
    }
}
