package dev.stitch.launcher;

import dev.stitch.stream.config.AppConfig;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What the local query API knows of a user who has nothing on the timeline topic yet: unknown, or known
 * with events still waiting out the reorder grace. Asked of the embedded default only (with the token it
 * keeps in its data directory); elsewhere the CLI does not know where the API is.
 */
final class UserStatus {

    private UserStatus() {
    }

    /** A sentence for a user with no records on the timeline topic yet. */
    static String ofUserWithoutRecords(AppConfig config, String userId, String topic) {
        if (!config.embedded()) {
            return "(no events for " + userId + " on " + topic + " yet)";
        }
        Integer status = profileStatus(config, config.api().token(), userId);
        if (status == null) {
            return "(no events for " + userId + " on " + topic + " yet)";
        }
        if (status == 200) {
            return "(no events for " + userId + " on " + topic + " yet: the application knows " + userId
                    + ", and its events are still waiting out the reorder grace, STITCH_REORDER_GRACE; run this again in a few seconds)";
        }
        if (status == 404) {
            return "(" + userId + " is unknown: no event of it has reached the application; check the userId, which is case-sensitive)";
        }
        return "(no events for " + userId + " on " + topic + " yet; the query API answered " + status + ")";
    }

    private static Integer profileStatus(AppConfig config, String token, String userId) {
        URI uri = URI.create("http://localhost:" + config.api().port() + "/v1/users/" + URLEncoder.encode(userId, StandardCharsets.UTF_8)
                .replace("+", "%20"));
        try {
            HttpResponse<Void> answer = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).header("Authorization", "Bearer " + token).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return answer.statusCode();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
