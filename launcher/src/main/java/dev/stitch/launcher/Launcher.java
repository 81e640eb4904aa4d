package dev.stitch.launcher;

import dev.stitch.bridge.BridgeConfig;
import dev.stitch.stream.config.AppConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * The command line: {@code stream} (the default) runs the stitching application, against external
 * Kafka or as the embedded default (with the Segment bridge); {@code bridge} runs the bridge alone;
 * {@code replay FILE} backfills Segment events; {@code timeline USER_ID} prints a user's stitched
 * timeline; {@code dead-letters} prints the newest refused records. Settings come from environment
 * variables (README).
 */
@Command(name = "stitch", mixinStandardHelpOptions = true, version = "stitch 0.1.0",
        description = {"Real-time identity stitching for Segment events on Kafka Streams.",
                "Without a command, runs 'stream' (the embedded default when KAFKA_BOOTSTRAP_SERVERS is unset).",
                "'stitch help COMMAND' or 'stitch COMMAND --help' tells more of a command."},
        subcommands = {StreamCommand.class, BridgeCommand.class, ReplayCommand.class, TimelineCommand.class,
                DeadLettersCommand.class, WarmUpCommand.class, CommandLine.HelpCommand.class})
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
     * the token the embedded default keeps in its data directory, else one made up for this run (never a
     * fixed default).
     */
    AppConfig configuration() {
        Map<String, String> env = new HashMap<>(environment);
        if (env.get("KAFKA_BOOTSTRAP_SERVERS") == null) {
            env.putIfAbsent("STITCH_API_TOKEN", EmbeddedCredentials.madeUp("tok_"));
            env.putIfAbsent("STITCH_API_HOST", "localhost");
        }
        try {
            AppConfig config = AppConfig.fromEnvironment(env);
            String kept = config.embedded() && environment.get("STITCH_API_TOKEN") == null
                    ? credentials(config).kept("STITCH_API_TOKEN") : null;
            if (kept != null) {
                env.put("STITCH_API_TOKEN", kept);
                config = AppConfig.fromEnvironment(env);
            }
            return config;
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err().println("stitch: " + e.getMessage());
            return null;
        }
    }

    /**
     * The configuration of the embedded default itself: as {@link #configuration()}, but an API token
     * it makes up is kept in the data directory ({@link EmbeddedCredentials}) and used again on the
     * next start, so clients keep working across restarts.
     */
    AppConfig embeddedConfiguration() {
        AppConfig first = configuration();
        if (first == null || !first.embedded()) {
            return first;
        }
        Map<String, String> env = new HashMap<>(environment);
        env.putIfAbsent("STITCH_API_HOST", "localhost");
        try {
            return AppConfig.fromEnvironment(credentials(first).fill(env, Map.of("STITCH_API_TOKEN", "tok_")));
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err().println("stitch: " + e.getMessage());
            return null;
        }
    }

    EmbeddedCredentials credentials(AppConfig config) {
        return new EmbeddedCredentials(config.dataDir());
    }

    /**
     * The embedded bridge's configuration: the bridge's own variables, on localhost, with a server key
     * ({@code sk_...}) when STITCH_WRITE_KEYS is unset and a browser key ({@code pk_...}) when
     * STITCH_BROWSER_KEYS is unset, made up on the first start and kept in the data directory with the
     * API token (never fixed defaults); null after telling the user what is wrong.
     */
    BridgeConfig embeddedBridgeConfiguration(AppConfig appConfig) {
        try {
            Map<String, String> env = credentials(appConfig).fill(environment,
                    Map.of("STITCH_WRITE_KEYS", "sk_", "STITCH_BROWSER_KEYS", "pk_"));
            BridgeConfig config = BridgeConfig.fromEnvironment(env);
            return config.withListenAddress("localhost", config.port());
        } catch (IllegalArgumentException | UncheckedIOException e) {
            err().println("stitch: " + e.getMessage());
            return null;
        }
    }

    Map<String, String> environment() {
        return environment;
    }
}
