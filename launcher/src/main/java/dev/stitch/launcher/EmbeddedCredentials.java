package dev.stitch.launcher;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The secrets the embedded default makes up when the user set none (the write keys, the API token),
 * kept in the data directory so that every client and curl keeps working across a restart. A value
 * set in the environment always wins and is never written down.
 */
final class EmbeddedCredentials {

    static final String FILE_NAME = "credentials.properties";

    private final Path file;

    EmbeddedCredentials(Path dataDir) {
        this.file = dataDir.resolve(FILE_NAME);
    }

    Path file() {
        return file;
    }

    /**
     * The environment with each of {@code generated} (variable → prefix of a new value) filled in: from
     * the environment, else from the file, else newly generated and added to the file.
     */
    Map<String, String> fill(Map<String, String> environment, Map<String, String> generated) {
        Map<String, String> filled = new HashMap<>(environment);
        Properties kept = read();
        boolean changed = false;
        for (Map.Entry<String, String> variable : generated.entrySet()) {
            String name = variable.getKey();
            if (environment.get(name) != null) {
                continue;
            }
            String value = kept.getProperty(name);
            if (value == null) {
                value = madeUp(variable.getValue());
                kept.setProperty(name, value);
                changed = true;
            }
            filled.put(name, value);
        }
        if (changed) {
            write(kept);
        }
        return filled;
    }

    /** The value kept for {@code variable}, or null when none is kept. */
    String kept(String variable) {
        return read().getProperty(variable);
    }

    private Properties read() {
        Properties kept = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                kept.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + "; delete it to have new credentials made", e);
            }
        }
        return kept;
    }

    private void write(Properties kept) {
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.createFile(file);
                restrictToOwner(file);
            }
            try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                kept.store(writer, "Made by the embedded default when these were not set; set them in the environment to choose your own.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void restrictToOwner(Path path) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the directory's own permissions protect it.
        }
    }

    /** A new secret: {@code prefix} and 18 random bytes, URL-safe. */
    static String madeUp(String prefix) {
        return prefix + randomToken();
    }

    private static String randomToken() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
