package dev.stitch.stream.app;

import dev.stitch.embedded.EmbeddedKafkaBroker;
import dev.stitch.serde.InMemorySchemaRegistry;
import dev.stitch.serde.RegistryHttpServer;
import dev.stitch.stream.config.AppConfig;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real broker (four partitions a topic) and registry for each test, in a directory of its own, the
 * stitching instances the test starts on them, and whatever else it keeps; closed in reverse order
 * after the test. Registered as a JUnit extension.
 */
public final class LocalCluster implements BeforeEachCallback, AfterEachCallback {

    public static final int PARTITIONS = 4;

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final List<AutoCloseable> running = new ArrayList<>();
    private Path dir;
    private EmbeddedKafkaBroker broker;
    private RegistryHttpServer registryServer;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("stitch-it");
        broker = EmbeddedKafkaBroker.start(dir.resolve("kafka"), 0, PARTITIONS);
        registryServer = RegistryHttpServer.start(registry, "localhost", 0);
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public InMemorySchemaRegistry registry() {
        return registry;
    }

    /** An instance of {@code applicationId}, with a short reorder grace and its query API on a free port. */
    public StitchApplication startInstance(String name, String applicationId, String apiToken) {
        return keep(start(instanceConfig(name, applicationId, apiToken, Map.of())));
    }

    /**
     * The settings {@link #startInstance} starts an instance with, and {@code more} on top: for a test
     * that stops and starts the instance itself, on the same data directory.
     */
    public AppConfig instanceConfig(String name, String applicationId, String apiToken, Map<String, String> more) {
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "SCHEMA_REGISTRY_URL", registryServer.url(),
                "STITCH_DATA_DIR", dir.resolve(name).toString(),
                "STITCH_APPLICATION_ID", applicationId,
                "STITCH_PARTITIONS", Integer.toString(PARTITIONS),
                "STITCH_REORDER_GRACE", "300ms",
                "STITCH_FLUSH_INTERVAL", "100ms",
                "STITCH_API_PORT", "0",
                "STITCH_API_TOKEN", apiToken,
                "STITCH_API_ADVERTISED_HOST", "localhost"));
        env.putAll(more);
        return AppConfig.fromEnvironment(env);
    }

    /** An instance with these settings, on this broker and registry; its test closes it. */
    public StitchApplication start(AppConfig config) {
        return StitchApplication.start(config, registry, broker.bootstrapServers());
    }

    public <T extends AutoCloseable> T keep(T part) {
        running.add(part);
        return part;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
        running.clear();
        registryServer.close();
        broker.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
