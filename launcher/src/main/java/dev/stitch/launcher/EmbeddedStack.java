package dev.stitch.launcher;

import dev.stitch.bridge.BridgeConfig;
import dev.stitch.bridge.KafkaEventPublisher;
import dev.stitch.bridge.WebhookBridge;
import dev.stitch.embedded.EmbeddedKafkaBroker;
import dev.stitch.serde.InMemorySchemaRegistry;
import dev.stitch.serde.RegistryHttpServer;
import dev.stitch.stream.app.StitchApplication;
import dev.stitch.stream.config.AppConfig;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The embedded default: a real Kafka broker in this process, the in-memory Schema Registry (kept in
 * a journal file, served over HTTP for other processes such as {@code replay}), the stitching
 * application with its query API, and the Segment bridge, all under one data directory that survives a restart.
 */
public final class EmbeddedStack implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedStack.class);

    private final EmbeddedKafkaBroker broker;
    private final RegistryHttpServer registryServer;
    private final StitchApplication application;
    private final KafkaEventPublisher publisher;
    private final WebhookBridge bridge;

    private EmbeddedStack(EmbeddedKafkaBroker broker, RegistryHttpServer registryServer, StitchApplication application,
                          KafkaEventPublisher publisher, WebhookBridge bridge) {
        this.broker = broker;
        this.registryServer = registryServer;
        this.application = application;
        this.publisher = publisher;
        this.bridge = bridge;
    }

    /** Starts every part; what started is stopped again when a later part fails to start. */
    public static EmbeddedStack start(AppConfig config, BridgeConfig bridgeConfig) {
        Path dataDir = config.dataDir();
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            EmbeddedKafkaBroker broker = push(started,
                    EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), config.kafkaPort(), config.partitions()));
            var registry = new InMemorySchemaRegistry(dataDir.resolve("registry").resolve("schemas.jsonl"));
            RegistryHttpServer registryServer = push(started, RegistryHttpServer.start(registry, "localhost", config.registryPort()));
            StitchApplication application = push(started, StitchApplication.start(config, registry, broker.bootstrapServers()));
            KafkaEventPublisher publisher = push(started, KafkaEventPublisher.create(bridgeConfig, broker.bootstrapServers(), registry));
            WebhookBridge bridge = push(started, WebhookBridge.start(bridgeConfig, publisher));
            return new EmbeddedStack(broker, registryServer, application, publisher, bridge);
        } catch (RuntimeException e) {
            closeAll(started);
            throw e;
        }
    }

    public String bridgeUrl() {
        return "http://localhost:" + bridge.port();
    }

    public String apiUrl() {
        return "http://localhost:" + application.apiPort();
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public String registryUrl() {
        return registryServer.url();
    }

    public StitchApplication application() {
        return application;
    }

    /** Stops the parts in the reverse order of their start: intake first, Kafka last. */
    @Override
    public void close() {
        Deque<AutoCloseable> parts = new ArrayDeque<>();
        for (AutoCloseable part : new AutoCloseable[]{broker, registryServer, application, publisher, bridge}) {
            parts.push(part);
        }
        closeAll(parts);
    }

    private static <T extends AutoCloseable> T push(Deque<AutoCloseable> started, T part) {
        started.push(part);
        return part;
    }

    private static void closeAll(Deque<AutoCloseable> parts) {
        while (!parts.isEmpty()) {
            try {
                parts.pop().close();
            } catch (Exception e) {
                log.warn("A part of the embedded stack did not stop cleanly: {}", e.getMessage());
            }
        }
    }
}
