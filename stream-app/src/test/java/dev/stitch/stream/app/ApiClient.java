package dev.stitch.stream.app;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.testing.Eventually;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

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
        return Eventually.within(Duration.ofSeconds(60), path + " answered by an instance that can answer (not 503)")
                .until(() -> ask(app, path), answer -> answer.status() != 503);
    }

    /** Asks until the answer has {@code status}, and fails with the last answer when none came within a minute. */
    public Answer awaitStatus(StitchApplication app, String path, int status) throws Exception {
        return Eventually.within(Duration.ofSeconds(60), path + " answering " + status)
                .until(() -> get(app, path), answer -> answer.status() == status);
    }

    /** Asks until the profile counts {@code count} events: they are counted once they reach the user. */
    public Answer awaitProfileCount(StitchApplication app, String userId, long count) throws Exception {
        return Eventually.within(Duration.ofSeconds(60), "the profile of " + userId + " counting " + count + " events")
                .until(() -> get(app, "/v1/users/" + userId),
                        answer -> answer.status() == 200 && answer.json().get("eventCount").asLong() >= count);
    }

    private Answer ask(StitchApplication app, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.apiPort() + path))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), SegmentEventParser.JSON.readTree(response.body()),
                response.headers().firstValue("X-Stitch-Served-By").orElse(null));
    }
}
