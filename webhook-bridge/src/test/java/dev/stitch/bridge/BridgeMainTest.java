package dev.stitch.bridge;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BridgeMainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void exitsWith2NamingTheWrongVariables() throws InterruptedException {
        int exit = BridgeMain.run(Map.of("STITCH_BRIDGE_PORT", "-1"), print(out), print(err));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("STITCH_WRITE_KEYS (server keys, secret) or STITCH_BROWSER_KEYS (browser keys, public) is required")
                .contains("STITCH_BRIDGE_PORT=\"-1\" is not valid")
                .contains("--help");
    }

    @Test
    void exitsWith2WithoutKafkaToProduceTo() throws InterruptedException {
        int exit = BridgeMain.run(Map.of("STITCH_WRITE_KEYS", "wk-1"), print(out), print(err));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("KAFKA_BOOTSTRAP_SERVERS is required to run the bridge alone");
    }

    private static PrintStream print(ByteArrayOutputStream to) {
        return new PrintStream(to, true, StandardCharsets.UTF_8);
    }
}
