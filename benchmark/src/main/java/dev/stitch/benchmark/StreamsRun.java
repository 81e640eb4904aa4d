package dev.stitch.benchmark;

import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreTypes;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** One application running in Kafka Streams, noting when it first reached RUNNING and whether it failed. */
final class StreamsRun implements AutoCloseable {

    private final KafkaStreams streams;
    private final long startedAtNanos;
    private final AtomicLong runningAtNanos = new AtomicLong();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final RestoreTally restores = new RestoreTally();

    private StreamsRun(Contender contender, Properties props) {
        streams = new KafkaStreams(contender.topology().apply(props), props);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                runningAtNanos.compareAndSet(0, System.nanoTime());
            }
        });
        streams.setUncaughtExceptionHandler(error -> {
            failure.compareAndSet(null, error);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        streams.setGlobalStateRestoreListener(restores);
        startedAtNanos = System.nanoTime();
        streams.start();
    }

    static StreamsRun start(Contender contender, Properties props) {
        return new StreamsRun(contender, props);
    }

    /** Waits for the first RUNNING: start-up, the first rebalance and state restoration are over. */
    long awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (runningAtNanos.get() == 0) {
            requireHealthy();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The application did not reach RUNNING within " + timeout.toSeconds()
                        + " s (state " + streams.state() + "); see the Kafka Streams warnings above.");
            }
            Thread.sleep(10);
        }
        return runningAtNanos.get();
    }

    /**
     * Waits until the application is RUNNING and has restored at least {@code records} from its
     * changelogs, with no store still restoring: Kafka Streams may reach RUNNING while some stores restore.
     */
    void awaitRestored(long records, Duration timeout) throws InterruptedException {
        awaitRunning(timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (restores.records() < records || restores.restoring()) {
            requireHealthy();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The application had restored " + restores.records() + " of the " + records
                        + " records of its changelogs after " + timeout.toSeconds() + " s; see the Kafka Streams warnings above.");
            }
            Thread.sleep(10);
        }
    }

    long startedAtNanos() {
        return startedAtNanos;
    }

    /** What the application restored from its changelogs on start. */
    RestoreTally restores() {
        return restores;
    }

    /** The value under {@code key} in one partition of a key-value store of the running application; null if none. */
    <K, V> V storeValue(String store, int partition, K key) {
        return streams.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<K, V>keyValueStore())
                .withPartition(partition)).get(key);
    }

    /** Stops the benchmark with the application's own error rather than a time-out later. */
    void requireHealthy() {
        Throwable error = failure.get();
        if (error != null) {
            throw new IllegalStateException("The application failed: " + error, error);
        }
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING) {
            throw new IllegalStateException("The application stopped (state " + state + "); see the Kafka Streams errors above.");
        }
    }

    /**
     * Leaves the consumer group on the way out: the benchmark restarts each application for its latency
     * phase, and a member that merely stops is only replaced once its session times out (45 s).
     */
    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(60)));
    }
}
