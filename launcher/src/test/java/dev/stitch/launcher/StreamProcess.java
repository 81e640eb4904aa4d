package dev.stitch.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The launcher's stream command in a separate JVM, on the test's classpath, its output in a log file:
 * a process a test can kill as a crash kills it.
 */
final class StreamProcess {

    private StreamProcess() {
    }

    static Process start(Map<String, String> env, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Launcher.class.getName(), "stream")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return builder.start();
    }
}
