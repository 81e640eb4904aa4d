package dev.stitch.stream.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.events.IdLimits;
import dev.stitch.events.JunkIds;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.stream.config.ApiConfig;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.topology.StitchDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code DELETE /v1/users/{userId}} over real HTTP: an id no user can have (blank, a configured junk
 * value, longer than the id limit) is refused with 400 naming the field, and nothing is sent to the stream.
 */
class ErasureRouteTest {

    private static final String TOKEN = "test-token";

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> requested = new ArrayList<>();
    private StitchDriver stitch;
    private QueryApi api;

    @BeforeEach
    void start() {
        stitch = new StitchDriver();
        api = QueryApi.start(new ApiConfig("localhost", 0, TOKEN, "localhost"), stitch.serdes().timelineEvent().deserializer(),
                StitchSettings.defaults().topics().timeline(), userId -> {
                    requested.add(userId);
                    return CompletableFuture.completedFuture("erase-" + requested.size());
                }, new ErasableUserIds(JunkIds.of(List.of("nobody", "undefined")), new IdLimits(12)));
    }

    @AfterEach
    void stop() {
        api.close();
        stitch.close();
    }

    @Test
    void refusesABlankAJunkOrATooLongIdWith400NamingTheField() throws Exception {
        for (String userId : List.of(" ", "nobody", "UNDEFINED ", "user-1234567890")) {
            HttpResponse<String> response = delete(userId);

            assertThat(response.statusCode()).as("'" + userId + "'").isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
            JsonNode body = SegmentEventParser.JSON.readTree(response.body());
            assertThat(body.get("error").asText()).isEqualTo("invalid_parameter");
            assertThat(body.get("field").asText()).isEqualTo("userId");
            assertThat(body.get("message").asText()).contains("no user has it");
        }
        assertThat(requested).as("nothing was sent to the stream").isEmpty();
    }

    @Test
    void takesAUsableIdWith202() throws Exception {
        HttpResponse<String> response = delete("user-12");

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(SegmentEventParser.JSON.readTree(response.body()).get("messageId").asText()).isEqualTo("erase-1");
        assertThat(requested).containsExactly("user-12");
    }

    private HttpResponse<String> delete(String userId) throws Exception {
        URI uri = URI.create("http://localhost:" + api.port() + "/v1/users/"
                + URLEncoder.encode(userId, StandardCharsets.UTF_8).replace("+", "%20"));
        return http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + TOKEN).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
