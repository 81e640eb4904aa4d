package dev.stitch.benchmark;

import dev.stitch.serde.SchemaRegistry;
import dev.stitch.stream.app.StitchApplication;
import dev.stitch.stream.config.AppConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One stream-app instance of the soak, under a stable name, with its own data directory and query
 * API port (kept across restarts): either in the soak's JVM or in a child JVM that can be killed.
 */
sealed interface SoakInstance extends AutoCloseable permits SoakInstance.InProcess, SoakInstance.Child {

    Duration READY_TIMEOUT = Duration.ofMinutes(3);
    /** How long the child's log is given to report the restores of its start. */
    Duration RESTORE_SETTLE = Duration.ofSeconds(5);

    String name();

    /** The query API, whoever is running now. */
    String apiUrl();

    /** Whether the instance is started and not being stopped: the availability probe asks only these. */
    boolean up();

    /** A clean stop (the instance stays in the group) and a start; returns the records restored. */
    long restart() throws Exception;

    /** Waits until the instance processes (RUNNING). */
    void awaitRunning() throws Exception;

    /** When the last restart was answering again (System.nanoTime()). */
    long readyAtNanos();

    /** The settings of an instance named {@code name}: {@code common} plus its own name, directory and port. */
    static Map<String, String> environment(Map<String, String> common, String name, Path dataDir, int apiPort) {
        Map<String, String> env = new java.util.HashMap<>(common);
        env.put("STITCH_INSTANCE_NAME", name);
        env.put("STITCH_DATA_DIR", dataDir.toString());
        env.put("STITCH_API_PORT", Integer.toString(apiPort));
        return env;
    }

    /** An instance in this JVM. */
    final class InProcess implements SoakInstance {
        private final String name;
        private final AppConfig config;
        private final SchemaRegistry registry;
        private final String bootstrap;
        private volatile StitchApplication application;
        private volatile long readyAtNanos;

        InProcess(String name, Map<String, String> env, SchemaRegistry registry, String bootstrap) {
            this.name = name;
            this.config = AppConfig.fromEnvironment(env);
            this.registry = registry;
            this.bootstrap = bootstrap;
            this.application = StitchApplication.start(config, registry, bootstrap);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String apiUrl() {
            return "http://localhost:" + config.api().port();
        }

        @Override
        public boolean up() {
            return application != null;
        }

        @Override
        public long restart() throws Exception {
            StitchApplication stopping = application;
            application = null;
            stopping.close();
            application = StitchApplication.start(config, registry, bootstrap);
            awaitRunning();
            readyAtNanos = System.nanoTime();
            return application.restoredRecords();
        }

        @Override
        public long readyAtNanos() {
            return readyAtNanos;
        }

        @Override
        public void awaitRunning() throws InterruptedException {
            if (!application.awaitRunning(READY_TIMEOUT)) {
                throw new IllegalStateException(name + " did not reach RUNNING (state " + application.state() + ")");
            }
        }

        @Override
        public void close() {
            if (application != null) {
                application.close();
            }
        }
    }

    /** An instance in a child JVM: the one the soak kills. */
    final class Child implements SoakInstance {
        private final String name;
        private final Map<String, String> env;
        private final Path log;
        private final QueryProbe probe;
        private volatile ChildStitch process;
        private volatile long readyAtNanos;

        Child(String name, Map<String, String> env, Path log, QueryProbe probe) throws Exception {
            this.name = name;
            this.env = env;
            this.log = log;
            this.probe = probe;
            this.process = ChildStitch.start(env, log);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String apiUrl() {
            return "http://localhost:" + env.get("STITCH_API_PORT");
        }

        @Override
        public boolean up() {
            return process != null;
        }

        /**
         * The records restored are counted from the child's log a few seconds after it answers again:
         * its query API answers as soon as any instance can, forwarding, while its own stores may
         * still be restoring.
         */
        @Override
        public long restart() throws Exception {
            ChildStitch stopping = process;
            process = null;
            stopping.stop();
            return start();
        }

        /** SIGKILL and a start; returns the records restored. */
        long killAndRestart() throws Exception {
            ChildStitch killed = process;
            process = null;
            killed.kill();
            return start();
        }

        private long start() throws Exception {
            long logFrom = java.nio.file.Files.size(log);
            ChildStitch started = ChildStitch.start(env, log);
            process = started;
            awaitRunning();
            readyAtNanos = System.nanoTime();
            Thread.sleep(RESTORE_SETTLE.toMillis());
            return started.restoresSince(logFrom).records();
        }

        @Override
        public long readyAtNanos() {
            return readyAtNanos;
        }

        /** The query API answers 404 for an unknown user only once the application runs (503 before). */
        @Override
        public void awaitRunning() throws InterruptedException {
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (probe.timelineStatus(apiUrl(), "soak-nobody") != 404) {
                if (System.nanoTime() > deadline || !process.alive()) {
                    throw new IllegalStateException(name + " did not start; see its log " + log);
                }
                Thread.sleep(100);
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (process != null) {
                process.stop();
            }
        }
    }
}
