package dev.stitch.stream.app;

import dev.stitch.serde.InMemorySchemaRegistry;
import dev.stitch.serde.RegistryHttpServer;
import dev.stitch.stream.config.AppConfig;
import dev.stitch.embedded.EmbeddedKafkaBroker;

import java.nio.file.Path;

/**
 * The embedded default: a real Kafka broker in this process, the in-memory Schema Registry (kept in
 * a journal file, served over HTTP for other processes such as {@code replay}), and the stitching
 * application, all under one data directory that survives a restart.
 */
public final class EmbeddedStack implements AutoCloseable {

    private final EmbeddedKafkaBroker broker;
    private final RegistryHttpServer registryServer;
    private final StitchApplication application;

    private EmbeddedStack(EmbeddedKafkaBroker broker, RegistryHttpServer registryServer, StitchApplication application) {
        this.broker = broker;
        this.registryServer = registryServer;
        this.application = application;
    }

    public static EmbeddedStack start(AppConfig config) {
        Path dataDir = config.dataDir();
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir.resolve("kafka"), config.kafkaPort(), config.partitions());
        RegistryHttpServer registryServer = null;
        try {
            var registry = new InMemorySchemaRegistry(dataDir.resolve("registry").resolve("schemas.jsonl"));
            registryServer = RegistryHttpServer.start(registry, "localhost", config.registryPort());
            StitchApplication application = StitchApplication.start(config, registry, broker.bootstrapServers());
            return new EmbeddedStack(broker, registryServer, application);
        } catch (RuntimeException e) {
            if (registryServer != null) {
                registryServer.close();
            }
            broker.close();
            throw e;
        }
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

    @Override
    public void close() {
        application.close();
        registryServer.close();
        broker.close();
    }
}
