package dev.stitch.bridge;

import dev.stitch.bridge.BridgeHttp.Answer;
import dev.stitch.testing.Eventually;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;

import static dev.stitch.bridge.BridgeHttp.basic;
import static dev.stitch.bridge.BridgeHttp.utf8;
import static org.assertj.core.api.Assertions.assertThat;

class HealthAndMetricsTest {

    @RegisterExtension
    final RunningBridge running = RunningBridge.eachTest();

    @Test
    void isLiveWhileItRuns() {
        Answer answer = running.http.get("/health/live");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("status").textValue()).isEqualTo("UP");
    }

    @Test
    void isReadyWhenThePublisherIs() {
        Answer answer = running.http.get("/health/ready");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().get("status").textValue()).isEqualTo("UP");
    }

    @Test
    void isNotReadyWhenThePublisherCannotPublishSayingWhy() {
        running.publisher.ready(false);

        Answer answer = running.http.get("/health/ready");

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.json().get("status").textValue()).isEqualTo("DOWN");
        assertThat(answer.json().get("reason").textValue()).isEqualTo("the test's Kafka is away");
    }

    @Test
    void countsRequestsByPathAndStatusEventsProducedAndProduceLatency() {
        running.http.post("/v1/track", "{\"userId\":\"u\",\"event\":\"e\"}");
        running.http.post("/v1/batch", "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"a\"},"
                + "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"b\"}]}");
        running.http.post("/v1/track", utf8("{}"), "Authorization", basic("wk-wrong"));
        running.http.post("/v1/nowhere", "{}");

        String metrics = awaitMetrics("bridge_requests_total{path=\"unmatched\",status=\"404\"} 1");

        assertThat(metrics)
                .contains("bridge_requests_total{path=\"/v1/track\",status=\"200\"} 1")
                .contains("bridge_requests_total{path=\"/v1/batch\",status=\"200\"} 1")
                .contains("bridge_requests_total{path=\"/v1/track\",status=\"401\"} 1")
                .contains("bridge_events_produced_total 3")
                .contains("bridge_produce_latency_seconds_count 2");
    }

    @Test
    void servesMetricsAsPrometheusText() {
        Answer answer = running.http.get("/metrics");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Content-Type")).startsWith("text/plain");
        assertThat(answer.body()).contains("# TYPE bridge_events_produced_total counter");
    }

    /** Requests are counted once their answer is written, which may be just after the client has read it. */
    private String awaitMetrics(String expected) {
        return Eventually.within(Duration.ofSeconds(10), "/metrics showing " + expected).every(Duration.ofMillis(20))
                .until(() -> running.http.get("/metrics").body(), metrics -> metrics.contains(expected));
    }
}
