package dev.stitch.launcher;

import dev.stitch.stream.config.AppConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedCredentialsTest {

    @TempDir
    Path dir;

    @Test
    void madeUpCredentialsAreKeptAndUsedAgain() throws Exception {
        EmbeddedCredentials credentials = new EmbeddedCredentials(dir);
        Map<String, String> first = credentials.fill(Map.of(), Map.of("STITCH_API_TOKEN", "tok_", "STITCH_WRITE_KEYS", "sk_"));
        Map<String, String> second = new EmbeddedCredentials(dir).fill(Map.of(), Map.of("STITCH_API_TOKEN", "tok_", "STITCH_WRITE_KEYS", "sk_"));

        assertThat(first.get("STITCH_API_TOKEN")).startsWith("tok_").hasSizeGreaterThan(20);
        assertThat(first.get("STITCH_WRITE_KEYS")).startsWith("sk_");
        assertThat(second).isEqualTo(first);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials.file()))).isEqualTo("rw-------");
    }

    @Test
    void aValueSetInTheEnvironmentWinsAndIsNeverWrittenDown() throws Exception {
        EmbeddedCredentials credentials = new EmbeddedCredentials(dir);
        Map<String, String> filled = credentials.fill(Map.of("STITCH_API_TOKEN", "chosen-by-me"), Map.of("STITCH_API_TOKEN", "tok_"));

        assertThat(filled.get("STITCH_API_TOKEN")).isEqualTo("chosen-by-me");
        assertThat(credentials.file()).doesNotExist();
    }

    @Test
    void theEmbeddedDefaultKeepsItsApiTokenAcrossStarts() {
        Map<String, String> env = Map.of("STITCH_DATA_DIR", dir.resolve("data").toString());
        AppConfig first = new Launcher(env).embeddedConfiguration();
        AppConfig again = new Launcher(env).embeddedConfiguration();

        assertThat(first.api().token()).startsWith("tok_").isEqualTo(again.api().token());
        assertThat(new Launcher(Map.of("STITCH_DATA_DIR", dir.resolve("other").toString())).embeddedConfiguration().api().token())
                .as("another data directory, other credentials").isNotEqualTo(first.api().token());
    }
}
