package dev.stitch.benchmark;

import java.util.Map;

/**
 * One throughput run of one application, under its own application id and output topics.
 *
 * @param round     1, 2, ...
 * @param measured  its timings
 * @param counts    committed records per output topic afterwards
 * @param predicted what the generator predicts for each output topic
 * @param written   what it wrote to Kafka, by kind of topic (see {@link OutputCounter#written})
 */
record ThroughputRound(int round, ThroughputMeter.Measured measured, Map<String, Long> counts, Map<String, Long> predicted,
                       Map<String, OutputCounter.Written> written) {

    boolean asPredicted() {
        return counts.equals(predicted);
    }
}
