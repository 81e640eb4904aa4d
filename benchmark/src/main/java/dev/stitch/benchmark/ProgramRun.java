package dev.stitch.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How each program of this module runs: in a working directory of its own, deleted afterwards, with a
 * failure said in one line (and its trace), and an exit status that says whether the figures are good.
 */
final class ProgramRun {

    /** The program's work, in {@code workDir}; false when its figures show a fault. */
    interface Work {
        boolean run(Path workDir) throws Exception;
    }

    private ProgramRun() {
    }

    /** Runs {@code work} and exits the JVM: 0 when it succeeded, 1 when it failed or its figures show a fault. */
    static void inWorkDir(String prefix, String what, Work work) throws IOException {
        Path workDir = Files.createTempDirectory(prefix);
        int status;
        try {
            status = work.run(workDir) ? 0 : 1;
        } catch (Exception e) {
            System.err.println("The " + what + " failed: " + e.getMessage());
            e.printStackTrace();
            status = 1;
        } finally {
            StitchBenchmark.deleteRecursively(workDir);
        }
        // Kafka's and RocksDB's leftover threads must not keep the JVM alive once the figures are out.
        System.exit(status);
    }
}
