package dev.stitch.bridge;

import dev.stitch.bridge.BridgeHttp.Answer;
import dev.stitch.bridge.RecordingPublisher.Mode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static dev.stitch.bridge.BridgeHttp.KEY;
import static dev.stitch.bridge.BridgeHttp.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PublishOutcomeTest {

    private static final String TRACK = "{\"userId\":\"user-1\",\"event\":\"Paid\"}";

    private RunningBridge running;

    @AfterEach
    void stop() {
        running.close();
    }

    @Test
    void answers200OnlyOnceThePublisherHasAcknowledgedEveryEvent() throws Exception {
        running = RunningBridge.start();
        running.publisher.mode(Mode.HOLD);

        CompletableFuture<Answer> answer = running.http.sendAsync(running.http.request("/v1/track")
                .header("Authorization", basic(KEY)).POST(HttpRequest.BodyPublishers.ofString(TRACK)));
        awaitHeld(1);

        assertThatThrownBy(() -> answer.get(300, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        running.publisher.release();
        assertThat(answer.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    }

    @Test
    void waitsForManyAcknowledgementsAtOnceWithoutHoldingAThreadPerRequest() throws Exception {
        running = RunningBridge.start();
        running.publisher.mode(Mode.HOLD);

        List<CompletableFuture<Answer>> answers = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            answers.add(running.http.sendAsync(running.http.request("/v1/track")
                    .header("Authorization", basic(KEY)).POST(HttpRequest.BodyPublishers.ofString(TRACK))));
        }
        // All 100 are waiting on the publisher at once, on the bridge's one event loop.
        awaitHeld(100);
        running.publisher.release();

        for (CompletableFuture<Answer> answer : answers) {
            assertThat(answer.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
    }

    @Test
    void answers503WithRetryAfterWhenThePublisherFails() {
        running = RunningBridge.start();
        running.publisher.mode(Mode.FAIL);

        Answer answer = running.http.post("/v1/track", TRACK);

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.header("Retry-After")).isEqualTo("5");
        assertThat(answer.json().get("error").textValue()).isEqualTo("kafka_unavailable");
        assertThat(answer.json().get("message").textValue()).contains("again in 5 s").doesNotContain("test's publisher");
    }

    @Test
    void answers503WithRetryAfterWhenThePublisherDoesNotAcknowledgeInTime() {
        running = RunningBridge.start(RunningBridge.config().withPublishTimeout(Duration.ofMillis(300)));
        running.publisher.mode(Mode.NEVER_ANSWER);

        long started = System.nanoTime();
        Answer answer = running.http.post("/v1/batch", "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\"}]}");
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.header("Retry-After")).isEqualTo("5");
        assertThat(answer.json().get("message").textValue()).contains("300 ms");
        assertThat(tookMs).isGreaterThanOrEqualTo(300);
    }

    @Test
    void handsTheEventsOfOneRequestToThePublisherTogetherAndInOrder() {
        running = RunningBridge.start();

        running.http.post("/v1/batch", "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"a\"},"
                + "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"b\"}]}");

        assertThat(running.publisher.requests()).hasSize(1);
        assertThat(running.publisher.requests().get(0)).extracting(e -> e.getEvent()).containsExactly("a", "b");
    }

    private void awaitHeld(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (running.publisher.heldCount() < count) {
            assertThat(System.nanoTime()).as("the publisher was not called within 10 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
