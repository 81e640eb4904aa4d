package dev.stitch.benchmark;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.events.SegmentEventParser;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Asks an instance's query API for a user's timeline, as a client would, and says how it answered. */
final class QueryProbe {

    /** The status of a request that got no answer: nothing listens, or it took longer than the timeout. */
    static final int NO_ANSWER = 0;

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final String token;

    QueryProbe(String token) {
        this.token = token;
    }

    /**
     * How {@code GET /v1/users/{userId}/timeline?limit=1} was answered.
     *
     * @param status  the HTTP status, or {@link #NO_ANSWER}
     * @param standby whether a standby copy answered ({@code X-Stitch-Replica: standby}), its active being unable to
     */
    record Answer(int status, boolean standby) {
    }

    /** The HTTP status of {@code GET /v1/users/{userId}/timeline?limit=1}, or {@link #NO_ANSWER}. */
    int timelineStatus(String apiUrl, String userId) throws InterruptedException {
        return timeline(apiUrl, userId).status();
    }

    /** The Kafka Streams state {@code GET /health/ready} names ({@code RUNNING}, ...), or null while nothing answers. */
    String streamsState(String apiUrl) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiUrl + "/health/ready")).timeout(TIMEOUT).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode streams = SegmentEventParser.JSON.readTree(response.body()).get("streams");
            return streams == null ? null : streams.asText();
        } catch (IOException e) {
            return null;
        }
    }

    /** How {@code GET /v1/users/{userId}/timeline?limit=1} was answered. */
    Answer timeline(String apiUrl, String userId) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(apiUrl + "/v1/users/"
                        + URLEncoder.encode(userId, StandardCharsets.UTF_8) + "/timeline?limit=1"))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .GET().build();
        try {
            HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
            return new Answer(response.statusCode(), response.headers().firstValue("X-Stitch-Replica").filter("standby"::equals).isPresent());
        } catch (IOException e) {
            return new Answer(NO_ANSWER, false);
        }
    }
}
