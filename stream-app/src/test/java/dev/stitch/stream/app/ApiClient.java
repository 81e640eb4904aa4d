package dev.stitch.stream.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.events.SegmentEventParser;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The query API as the integration tests ask it: with the token, asking again while an instance cannot answer yet (503). */
public final class ApiClient {

    public record Answer(int status, JsonNode json, String servedBy) {
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final String token;

    public ApiClient(String token) {
        this.token = token;
    }

    public Answer get(StitchApplication app, String path) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.apiPort() + path))
                    .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 503 || System.nanoTime() > deadline) {
                return new Answer(response.statusCode(), SegmentEventParser.JSON.readTree(response.body()),
                        response.headers().firstValue("X-Stitch-Served-By").orElse(null));
            }
            Thread.sleep(100);
        }
    }

    /** Asks until the answer has {@code status}, and asserts that it came within a minute. */
    public Answer awaitStatus(StitchApplication app, String path, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Answer answer = get(app, path);
        while (answer.status() != status && System.nanoTime() < deadline) {
            Thread.sleep(100);
            answer = get(app, path);
        }
        assertThat(answer.status()).as(path + " answered " + answer.json()).isEqualTo(status);
        return answer;
    }

    /** Asks until the profile counts {@code count} events: they are counted once they reach the user. */
    public Answer awaitProfileCount(StitchApplication app, String userId, long count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Answer answer = get(app, "/v1/users/" + userId);
        while ((answer.status() != 200 || answer.json().get("eventCount").asLong() < count) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            answer = get(app, "/v1/users/" + userId);
        }
        return answer;
    }
}
