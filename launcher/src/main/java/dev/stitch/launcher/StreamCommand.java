package dev.stitch.launcher;

import dev.stitch.bridge.BridgeConfig;
import dev.stitch.bridge.KeyKind;
import dev.stitch.serde.SchemaRegistries;
import dev.stitch.stream.app.StitchApplication;
import dev.stitch.stream.config.AppConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Runs the stitching application until stopped; with no KAFKA_BOOTSTRAP_SERVERS, the embedded default. */
@Command(name = "stream", mixinStandardHelpOptions = true,
        description = "Run the stitching application (the default command; embedded Kafka when KAFKA_BOOTSTRAP_SERVERS is unset).")
final class StreamCommand implements Callable<Integer> {

    @ParentCommand
    private Launcher launcher;

    @Override
    public Integer call() throws InterruptedException {
        AppConfig config = launcher.embeddedConfiguration();
        if (config == null) {
            return 2;
        }
        AutoCloseable running;
        if (config.embedded()) {
            BridgeConfig bridgeConfig = launcher.embeddedBridgeConfiguration(config);
            if (bridgeConfig == null) {
                return 2;
            }
            EmbeddedStartChecks claimed;
            EmbeddedStack stack;
            try {
                claimed = EmbeddedStartChecks.claim(config, bridgeConfig);
            } catch (EmbeddedStartChecks.StartRefused refused) {
                launcher.err().println("stitch: " + refused.getMessage());
                return 2;
            }
            try {
                stack = EmbeddedStack.start(config, bridgeConfig);
            } catch (RuntimeException e) {
                claimed.close();
                launcher.err().println("stitch: the embedded default could not start: " + rootMessage(e)
                        + " (the log above has the details)");
                return 1;
            }
            running = () -> {
                stack.close();
                claimed.close();
            };
            printEmbeddedBanner(config, stack, bridgeConfig.keys(KeyKind.SERVER).get(0), bridgeConfig.keys(KeyKind.BROWSER).get(0));
        } else {
            if (config.api().token() == null) {
                launcher.err().println("stitch: STITCH_API_TOKEN is required with KAFKA_BOOTSTRAP_SERVERS: the token callers of "
                        + "the query API send (the same on every instance)");
                return 2;
            }
            var registry = SchemaRegistries.connect(config.schemaRegistryUrl(), config.registryUserInfo());
            StitchApplication application = StitchApplication.start(config, registry, config.bootstrapServers());
            running = application;
            launcher.out().println("stitch is processing " + config.settings().topics().raw() + " on " + config.bootstrapServers()
                    + "; query API on port " + application.apiPort() + " (advertised as " + config.api().advertisedHost() + ")");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                running.close();
            } catch (Exception e) {
                launcher.err().println("Error while stopping: " + e.getMessage());
            }
            stopped.countDown();
        }, "stitch-shutdown"));
        stopped.await();
        return 0;
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }

    private void printEmbeddedBanner(AppConfig config, EmbeddedStack stack, String serverKey, String browserKey) {
        var topics = config.settings().topics();
        launcher.out().println();
        launcher.out().println("stitch is running (embedded default: Kafka, Schema Registry, the Segment bridge and the stitching application in this process)");
        launcher.out().println("  Segment bridge   " + stack.bridgeUrl() + "/v1/{track,identify,page,screen,group,alias,batch,import,webhook}");
        launcher.out().println("  server key       " + serverKey + "   secret: for your servers and Segment's webhook destination; "
                + "never put it in a page");
        launcher.out().println("  browser key      " + browserKey + "   public: for analytics.js in your pages; sends page views, "
                + "tracks and identifies, never erasures or merges of two users");
        launcher.out().println("  query API        " + stack.apiUrl() + "/v1/users/{userId}[/timeline], /v1/anonymous/{anonymousId}");
        launcher.out().println("  API token        " + config.api().token());
        launcher.out().println("  console          " + stack.apiUrl() + "/console/   Events Activity and Contacts Hub; sign in with the API token");
        launcher.out().println("  Kafka            " + stack.bootstrapServers());
        launcher.out().println("  Schema Registry  " + stack.registryUrl());
        launcher.out().println("  data             " + config.dataDir());
        Path credentials = launcher.credentials(config).file();
        if (Files.exists(credentials)) {
            launcher.out().println("  credentials      " + credentials + " keeps the keys and token made up here, for the next "
                    + "start (set STITCH_WRITE_KEYS, STITCH_BROWSER_KEYS, STITCH_API_TOKEN to choose your own)");
        }
        launcher.out().println("  input topic      " + topics.raw());
        launcher.out().println("  output topics    " + topics.timeline() + ", " + topics.anonymous() + ", "
                + topics.identityChanges() + ", " + topics.deadLetters());
        launcher.out().println();
        launcher.out().println("Try it, from another terminal in this folder:");
        launcher.out().println("  curl -u " + browserKey + ": -H 'Content-Type: application/json' \\");
        launcher.out().println("       -d '{\"anonymousId\":\"pixel-1\",\"name\":\"Home\"}' " + stack.bridgeUrl() + "/v1/page");
        launcher.out().println("  ./stitch replay examples/documented-flow.ndjson");
        launcher.out().println("  curl -H 'Authorization: Bearer " + config.api().token() + "' " + stack.apiUrl() + "/v1/users/user-42/timeline");
        launcher.out().println();
        launcher.out().println("Press Ctrl+C to stop; the data stays in " + config.dataDir() + ".");
    }
}
