package dev.stitch.bridge;

import dev.stitch.serde.SchemaRegistries;
import dev.stitch.serde.SchemaRegistry;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the bridge alone against an external Kafka and Schema Registry, configured by environment
 * variables ({@code java -jar webhook-bridge.jar}, {@code --help} lists them). Stops on SIGTERM or
 * Ctrl+C, letting requests in flight finish.
 */
public final class BridgeMain {

    private static final String LOGBACK_CONFIGURATION = "logback.configurationFile";

    private BridgeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            printHelp(System.out);
            return;
        }
        if (System.getProperty(LOGBACK_CONFIGURATION) == null) {
            // Before any logger exists; a resource of its own, so that a logback.xml of an embedding application wins there.
            System.setProperty(LOGBACK_CONFIGURATION, "dev/stitch/bridge/bridge-logback.xml");
        }
        int exitCode = run(System.getenv(), System.out, System.err);
        if (exitCode != 0) {
            System.exit(exitCode);
        }
    }

    /** Runs the bridge until the JVM is asked to stop; the exit code for the process. */
    public static int run(Map<String, String> env, PrintStream out, PrintStream err) throws InterruptedException {
        BridgeConfig config;
        try {
            config = BridgeConfig.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println("Run with --help for the list of variables.");
            return 2;
        }
        if (config.bootstrapServers() == null) {
            err.println("KAFKA_BOOTSTRAP_SERVERS is required to run the bridge alone (for example kafka:9092), "
                    + "with SCHEMA_REGISTRY_URL; the stitch launcher runs it with its embedded Kafka instead.");
            return 2;
        }
        SchemaRegistry registry = SchemaRegistries.connect(config.schemaRegistryUrl(), config.registryUserInfo());
        KafkaEventPublisher publisher = KafkaEventPublisher.create(config, config.bootstrapServers(), registry);
        WebhookBridge bridge;
        try {
            bridge = WebhookBridge.start(config, publisher);
        } catch (RuntimeException e) {
            publisher.close();
            err.println(e.getMessage());
            return 1;
        }
        out.println("stitch bridge is taking Segment events on http://" + config.host() + ":" + bridge.port()
                + "/v1/{track,identify,page,screen,group,alias,batch,import,webhook} and producing them to "
                + config.rawTopic() + " on " + config.bootstrapServers());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            bridge.close();
            publisher.close();
            stopped.countDown();
        }, "bridge-shutdown"));
        stopped.await();
        return 0;
    }

    private static void printHelp(PrintStream out) {
        out.println("""
                Usage: java -jar webhook-bridge.jar

                The Segment-compatible HTTP bridge: takes events on Segment's tracking-API paths and on /v1/webhook,
                and produces them to Kafka. Configured by environment variables:

                  KAFKA_BOOTSTRAP_SERVERS               Kafka to produce to (required)
                  SCHEMA_REGISTRY_URL                   Schema Registry URL(s), comma-separated; mock://<scope> in memory (required)
                  SCHEMA_REGISTRY_BASIC_AUTH_USER_INFO  user:password for the registry
                  STITCH_WRITE_KEYS                     server write keys (secret), comma-separated (this or STITCH_BROWSER_KEYS required)
                  STITCH_BROWSER_KEYS                   browser write keys (public: what a browser sends, with CORS), comma-separated
                  STITCH_BROWSER_ORIGINS                origins answered with CORS for browser keys, comma-separated (*)
                  STITCH_BRIDGE_HOST                    address to listen on (0.0.0.0)
                  STITCH_BRIDGE_PORT                    HTTP port (8080)
                  STITCH_BRIDGE_SIGNING_SECRET          shared secret of Segment's webhook destination: X-Signature is then required on /v1/webhook,
                                                        and erasures are taken (without it, none are)
                  STITCH_MAX_ID_LENGTH                  characters an id may have (256)
                  STITCH_TIMESTAMP_MAX_AGE              how far back an event's times may be (30d); on /v1/import STITCH_TIMESTAMP_MAX_IMPORT_AGE (3650d)
                  STITCH_TIMESTAMP_MAX_FUTURE           how far ahead of the bridge's clock (10m)
                  STITCH_BRIDGE_IDLE_TIMEOUT            a silent connection is closed after (30s)
                  STITCH_BRIDGE_REQUEST_TIMEOUT         a body must arrive within, after its headers (10s)
                  STITCH_BRIDGE_MAX_CONNECTIONS         open connections (1000)
                  STITCH_BRIDGE_MAX_BYTES_IN_FLIGHT     request bytes held at once (64mb)
                  STITCH_BRIDGE_MAX_QUEUED_EVENTS       events waiting for Kafka (50000)
                  STITCH_BRIDGE_PUBLISH_TIMEOUT         how long a request waits for Kafka before it is answered 503 (3s)
                  STITCH_BRIDGE_RETRY_AFTER             Retry-After of a 503 (5s)
                  STITCH_TOPIC_RAW                      topic to produce to (segment.raw)
                  STITCH_JUNK_IDS                       values that are never ids, comma-separated (the stream application's list)
                  KAFKA_*                               passed to the Kafka clients: KAFKA_SECURITY_PROTOCOL=SASL_SSL is security.protocol=SASL_SSL
                """);
    }
}
