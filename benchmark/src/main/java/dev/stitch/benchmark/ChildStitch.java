package dev.stitch.benchmark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The embedded default's {@code stream} command as a user starts it, through {@code ./stitch} (with
 * its class-data archive), in a JVM of its own, so that it can be killed with SIGKILL as a crash
 * kills it: no close, no commit, transactions left open. The programs that use it run from the
 * project's folder, where {@code ./stitch} is.
 */
final class ChildStitch {

    /** What {@code StateRestoreLog} says at the end of each store's restore. */
    private static final Pattern RESTORED = Pattern.compile("Restored store \\S+ from \\S+: (\\d+) records");
    private static final String HEAP = "-Xmx512m";

    private final Process process;
    private final Path log;

    private ChildStitch(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * @param env the whole environment of the child: nothing of this JVM's is inherited; its
     *            STITCH_JAVA_OPTS, if any, come after the child's heap bound
     */
    static ChildStitch start(Map<String, String> env, Path log) throws IOException {
        Path script = Path.of("stitch").toAbsolutePath();
        if (!Files.isExecutable(script)) {
            throw new IllegalStateException("Run this program from the project's folder: it starts ./stitch, and there is none at " + script);
        }
        // ./stitch ends in exec java, so the process started here is the JVM a kill reaches.
        var builder = new ProcessBuilder(script.toString(), "stream")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().clear();
        builder.environment().putAll(env);
        builder.environment().merge("STITCH_JAVA_OPTS", HEAP, (given, heap) -> heap + " " + given);
        return new ChildStitch(builder.start(), log);
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM: the launcher's shutdown hook closes the application cleanly. */
    void stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Stores restored and their records, from what the child logged since {@code fromByte} of its log. */
    Restores restoresSince(long fromByte) throws IOException {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        Matcher m = RESTORED.matcher(text.substring((int) Math.min(fromByte, text.length())));
        int stores = 0;
        long records = 0;
        while (m.find()) {
            stores++;
            records += Long.parseLong(m.group(1));
        }
        return new Restores(stores, records);
    }

    long logBytes() throws IOException {
        return Files.exists(log) ? Files.size(log) : 0;
    }

    Path log() {
        return log;
    }

    /** @param stores stores restored from a changelog; @param records their records */
    record Restores(int stores, long records) {
    }
}
