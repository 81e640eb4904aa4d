package dev.stitch.bridge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;

/**
 * What {@code GET /metrics} shows, in the Prometheus text format:
 * <ul>
 *   <li>{@code bridge_requests_total{path, status}}: answers given, by route ({@code unmatched} for unknown paths)</li>
 *   <li>{@code bridge_events_produced_total}: events Kafka acknowledged</li>
 *   <li>{@code bridge_produce_latency_seconds}: from handing a request's events to the publisher until all were acknowledged</li>
 *   <li>{@code bridge_publish_failures_total}: requests whose events Kafka did not take in time</li>
 * </ul>
 */
final class BridgeMetrics {

    /** The {@code path} label of requests that matched no route. */
    static final String UNMATCHED = "unmatched";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Counter produced = Counter.builder("bridge.events.produced")
            .description("Events acknowledged by Kafka").register(registry);
    private final Counter publishFailures = Counter.builder("bridge.publish.failures")
            .description("Requests whose events Kafka did not acknowledge within the publish timeout").register(registry);
    private final Timer produceLatency = Timer.builder("bridge.produce.latency")
            .description("Time from handing a request's events to Kafka until every one was acknowledged")
            .serviceLevelObjectives(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
                    Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
                    Duration.ofMillis(2500), Duration.ofSeconds(5))
            .register(registry);

    void request(String path, int status) {
        Counter.builder("bridge.requests")
                .description("HTTP requests answered, by route and status")
                .tag("path", path)
                .tag("status", Integer.toString(status))
                .register(registry)
                .increment();
    }

    void produced(int events, long nanos) {
        produced.increment(events);
        produceLatency.record(Duration.ofNanos(nanos));
    }

    void publishFailed() {
        publishFailures.increment();
    }

    String scrape() {
        return registry.scrape();
    }

    void close() {
        registry.close();
    }
}
