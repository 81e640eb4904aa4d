package dev.stitch.stream.metrics;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.api.ProcessingContext;

import java.util.Map;

/**
 * The stitching counters, registered with Kafka Streams' own metrics (group {@value #GROUP}, one
 * cumulative count per stream thread), so they show wherever the client metrics do. The dead letters
 * are counted by reason, in the same group, by {@code DeadLetters}.
 */
public final class StitchMetrics {

    public static final String GROUP = "stitch-metrics";

    private final Sensor duplicates;
    private final Sensor links;
    private final Sensor conflicts;
    private final Sensor merges;
    private final Sensor refusedLimit;
    private final Sensor idsExpired;
    private final Sensor erasures;
    private final Sensor suppressed;
    private final Sensor historyExpired;
    private final Sensor lateEvents;
    private final Sensor profileTraitsDropped;

    private StitchMetrics(StreamsMetrics metrics, String thread) {
        duplicates = counter(metrics, thread, "duplicates", "Events dropped because their messageId was already processed.");
        links = counter(metrics, thread, "links", "Anonymous ids linked to a user.");
        conflicts = counter(metrics, thread, "conflicts", "Links refused because the anonymous id belonged to another user.");
        merges = counter(metrics, thread, "merges", "User ids that became a name of another user (alias, R8), each id of a merged user counted.");
        refusedLimit = counter(metrics, thread, "refused-limit",
                "Links refused because the user already had the most anonymous ids allowed (STITCH_MAX_ANONYMOUS_IDS).");
        idsExpired = counter(metrics, thread, "ids-expired",
                "Unlinked anonymous ids forgotten because all their buffered history passed the retention.");
        erasures = counter(metrics, thread, "erasures", "Ids erased by privacy requests: users and their anonymous ids.");
        suppressed = counter(metrics, thread, "suppressed", "Events dropped because their user was erased with suppression on.");
        historyExpired = counter(metrics, thread, "history-expired",
                "Buffered anonymous events dropped unstitched by the buffer's time or size bound.");
        lateEvents = counter(metrics, thread, "late-events", "Events emitted after a later event of the same user.");
        profileTraitsDropped = counter(metrics, thread, "profile-traits-dropped",
                "Traits dropped from profiles at their bounds (STITCH_PROFILE_MAX_TRAITS, STITCH_PROFILE_MAX_TRAIT_BYTES), oldest set first.");
    }

    public static StitchMetrics of(ProcessingContext context) {
        return new StitchMetrics(context.metrics(), Thread.currentThread().getName());
    }

    public void duplicate() {
        duplicates.record();
    }

    public void link() {
        links.record();
    }

    public void conflict() {
        conflicts.record();
    }

    public void merged() {
        merges.record();
    }

    public void refusedLimit() {
        refusedLimit.record();
    }

    public void idExpired() {
        idsExpired.record();
    }

    public void erased() {
        erasures.record();
    }

    public void suppressed() {
        suppressed.record();
    }

    public void historyExpired(int count) {
        historyExpired.record(count);
    }

    public void late() {
        lateEvents.record();
    }

    public void profileTraitsDropped(int count) {
        profileTraitsDropped.record(count);
    }

    /** One counter's value in a client's metrics ({@code KafkaStreams.metrics()}), summed over its threads. */
    public static double total(Map<MetricName, ? extends Metric> metrics, String counter) {
        String name = counterName(counter);
        return metrics.entrySet().stream()
                .filter(metric -> metric.getKey().group().equals(GROUP) && metric.getKey().name().equals(name))
                .mapToDouble(metric -> ((Number) metric.getValue().metricValue()).doubleValue())
                .sum();
    }

    private static String counterName(String counter) {
        return counter + "-total";
    }

    private static Sensor counter(StreamsMetrics metrics, String thread, String name, String description) {
        // One sensor per thread and name: tasks of the same thread share it, and a task created again
        // after a rebalance finds it in place instead of registering the metric twice.
        Sensor sensor = metrics.addSensor("stitch." + name + "." + thread, Sensor.RecordingLevel.INFO);
        sensor.add(new MetricName(counterName(name), GROUP, description, Map.of("thread-id", thread)), new CumulativeSum());
        return sensor;
    }
}
