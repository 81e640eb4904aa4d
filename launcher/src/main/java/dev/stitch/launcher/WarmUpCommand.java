package dev.stitch.launcher;

import dev.stitch.bridge.BridgeConfig;
import dev.stitch.stream.config.AppConfig;
import org.apache.kafka.common.utils.Utils;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A trial run of the embedded default: it starts on a temporary data directory and free ports, takes
 * a visitor's page view and identify through the bridge, waits until the user's timeline answers and
 * stops, deleting what it wrote. {@code ./stitch} runs it once per build with the JDK's
 * {@code -XX:ArchiveClassesAtExit}, so the classes a start loads are kept in a class-data archive
 * that every later start maps instead of reading them from the jars: seconds off each start, and off
 * the restart after a crash.
 */
@Command(name = "warm-up", hidden = true,
        description = "Start the embedded default on a temporary directory, send one visitor through it and stop (./stitch's class-data archive).")
final class WarmUpCommand implements Callable<Integer> {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final String USER_ID = "warm-up-user";

    @ParentCommand
    private Launcher launcher;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("stitch-warm-up-");
        long startedAt = System.nanoTime();
        try {
            String token = EmbeddedCredentials.madeUp("tok_");
            String key = EmbeddedCredentials.madeUp("sk_");
            Map<String, String> env = Map.of("STITCH_DATA_DIR", dir.resolve("data").toString(), "STITCH_KAFKA_PORT", "0",
                    "STITCH_REGISTRY_PORT", "0", "STITCH_API_PORT", "0", "STITCH_BRIDGE_PORT", "0",
                    "STITCH_API_HOST", "localhost", "STITCH_API_TOKEN", token, "STITCH_WRITE_KEYS", key);
            AppConfig config = AppConfig.fromEnvironment(env);
            BridgeConfig bridgeConfig = BridgeConfig.fromEnvironment(env).withListenAddress("localhost", 0);
            try (EmbeddedStack stack = EmbeddedStack.start(config, bridgeConfig)) {
                if (!stack.application().awaitRunning(TIMEOUT)) {
                    launcher.err().println("stitch warm-up: the application was not running within " + TIMEOUT.toSeconds() + " s");
                    return 1;
                }
                HttpClient http = HttpClient.newHttpClient();
                int sent = http.send(HttpRequest.newBuilder(URI.create(stack.bridgeUrl() + "/v1/batch"))
                        .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8)))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"batch\":["
                                + "{\"type\":\"page\",\"anonymousId\":\"warm-up-visitor\",\"name\":\"Home\"},"
                                + "{\"type\":\"identify\",\"anonymousId\":\"warm-up-visitor\",\"userId\":\"" + USER_ID + "\","
                                + "\"traits\":{\"email\":\"warm-up@example.com\"}}]}"))
                        .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (sent != 200) {
                    launcher.err().println("stitch warm-up: the bridge answered " + sent + " to the trial events");
                    return 1;
                }
                if (!stitchedViewShows(http, stack.apiUrl(), token)) {
                    launcher.err().println("stitch warm-up: the trial user's timeline did not show the stitched page view within "
                            + TIMEOUT.toSeconds() + " s");
                    return 1;
                }
            }
            launcher.out().printf("stitch warm-up: started, stitched a trial visitor and stopped in %.1f s%n",
                    (System.nanoTime() - startedAt) / 1e9);
            return 0;
        } finally {
            Utils.delete(dir.toFile());
        }
    }

    /** Whether the user's timeline shows the visitor's page view, stitched, before the timeout. */
    private static boolean stitchedViewShows(HttpClient http, String apiUrl, String token) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiUrl + "/v1/users/" + USER_ID + "/timeline"))
                .header("Authorization", "Bearer " + token).GET().build();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> answer = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 200 && answer.body().contains("\"stitched\":true")) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
