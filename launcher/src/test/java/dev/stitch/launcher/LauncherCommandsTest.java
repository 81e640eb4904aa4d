package dev.stitch.launcher;

import dev.stitch.bridge.BridgeConfig;
import dev.stitch.stream.config.AppConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The launcher's answers on the paths a newcomer falls off, without a running application: help on
 * every command, the CLI commands against a stopped application, a second start on the same data
 * directory or ports. Each asserts that the command returns with one sentence saying what to do.
 */
class LauncherCommandsTest {

    @TempDir
    Path dir;

    @Test
    void everyCommandAnswersHelpAndTheDefaultCommandIsNamed() {
        LauncherRun top = LauncherRun.of(Map.of(), "--help");
        assertThat(top.exit()).isZero();
        assertThat(top.out()).contains("Without a command, runs 'stream'").contains("dead-letters").contains("help");
        for (String command : List.of("stream", "bridge", "replay", "timeline", "dead-letters")) {
            LauncherRun viaOption = LauncherRun.of(Map.of(), command, "--help");
            assertThat(viaOption.exit()).as(command + " --help").isZero();
            assertThat(viaOption.out()).as(command + " --help").contains("Usage: stitch " + command);
            assertThat(viaOption.err()).as(command + " --help").doesNotContain("Missing required parameter");
            LauncherRun viaHelp = LauncherRun.of(Map.of(), "help", command);
            assertThat(viaHelp.exit()).as("help " + command).isZero();
            assertThat(viaHelp.out()).as("help " + command).contains("Usage: stitch " + command);
        }
    }

    @Test
    void commandsThatNeedTheApplicationSayWhatToStartWhenNothingAnswers() throws Exception {
        Map<String, String> stopped = Map.of("STITCH_KAFKA_PORT", Integer.toString(closedPort()));
        Path file = dir.resolve("events.ndjson");
        java.nio.file.Files.writeString(file, "{\"type\":\"page\",\"anonymousId\":\"a1\",\"name\":\"Home\"}\n");
        for (String[] args : List.of(new String[]{"timeline", "user-42"}, new String[]{"dead-letters"},
                new String[]{"replay", file.toString()})) {
            LauncherRun result = LauncherRun.of(stopped, args);
            assertThat(result.exit()).as(String.join(" ", args)).isEqualTo(1);
            assertThat(result.err()).as(String.join(" ", args))
                    .contains("no Kafka answers at localhost:")
                    .contains("Start the application first with ./stitch");
        }
    }

    @Test
    void aSecondStartOnTheSameDataDirectoryIsToldAnotherOneRuns() {
        Map<String, String> env = Map.of("STITCH_DATA_DIR", dir.resolve("data").toString(),
                "STITCH_KAFKA_PORT", "0", "STITCH_REGISTRY_PORT", "0", "STITCH_API_PORT", "0", "STITCH_BRIDGE_PORT", "0");
        AppConfig config = AppConfig.fromEnvironment(Map.of("STITCH_DATA_DIR", dir.resolve("data").toString(), "STITCH_API_TOKEN", "t",
                "STITCH_KAFKA_PORT", "0", "STITCH_REGISTRY_PORT", "0", "STITCH_API_PORT", "0"));
        BridgeConfig bridge = BridgeConfig.defaults(List.of("key")).withListenAddress("localhost", 0);
        try (EmbeddedStartChecks first = EmbeddedStartChecks.claim(config, bridge)) {
            LauncherRun second = LauncherRun.of(env, "stream");
            assertThat(second.exit()).isEqualTo(2);
            assertThat(second.err()).contains("another ./stitch is already running on the data directory")
                    .contains("STITCH_DATA_DIR").contains("STITCH_KAFKA_PORT").doesNotContain("Exception");
        }
    }

    @Test
    void aPortInUseIsNamedWithItsSetting() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Map<String, String> env = Map.of("STITCH_DATA_DIR", dir.resolve("data").toString(),
                    "STITCH_KAFKA_PORT", Integer.toString(taken.getLocalPort()), "STITCH_REGISTRY_PORT", "0", "STITCH_API_PORT", "0",
                    "STITCH_BRIDGE_PORT", "0");
            LauncherRun result = LauncherRun.of(env, "stream");
            assertThat(result.exit()).isEqualTo(2);
            assertThat(result.err()).contains("port " + taken.getLocalPort() + " (STITCH_KAFKA_PORT) is already in use")
                    .doesNotContain("Exception");
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
