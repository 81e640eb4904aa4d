package dev.stitch.stream.launcher;

import dev.stitch.bridge.BridgeConfig;
import dev.stitch.stream.config.AppConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The command line: {@code stream} (the default) runs the stitching application, against external
 * Kafka or as the embedded default (with the Segment bridge); {@code bridge} runs the bridge alone;
 * {@code replay FILE} backfills Segment events; {@code timeline USER_ID} prints a user's stitched
 * timeline. Settings come from environment variables (README).
 */
@Command(name = "stitch", mixinStandardHelpOptions = true, version = "stitch 0.1.0",
        description = "Real-time identity stitching for Segment events on Kafka Streams.",
        subcommands = {StreamCommand.class, BridgeCommand.class, ReplayCommand.class, TimelineCommand.class})
public final class Launcher implements Callable<Integer> {

    private final Map<String, String> environment;

    @Spec
    private CommandSpec spec;

    public Launcher(Map<String, String> environment) {
        this.environment = environment;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Launcher(System.getenv())).execute(args));
    }

    /** No subcommand: run the application, as "stream" does. */
    @Override
    public Integer call() {
        return spec.commandLine().execute("stream");
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /**
     * The configuration, or null after telling the user on standard error what is wrong. In the
     * embedded default the query API listens on localhost and, when STITCH_API_TOKEN is unset, takes
     * a token generated for this run (never a fixed default).
     */
    AppConfig configuration() {
        Map<String, String> env = new HashMap<>(environment);
        if (env.get("KAFKA_BOOTSTRAP_SERVERS") == null) {
            env.putIfAbsent("STITCH_API_TOKEN", "tok_" + randomToken());
            env.putIfAbsent("STITCH_API_HOST", "localhost");
        }
        try {
            return AppConfig.fromEnvironment(env);
        } catch (IllegalArgumentException e) {
            err().println("stitch: " + e.getMessage());
            return null;
        }
    }

    /**
     * The embedded bridge's configuration: the bridge's own variables, on localhost, with a server key
     * ({@code sk_...}) generated for this run when STITCH_WRITE_KEYS is unset and a browser key
     * ({@code pk_...}) when STITCH_BROWSER_KEYS is unset (never fixed defaults); null after telling the
     * user what is wrong.
     */
    BridgeConfig embeddedBridgeConfiguration() {
        Map<String, String> env = new HashMap<>(environment);
        env.putIfAbsent("STITCH_WRITE_KEYS", "sk_" + randomToken());
        env.putIfAbsent("STITCH_BROWSER_KEYS", "pk_" + randomToken());
        try {
            BridgeConfig config = BridgeConfig.fromEnvironment(env);
            return config.withListenAddress("localhost", config.port());
        } catch (IllegalArgumentException e) {
            err().println("stitch: " + e.getMessage());
            return null;
        }
    }

    Map<String, String> environment() {
        return environment;
    }

    private static String randomToken() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
