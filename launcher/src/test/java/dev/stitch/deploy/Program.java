package dev.stitch.deploy;

import dev.stitch.bridge.BridgeConfig;
import dev.stitch.config.EnvironmentReader;
import dev.stitch.stream.config.AppConfig;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The two programs an image runs, each with its real configuration reader: what a container's
 * environment means to it is decided by the application's own code, not by copies of its defaults.
 */
enum Program {

    /** {@code webhook-bridge.jar}, or {@code stitch.jar bridge}. */
    BRIDGE,
    /** {@code stitch.jar stream} (the default command) against an external Kafka. */
    STREAM;

    /** The program a container's command line (entrypoint and arguments) starts. */
    static Program startedBy(List<String> commandLine) {
        int jar = commandLine.indexOf("-jar") + 1;
        if (jar == 0 || jar >= commandLine.size()) {
            throw new AssertionError("expected `java ... -jar <jar> [command]`, found " + commandLine);
        }
        String jarFile = commandLine.get(jar).substring(commandLine.get(jar).lastIndexOf('/') + 1);
        String command = jar + 1 < commandLine.size() ? commandLine.get(jar + 1) : "stream";
        if (jarFile.equals("webhook-bridge.jar") || jarFile.equals("stitch.jar") && command.equals("bridge")) {
            return BRIDGE;
        }
        if (jarFile.equals("stitch.jar") && command.equals("stream")) {
            return STREAM;
        }
        throw new AssertionError("not a long-running stitch program: " + commandLine);
    }

    /** The stream application's configuration; throws, naming every wrong variable, as the program would at start. */
    static AppConfig streamConfig(Map<String, String> env) {
        return AppConfig.fromEnvironment(env);
    }

    static BridgeConfig bridgeConfig(Map<String, String> env) {
        return BridgeConfig.fromEnvironment(env);
    }

    /** Reads the configuration from this environment and returns the names the program asked for. */
    Set<String> variablesRead(Map<String, String> env) {
        RecordingEnvironment recording = new RecordingEnvironment(env);
        try {
            switch (this) {
                case BRIDGE -> bridgeConfig(recording);
                case STREAM -> streamConfig(recording);
            }
        } catch (IllegalArgumentException invalid) {
            // Every name is read before the values are judged; whether they are valid is asserted on its own.
        }
        return recording.namesAskedFor();
    }

    /** The HTTP port the program listens on: the bridge's, or the query API's. */
    int httpPort(Map<String, String> env) {
        return switch (this) {
            case BRIDGE -> bridgeConfig(env).port();
            case STREAM -> streamConfig(env).api().port();
        };
    }

    /** Memory the program uses outside the JVM's heap by its own settings: RocksDB's, for the stream application. */
    long offHeapBytes(Map<String, String> env) {
        return switch (this) {
            case BRIDGE -> 0;
            case STREAM -> streamConfig(env).rocksDbMemoryBytes();
        };
    }

    /**
     * The Kafka client properties this {@code KAFKA_} variable becomes, by the application's own
     * pass-through rule, that none of the program's Kafka clients know.
     */
    Set<String> unknownKafkaProperties(String variable) {
        Set<String> unknown = new HashSet<>(new EnvironmentReader(Map.of(variable, "x")).kafkaClientOverrides().keySet());
        unknown.removeAll(knownKafkaProperties());
        return unknown;
    }

    private Set<String> knownKafkaProperties() {
        Set<String> known = new HashSet<>(ProducerConfig.configNames());
        known.addAll(AdminClientConfig.configNames());
        if (this == STREAM) {
            known.addAll(StreamsConfig.configDef().names());
            known.addAll(ConsumerConfig.configNames());
        }
        return known;
    }
}
