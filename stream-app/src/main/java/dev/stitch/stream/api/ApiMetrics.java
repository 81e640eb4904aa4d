package dev.stitch.stream.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.streams.KafkaStreams;

/**
 * What the query API's {@code GET /metrics} shows, in the Prometheus text format: the Kafka Streams
 * client's metrics (lag, throughput, state stores, and the stitching counters of the
 * {@code stitch-metrics} group such as dead letters, duplicates, links and conflicts), JVM metrics,
 * and {@code api_requests_total{route, status}}.
 */
final class ApiMetrics implements AutoCloseable {

    static final String UNMATCHED = "unmatched";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private KafkaStreamsMetrics streams;

    ApiMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gc.bindTo(registry);
    }

    void watch(KafkaStreams kafkaStreams) {
        streams = new KafkaStreamsMetrics(kafkaStreams);
        streams.bindTo(registry);
    }

    void request(String route, int status) {
        Counter.builder("api.requests")
                .description("Query API requests answered, by route and status")
                .tag("route", route)
                .tag("status", Integer.toString(status))
                .register(registry)
                .increment();
    }

    String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        if (streams != null) {
            streams.close();
        }
        gc.close();
        registry.close();
    }
}
