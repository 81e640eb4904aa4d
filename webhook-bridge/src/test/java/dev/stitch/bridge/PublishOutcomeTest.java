package dev.stitch.bridge;

import dev.stitch.bridge.BridgeHttp.Answer;
import dev.stitch.bridge.RecordingPublisher.Mode;
import dev.stitch.testing.Eventually;
import org.junit.jupiter.api.AfterEach;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static dev.stitch.bridge.BridgeHttp.KEY;
import static dev.stitch.bridge.BridgeHttp.basic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class PublishOutcomeTest {

    private static final String TRACK = "{\"userId\":\"user-1\",\"event\":\"Paid\"}";
    private static final String TYPED_TRACK = "{\"type\":\"track\",\"userId\":\"user-1\",\"event\":\"Paid\"}";

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

        Answer answer = running.http.post("/v1/batch", "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\"}]}");

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.header("Retry-After")).isEqualTo("5");
        // The publisher never answers, so only the publish timeout can have answered.
        assertThat(answer.json().get("message").textValue()).contains("300 ms");
    }

    static Stream<Arguments> dataErrors() {
        return Stream.of(
                arguments(new RecordTooLargeException("the record is 2000000 bytes"), 413, "record_too_large"),
                arguments(new InvalidTimestampException("timestamp out of range"), 400, "invalid_timestamp"),
                arguments(new SerializationException("cannot encode"), 500, "serialization_failed"),
                arguments(new CompletionException(new RecordTooLargeException("wrapped")), 413, "record_too_large"),
                arguments(new ArithmeticException("long overflow"), 500, "internal_error"));
    }

    @ParameterizedTest(name = "{1} {2} when Kafka fails with {0}")
    @MethodSource("dataErrors")
    void answersAFailureAboutTheEventsThemselvesNeverWith503(Throwable failure, int status, String code) {
        running = RunningBridge.start();
        running.publisher.failWith(failure);

        Answer answer = running.http.post("/v1/track", TRACK);

        assertThat(answer.status()).isEqualTo(status);
        assertThat(answer.header("Retry-After")).isNull();
        assertThat(answer.json().get("error").textValue()).isEqualTo(code);
    }

    @Test
    void answers503WhenKafkaTimesOut() {
        running = RunningBridge.start();
        running.publisher.failWith(new org.apache.kafka.common.errors.TimeoutException("Expiring 1 record(s)"));

        Answer answer = running.http.post("/v1/track", TRACK);

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.json().get("error").textValue()).isEqualTo("kafka_unavailable");
    }

    @Test
    void timestampsTheRecordsWithTheBridgesClockNotTheClients() {
        running = RunningBridge.start();
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        running.http.post("/v1/webhook", "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\",\"receivedAt\":\""
                + before.minus(Duration.ofDays(3)) + "\",\"timestamp\":\"" + before.plus(Duration.ofMinutes(9)) + "\"}");

        assertThat(running.publisher.recordTimestamps()).singleElement()
                .satisfies(timestamp -> assertThat(timestamp).isBetween(before, Instant.now()));
        assertThat(running.publisher.events().get(0).getReceivedAt()).isEqualTo(before.minus(Duration.ofDays(3)));
    }

    @Test
    void answers503WithRetryAfterWhenTooManyEventsWaitForKafka() throws Exception {
        running = RunningBridge.start(RunningBridge.config().withTraffic(new TrafficLimits(Duration.ofSeconds(30), Duration.ofSeconds(10),
                1_000, 64L << 20, 2)));
        running.publisher.mode(Mode.HOLD);
        CompletableFuture<Answer> waiting = running.http.sendAsync(running.http.request("/v1/batch").header("Authorization", basic(KEY))
                .POST(HttpRequest.BodyPublishers.ofString("{\"batch\":[" + TYPED_TRACK + "," + TYPED_TRACK + "]}")));
        awaitHeld(1);

        Answer answer = running.http.post("/v1/track", TRACK);

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.header("Retry-After")).isEqualTo("5");
        assertThat(answer.json().get("error").textValue()).isEqualTo("queue_full");
        running.publisher.release();
        assertThat(waiting.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        running.publisher.mode(Mode.ACKNOWLEDGE);
        assertThat(running.http.post("/v1/track", TRACK).status()).as("accepted again once Kafka acknowledged").isEqualTo(200);
    }

    @Test
    void handsTheEventsOfOneRequestToThePublisherTogetherAndInOrder() {
        running = RunningBridge.start();

        running.http.post("/v1/batch", "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"a\"},"
                + "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"b\"}]}");

        assertThat(running.publisher.requests()).hasSize(1);
        assertThat(running.publisher.requests().get(0)).extracting(e -> e.getEvent()).containsExactly("a", "b");
    }

    private void awaitHeld(int count) {
        Eventually.within(Duration.ofSeconds(10), "the publisher holding " + count + " requests").every(Duration.ofMillis(5))
                .until(running.publisher::heldCount, held -> held >= count);
    }
}
