package dev.stitch.launcher;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The trial run from which {@code ./stitch} records its class-data archive: the embedded default
 * starts on a temporary directory, stitches a visitor's page view onto the user, stops, and leaves
 * nothing behind; a user's environment (a data directory, ports) does not reach it.
 */
class WarmUpIT {

    @Test
    void stitchesATrialVisitorAndLeavesNoDirectoryBehind() throws IOException {
        Set<Path> before = warmUpDirectories();
        LauncherRun run = LauncherRun.of(Map.of("STITCH_DATA_DIR", "/nonexistent/stitch-data", "STITCH_KAFKA_PORT", "1"), "warm-up");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("stitch warm-up: started, stitched a trial visitor and stopped");
        assertThat(warmUpDirectories()).isEqualTo(before);
    }

    private static Set<Path> warmUpDirectories() throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return entries.filter(path -> path.getFileName().toString().startsWith("stitch-warm-up-")).collect(Collectors.toSet());
        }
    }
}
