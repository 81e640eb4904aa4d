package dev.stitch.embedded;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up refusals that need no running broker: each one says what is wrong and what to do. */
class EmbeddedKafkaBrokerTest {

    @TempDir
    Path tempDir;

    @Test
    void refusesAPortThatIsAlreadyInUseNamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("localhost", 0));
            int port = taken.getLocalPort();

            assertThatThrownBy(() -> EmbeddedKafkaBroker.start(tempDir.resolve("kafka"), port))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Port " + port)
                    .hasMessageContaining("already in use");
        }
    }

    @Test
    void refusesALogDirectoryThatIsAFile() throws Exception {
        Path file = Files.writeString(tempDir.resolve("not-a-dir"), "x");

        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(file, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not a directory");
    }

    @Test
    void refusesANonEmptyDirectoryThatKafkaNeverFormatted() throws Exception {
        Path dir = Files.createDirectories(tempDir.resolve("photos"));
        Files.writeString(dir.resolve("holiday.jpg"), "x");

        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(dir, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a Kafka log directory");
    }

    @Test
    void refusesANumberThatIsNotATcpPort() {
        assertThatThrownBy(() -> EmbeddedKafkaBroker.start(tempDir.resolve("kafka"), 70_000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("70000 is not a TCP port");
    }
}
