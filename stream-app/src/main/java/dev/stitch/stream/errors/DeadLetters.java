package dev.stitch.stream.errors;

import dev.stitch.stream.metrics.StitchMetrics;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.streams.StreamsMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Where every dead letter of one application instance is counted and logged, whichever part of it
 * (the decoder, a stage, an exception handler) sends the record to the dead-letter topic. The count
 * is the {@code dead-letters-total} metric, one per reason; the log has at most one WARN line per
 * reason a minute, with the number of records since the last line, so that a flood of bad records
 * cannot flood the log. One instance travels in the Kafka Streams configuration under {@link #CONFIG},
 * where processors ({@code appConfigs()}) and exception handlers ({@code configure}) find it.
 */
public final class DeadLetters {

    public static final String CONFIG = "stitch.dead.letters";
    static final long LOG_INTERVAL_MS = 60_000;
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final LongSupplier clockMs;
    private final Consumer<String> warn;
    private final Map<DeadLetterReason, Tally> tallies = new EnumMap<>(DeadLetterReason.class);
    private final Map<DeadLetterReason, Sensor> sensors = new EnumMap<>(DeadLetterReason.class);
    /** Dead letters counted before the metrics were there (an exception handler's, before any processor started). */
    private final Map<DeadLetterReason, Long> uncounted = new EnumMap<>(DeadLetterReason.class);

    public DeadLetters() {
        this(System::currentTimeMillis, log::warn);
    }

    DeadLetters(LongSupplier clockMs, Consumer<String> warn) {
        this.clockMs = clockMs;
        this.warn = warn;
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            tallies.put(reason, new Tally());
        }
    }

    /** The instance in a Kafka Streams configuration; a new one when there is none (a configuration made elsewhere). */
    public static DeadLetters of(Map<String, ?> configs) {
        return configs.get(CONFIG) instanceof DeadLetters deadLetters ? deadLetters : new DeadLetters();
    }

    /** Registers the counters with the application's metrics, once; every reason shows, from zero. */
    public synchronized void countIn(StreamsMetrics metrics) {
        if (!sensors.isEmpty()) {
            return;
        }
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            Sensor sensor = metrics.addSensor("stitch.dead-letters." + reason.code(), Sensor.RecordingLevel.INFO);
            sensor.add(new MetricName("dead-letters-total", StitchMetrics.GROUP,
                    "Records sent to the dead-letter topic, by reason.", Map.of("reason", reason.code())), new CumulativeSum());
            sensors.put(reason, sensor);
            Long earlier = uncounted.remove(reason);
            if (earlier != null) {
                sensor.record(earlier);
            }
        }
    }

    /**
     * Counts one dead letter and logs it, unless a line for the same reason was logged within the
     * last minute.
     *
     * @param sentence what was wrong with the record, as its {@code stitch.dlq.reason} header says
     * @param source   where it came from ("segment.raw-0@42"), or what wrote it
     */
    public void record(DeadLetterReason reason, String sentence, String source) {
        Sensor sensor;
        synchronized (this) {
            sensor = sensors.get(reason);
            if (sensor == null) {
                uncounted.merge(reason, 1L, Long::sum);
            }
        }
        if (sensor != null) {
            sensor.record();
        }
        long unlogged = tallies.get(reason).countAndTakeIfDue(clockMs.getAsLong());
        if (unlogged > 0) {
            warn.accept(unlogged + " record(s) went to the dead-letter topic as \"" + reason.code() + "\" since the last such line"
                    + " (at most one a minute); the latest, from " + source + ": " + sentence
                    + ". Read them from the dead-letter topic (headers stitch.dlq.*) and fix what produced them.");
        }
    }

    /** Records of one reason since its last log line, and when that line was. */
    private static final class Tally {
        private long sinceLastLine;
        private long lastLineAtMs = Long.MIN_VALUE;

        /** @return the records to report now, or 0 while a line was logged less than a minute ago */
        synchronized long countAndTakeIfDue(long nowMs) {
            sinceLastLine++;
            if (lastLineAtMs != Long.MIN_VALUE && nowMs - lastLineAtMs < LOG_INTERVAL_MS) {
                return 0;
            }
            long due = sinceLastLine;
            sinceLastLine = 0;
            lastLineAtMs = nowMs;
            return due;
        }
    }
}
