package dev.stitch.stream.config;

import dev.stitch.config.EnvironmentReader;
import dev.stitch.config.KafkaConnection;
import dev.stitch.config.Topic;
import dev.stitch.events.IdLimits;
import dev.stitch.events.JunkIds;
import dev.stitch.stream.rocksdb.BoundedRocksDbMemory;

import org.apache.kafka.clients.CommonClientConfigs;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The stream application's whole configuration, read from environment variables (docs/architecture.md#configuration) and
 * validated at start.
 *
 * @param bootstrapServers    Kafka to use; null means the embedded default starts its own broker
 * @param schemaRegistryUrl   the Schema Registry; null in the embedded default (it runs its own)
 * @param registryUserInfo    basic-auth "user:password" for the registry, or null
 * @param dataDir             where local state lives: RocksDB stores, and in the embedded default the broker and registry
 * @param applicationId       Kafka Streams application id: names the consumer group and internal topics
 * @param kafkaPort           the embedded broker's port
 * @param registryPort        the embedded registry's port
 * @param partitions          partitions of the topics the application creates when they are missing
 * @param createTopics        whether to create missing topics at start
 * @param streamThreads       Kafka Streams threads in this instance
 * @param rocksDbMemoryBytes  memory of all RocksDB stores together
 * @param settings            the stitching rules' settings
 * @param api                 where the query API listens and how it is reached and guarded
 * @param recovery            how the instance rejoins the group and keeps its state across a stop
 * @param clientOverrides     KAFKA_-prefixed variables, passed to the Kafka clients as their properties
 */
public record AppConfig(
        String bootstrapServers,
        String schemaRegistryUrl,
        String registryUserInfo,
        Path dataDir,
        String applicationId,
        int kafkaPort,
        int registryPort,
        int partitions,
        boolean createTopics,
        int streamThreads,
        long rocksDbMemoryBytes,
        StitchSettings settings,
        ApiConfig api,
        RecoveryConfig recovery,
        Map<String, String> clientOverrides) {

    public boolean embedded() {
        return bootstrapServers == null;
    }

    /** Where the embedded default's Kafka answers: what replay and timeline use when KAFKA_BOOTSTRAP_SERVERS is unset. */
    public String bootstrapOrEmbedded() {
        return embedded() ? "localhost:" + kafkaPort : bootstrapServers;
    }

    /** Where the embedded default's registry answers, unless SCHEMA_REGISTRY_URL says otherwise. */
    public String registryOrEmbedded() {
        return schemaRegistryUrl != null ? schemaRegistryUrl : "http://localhost:" + registryPort;
    }

    /** Kafka client settings for the launcher's own clients: the KAFKA_ overrides and where Kafka is. */
    public Properties clientProperties() {
        Properties props = new Properties();
        props.putAll(clientOverrides);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapOrEmbedded());
        return props;
    }

    public Path stateDir() {
        return dataDir.resolve("streams");
    }

    /**
     * What the application takes in and writes: the written bound follows the producer's
     * {@code max.request.size} (a KAFKA_ override) unless set lower.
     */
    private static RecordLimits readLimits(EnvironmentReader read) {
        Map<String, String> overrides = read.kafkaClientOverrides();
        int maxRequestSize;
        try {
            maxRequestSize = RecordLimits.maxRequestSize(overrides);
        } catch (NumberFormatException e) {
            read.problem("KAFKA_MAX_REQUEST_SIZE must be a number of bytes");
            maxRequestSize = RecordLimits.DEFAULT_MAX_REQUEST_SIZE;
        }
        int writable = RecordLimits.maxRecordBytesUnder(maxRequestSize);
        long maxRecordBytes = read.bytes("STITCH_MAX_RECORD_BYTES", writable);
        long maxEventBytes = read.bytes("STITCH_MAX_EVENT_BYTES", RecordLimits.DEFAULT_MAX_EVENT_BYTES);
        int maxIdLength = read.integer(IdLimits.SETTING, IdLimits.DEFAULT_MAX_LENGTH, 1, 65_536);
        if (maxRecordBytes < 1024 || maxRecordBytes > writable) {
            read.problem("STITCH_MAX_RECORD_BYTES must be between 1kb and " + writable + " bytes (the producer's max.request.size, "
                    + maxRequestSize + ", less " + RecordLimits.KEY_AND_OVERHEAD_BYTES + " for the key and Kafka's overhead)");
            maxRecordBytes = writable;
        }
        if (maxEventBytes < 1 || maxEventBytes > maxRecordBytes / 2) {
            read.problem("STITCH_MAX_EVENT_BYTES must be between 1 byte and half of STITCH_MAX_RECORD_BYTES (" + maxRecordBytes / 2
                    + " bytes): an event is stored with more around it");
            maxEventBytes = Math.min(RecordLimits.DEFAULT_MAX_EVENT_BYTES, maxRecordBytes / 2);
        }
        return new RecordLimits((int) maxEventBytes, (int) maxRecordBytes, new IdLimits(maxIdLength));
    }

    /**
     * @throws IllegalArgumentException listing every variable that is wrong
     */
    public static AppConfig fromEnvironment(Map<String, String> env) {
        EnvironmentReader read = new EnvironmentReader(env);
        StitchSettings defaults = StitchSettings.defaults();
        TopicNames topics = new TopicNames(Topic.RAW.readFrom(read), Topic.TIMELINE.readFrom(read), Topic.ANONYMOUS.readFrom(read),
                Topic.IDENTITY_CHANGES.readFrom(read), Topic.DEAD_LETTERS.readFrom(read), Topic.USER_MOVES.readFrom(read));
        StitchSettings settings = new StitchSettings(
                topics,
                JunkIds.of(read.list("STITCH_JUNK_IDS", JunkIds.DEFAULT_VALUES)),
                read.choice("STITCH_CONFLICT_POLICY", ConflictPolicy.class, defaults.conflictPolicy()),
                read.duration("STITCH_REORDER_GRACE", defaults.reorderGrace()),
                read.duration("STITCH_FLUSH_INTERVAL", defaults.flushInterval()),
                read.duration("STITCH_DEDUP_WINDOW", defaults.dedupWindow()),
                read.duration("STITCH_HISTORY_RETENTION", defaults.historyRetention()),
                read.integer("STITCH_HISTORY_MAX_EVENTS", defaults.historyMaxEventsPerId(), 1, 1_000_000),
                read.duration("STITCH_HISTORY_SCAN_INTERVAL", defaults.historyExpiryScanInterval()),
                read.integer("STITCH_MAX_ANONYMOUS_IDS", defaults.maxAnonymousIdsPerUser(), 1, 10_000_000),
                read.flag("STITCH_ERASURE_SUPPRESS", defaults.suppressErasedUsers()),
                readProfileBounds(read),
                readLimits(read));
        if (settings.flushInterval().isZero() || settings.flushInterval().isNegative()) {
            read.problem("STITCH_FLUSH_INTERVAL must be longer than zero");
        }
        if (settings.dedupWindow().isNegative() || settings.dedupWindow().isZero()) {
            read.problem("STITCH_DEDUP_WINDOW must be longer than zero");
        }
        KafkaConnection kafka = KafkaConnection.read(read);
        ApiConfig api = ApiConfig.read(read);
        AppConfig config = new AppConfig(
                kafka.bootstrapServers(),
                kafka.schemaRegistryUrl(),
                kafka.registryUserInfo(),
                Path.of(read.text("STITCH_DATA_DIR", "data")).toAbsolutePath(),
                read.text("STITCH_APPLICATION_ID", "stitch"),
                read.integer("STITCH_KAFKA_PORT", 9092, 0, 65535),
                read.integer("STITCH_REGISTRY_PORT", 8085, 0, 65535),
                read.integer("STITCH_PARTITIONS", 2, 1, 10_000),
                read.flag("STITCH_CREATE_TOPICS", true),
                read.integer("STITCH_STREAM_THREADS", 1, 1, 64),
                read.bytes("STITCH_ROCKSDB_MEMORY", BoundedRocksDbMemory.DEFAULT_TOTAL_BYTES),
                settings,
                api,
                RecoveryConfig.read(read, kafka.bootstrapServers() == null),
                read.kafkaClientOverrides());
        read.check("configuration");
        return config;
    }

    private static ProfileBounds readProfileBounds(EnvironmentReader read) {
        long traitBytes = read.bytes("STITCH_PROFILE_MAX_TRAIT_BYTES", ProfileBounds.DEFAULT_MAX_TRAIT_BYTES);
        if (traitBytes < 1 || traitBytes > ProfileBounds.MAX_TRAIT_BYTES_LIMIT) {
            read.problem("STITCH_PROFILE_MAX_TRAIT_BYTES must be from 1 byte to " + (ProfileBounds.MAX_TRAIT_BYTES_LIMIT >> 10)
                    + "kb, not " + traitBytes + " bytes");
            traitBytes = ProfileBounds.DEFAULT_MAX_TRAIT_BYTES;
        }
        return new ProfileBounds(
                read.integer("STITCH_PROFILE_MAX_TRAITS", ProfileBounds.DEFAULT_MAX_TRAITS, 1, ProfileBounds.MAX_TRAITS_LIMIT),
                (int) traitBytes,
                read.integer("STITCH_PROFILE_LISTED_ANONYMOUS_IDS", ProfileBounds.DEFAULT_LISTED_IDS, 0, ProfileBounds.LISTED_IDS_LIMIT),
                read.integer("STITCH_PROFILE_LISTED_MERGED_IDS", ProfileBounds.DEFAULT_LISTED_IDS, 0, ProfileBounds.LISTED_IDS_LIMIT));
    }
}
