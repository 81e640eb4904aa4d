package dev.stitch.stream.config;

import dev.stitch.stream.rocksdb.BoundedRocksDbMemory;
import org.apache.kafka.streams.StreamsConfig;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/** The Kafka Streams configuration of the stitching application, in one place. */
public final class StreamsProperties {

    private StreamsProperties() {
    }

    /**
     * @param clientOverrides extra Kafka client settings (security, SASL, TLS, tuning), applied last
     */
    public static Properties of(String applicationId, String bootstrapServers, Path stateDir,
                                long rocksDbMemoryBytes, Map<String, String> clientOverrides) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        // R14: no duplicate and no missing record for read_committed consumers, whatever crashes.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        // The topology has no global stores; this only opts in now to what Kafka 5.0 will make the default.
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbMemory.class);
        props.put(BoundedRocksDbMemory.TOTAL_BYTES_CONFIG, Long.toString(rocksDbMemoryBytes));
        props.putAll(clientOverrides);
        return props;
    }
}
