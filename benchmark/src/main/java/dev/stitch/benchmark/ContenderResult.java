package dev.stitch.benchmark;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What one application did: its throughput rounds, then its latency phase.
 *
 * @param contender       the application of round 1, which the latency phase restarts
 * @param rounds          throughput rounds in the order they ran
 * @param latencyExpected what the generator predicts for each measured topic in the latency phase
 */
record ContenderResult(Contender contender, List<ThroughputRound> rounds, LatencyProbe.Measured latency,
                       Map<String, Long> latencyExpected) {

    ContenderResult withRound(ThroughputRound round) {
        List<ThroughputRound> all = new ArrayList<>(rounds);
        all.add(round);
        return new ContenderResult(contender, all, latency, latencyExpected);
    }

    ContenderResult withLatency(LatencyProbe.Measured measured, Map<String, Long> expected) {
        return new ContenderResult(contender, rounds, measured, expected);
    }

    /** The median over the rounds, so that one disturbed round does not make the figure. */
    double median(ToDoubleFunction<ThroughputMeter.Measured> figure) {
        List<Double> values = rounds.stream().map(r -> figure.applyAsDouble(r.measured())).sorted(Comparator.naturalOrder()).toList();
        int middle = values.size() / 2;
        return values.size() % 2 == 1 ? values.get(middle) : (values.get(middle - 1) + values.get(middle)) / 2;
    }
}
