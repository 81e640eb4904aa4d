package dev.stitch.stream.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.internal.UserState;
import dev.stitch.stream.config.ApiConfig;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.state.Catalogue;
import dev.stitch.stream.topology.SegmentEvents;
import dev.stitch.stream.topology.StitchDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.page;
import static dev.stitch.stream.topology.SegmentEvents.serverIdentify;
import static org.assertj.core.api.Assertions.assertThat;

/** The query API over real HTTP, on the stores of a {@link StitchDriver}: answers, refusals, health and metrics. */
class QueryApiTest {

    private static final String TOKEN = "test-token";

    private final HttpClient http = HttpClient.newHttpClient();
    private final StitchDriver stitch = new StitchDriver();
    private QueryApi api;

    @BeforeEach
    void start() {
        api = QueryApi.start(new ApiConfig("localhost", 0, TOKEN, "localhost"),
                stitch.serdes().timelineEvent().deserializer(), StitchSettings.defaults().topics().timeline(), this::eraseInDriver);
    }

    @AfterEach
    void stop() {
        api.close();
        stitch.close();
    }

    @Test
    void answersTheTimelineProfileAndAnonymousIdOfTheDocumentedFlow() throws Exception {
        serveFlow();

        Answer timeline = get("/v1/users/user-42/timeline", TOKEN);
        assertThat(timeline.status).isEqualTo(200);
        assertThat(timeline.contentType).startsWith("application/json");
        assertThat(timeline.json.get("userId").asText()).isEqualTo("user-42");
        assertThat(timeline.json.get("events")).hasSize(3);
        assertThat(timeline.json.get("events").get(2).get("type").asText()).isEqualTo("identify");

        Answer profile = get("/v1/users/user-42", TOKEN);
        assertThat(profile.status).isEqualTo(200);
        assertThat(profile.json.get("eventCount").asLong()).isEqualTo(3);

        Answer anonymous = get("/v1/anonymous/pixel-1", TOKEN);
        assertThat(anonymous.status).isEqualTo(200);
        assertThat(anonymous.json.toString()).isEqualTo("{\"anonymousId\":\"pixel-1\",\"userId\":\"user-42\"}");

        Answer paged = get("/v1/users/user-42/timeline?limit=2", TOKEN);
        Answer rest = get("/v1/users/user-42/timeline?limit=2&after=" + paged.json.get("next").asText(), TOKEN);
        assertThat(rest.json.get("events")).hasSize(1);
        assertThat(rest.json.get("events").get(0).get("messageId").asText()).isEqualTo("i1");
    }

    @Test
    void aUserIdMergedIntoAnotherIsAnsweredForItsCanonicalUserSayingSo() throws Exception {
        stitch.send(SegmentEvents.track("p1", "user-p", null, "Signed up", at(1)))
                .send(SegmentEvents.track("u1", "user-u", null, "Opened", at(2)))
                .send(SegmentEvents.alias("a1", "user-p", "user-u", null, at(3)))
                .send(SegmentEvents.alias("a2", "user-u", "user-w", null, at(4)))
                .settle();
        api.serve(new DriverStateAccess(stitch));

        for (String merged : new String[]{"user-p", "user-u"}) {
            Answer timeline = get("/v1/users/" + merged + "/timeline?limit=2", TOKEN);
            assertThat(timeline.status).as(merged).isEqualTo(200);
            assertThat(timeline.json.get("userId").asText()).isEqualTo("user-w");
            assertThat(timeline.json.get("mergedFrom").asText()).isEqualTo(merged);
            assertThat(timeline.json.get("events")).extracting(event -> event.get("messageId").asText()).containsExactly("p1", "u1");
            assertThat(timeline.json.has("next")).isTrue();

            Answer profile = get("/v1/users/" + merged, TOKEN);
            assertThat(profile.status).as(merged).isEqualTo(200);
            assertThat(profile.json.get("userId").asText()).isEqualTo("user-w");
            assertThat(profile.json.get("mergedFrom").asText()).isEqualTo(merged);
            assertThat(profile.json.get("eventCount").asLong()).isEqualTo(4);
            assertThat(profile.json.get("mergedIds")).extracting(JsonNode::asText).containsExactlyInAnyOrder("user-p", "user-u");
        }
        Answer canonical = get("/v1/users/user-w", TOKEN);
        assertThat(canonical.json.get("userId").asText()).isEqualTo("user-w");
        assertThat(canonical.json.has("mergedFrom")).isFalse();
    }

    @Test
    void aUserWhoseEventsStillWaitIsFoundWithItsProfileCountingThem() throws Exception {
        stitch.send(page("p1", "pixel-1", "Home", at(1)))
                .send(serverIdentify("i1", "user-42", "pixel-1", at(2)));
        api.serve(new DriverStateAccess(stitch));

        assertThat(stitch.timelineRecords()).as("both still wait").isEmpty();
        Answer timeline = get("/v1/users/user-42/timeline", TOKEN);
        assertThat(timeline.status).isEqualTo(200);
        assertThat(timeline.json.get("events")).extracting(event -> event.get("messageId").asText()).containsExactly("p1", "i1");
        Answer profile = get("/v1/users/user-42", TOKEN);
        assertThat(profile.status).isEqualTo(200);
        assertThat(profile.json.get("eventCount").asLong()).isEqualTo(2);
        assertThat(profile.json.get("anonymousIds")).extracting(JsonNode::asText).containsExactly("pixel-1");
        assertThat(profile.json.get("anonymousIdCount").asLong()).isEqualTo(1);
    }

    @Test
    void aUserIdMergedAMomentAgoIsAnsweredForItsUserOnceItsEventsShowThere() throws Exception {
        stitch.send(SegmentEvents.track("p1", "user-p", null, "Signed up", at(1))).settle()
                .send(SegmentEvents.track("p2", "user-p", null, "Clicked", at(2)))
                .send(SegmentEvents.alias("a1", "user-p", "user-u", null, at(3)));
        api.serve(new DriverStateAccess(stitch));

        Answer timeline = get("/v1/users/user-u/timeline", TOKEN);
        assertThat(timeline.json.get("events")).as("P's events show on U, the waiting one too")
                .extracting(event -> event.get("messageId").asText()).containsExactly("p1", "p2", "a1");
        Answer profile = get("/v1/users/user-p", TOKEN);
        assertThat(profile.status).isEqualTo(200);
        assertThat(profile.json.get("userId").asText()).isEqualTo("user-u");
        assertThat(profile.json.get("mergedFrom").asText()).isEqualTo("user-p");
        assertThat(profile.json.get("eventCount").asLong()).isEqualTo(3);
        assertThat(profile.json.get("mergedIds")).extracting(JsonNode::asText).containsExactly("user-p");
        Answer merged = get("/v1/users/user-p/timeline", TOKEN);
        assertThat(merged.json.get("mergedFrom").asText()).isEqualTo("user-p");
        assertThat(merged.json.get("events")).hasSize(3);
    }

    @Test
    void aUserIdMergedIntoAUserItsEventsHaveNotReachedYetIsAnsweredInAMomentNotUnknown() throws Exception {
        serveFlow();
        // The moment between the merge and the arrival of the merged id's events at its user (R8).
        stitch.<String, String>store(Catalogue.MERGED_TIMELINES_STORE).put("user-p", "user-new");

        for (String path : new String[]{"/v1/users/user-p", "/v1/users/user-p/timeline"}) {
            Answer answer = get(path, TOKEN);
            assertThat(answer.status).as(path).isEqualTo(503);
            assertThat(answer.headers.firstValue("Retry-After")).hasValue("1");
            assertThat(answer.json.get("message").asText()).contains("user-p is being merged into user user-new");
        }
        assertThat(get("/v1/users/user-new", TOKEN).status).as("asked for itself, the user is unknown").isEqualTo(404);
    }

    @Test
    void aUserIdMergedIntoAUserErasedForGoodIsNotFound() throws Exception {
        serveFlow();
        stitch.<String, UserState>store(Catalogue.USER_STATE_STORE).put("user-gone", new UserState(0L, 0L, "", 0L, 0L, 0L, true, List.of()));
        stitch.<String, String>store(Catalogue.MERGED_TIMELINES_STORE).put("user-p", "user-gone");

        Answer answer = get("/v1/users/user-p", TOKEN);
        assertThat(answer.status).isEqualTo(404);
        assertThat(answer.json.get("message").asText()).isEqualTo("No user with id user-p.");
    }

    @Test
    void idsWithSlashesAndSpacesAreLookedUpDecoded() throws Exception {
        stitch.send(serverIdentify("i1", "user/with space", "pixel-1", at(1))).settle();
        api.serve(new DriverStateAccess(stitch));

        Answer timeline = get("/v1/users/user%2Fwith%20space/timeline", TOKEN);
        assertThat(timeline.status).isEqualTo(200);
        assertThat(timeline.json.get("userId").asText()).isEqualTo("user/with space");
    }

    @Test
    void refusesAMissingOrWrongToken() throws Exception {
        serveFlow();

        for (String token : new String[]{null, "wrong", TOKEN + "x", ""}) {
            Answer answer = get("/v1/users/user-42/timeline", token);
            assertThat(answer.status).as("token %s", token).isEqualTo(401);
            assertThat(answer.json.get("error").asText()).isEqualTo("unauthorized");
            assertThat(answer.json.get("message").asText()).contains("Bearer");
            assertThat(answer.headers.firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"stitch\"");
            assertThat(answer.json.get("message").asText()).as("token %s", token)
                    .contains(token == null || token.isEmpty() ? "has no API token" : "is not this API's token");
        }
    }

    @Test
    void answersNotFoundForUnknownIdsNamingTheField() throws Exception {
        serveFlow();

        Answer user = get("/v1/users/nobody/timeline", TOKEN);
        assertThat(user.status).isEqualTo(404);
        assertThat(user.json.get("error").asText()).isEqualTo("not_found");
        assertThat(user.json.get("field").asText()).isEqualTo("userId");
        assertThat(user.json.get("message").asText()).contains("nobody");
        assertThat(get("/v1/users/nobody", TOKEN).status).isEqualTo(404);
        Answer anonymous = get("/v1/anonymous/nobody", TOKEN);
        assertThat(anonymous.status).isEqualTo(404);
        assertThat(anonymous.json.get("field").asText()).isEqualTo("anonymousId");
        Answer path = get("/v1/people", TOKEN);
        assertThat(path.status).isEqualTo(404);
        assertThat(path.json.get("error").asText()).isEqualTo("not_found");
    }

    @Test
    void refusesBadPagingParametersNamingThem() throws Exception {
        serveFlow();

        for (String limit : new String[]{"0", "-1", "1001", "ten", "1.5"}) {
            Answer answer = get("/v1/users/user-42/timeline?limit=" + limit, TOKEN);
            assertThat(answer.status).as("limit=%s", limit).isEqualTo(400);
            assertThat(answer.json.get("error").asText()).isEqualTo("invalid_parameter");
            assertThat(answer.json.get("field").asText()).isEqualTo("limit");
        }
        Answer after = get("/v1/users/user-42/timeline?after=yesterday", TOKEN);
        assertThat(after.status).isEqualTo(400);
        assertThat(after.json.get("field").asText()).isEqualTo("after");
    }

    @Test
    void answersOnlyGet() throws Exception {
        serveFlow();

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/v1/users/user-42"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("DELETE, GET");
    }

    @Test
    void isAliveButNotReadyUntilTheApplicationIsServedAndThenAnswers() throws Exception {
        assertThat(get("/health/live", null).status).isEqualTo(200);
        Answer ready = get("/health/ready", null);
        assertThat(ready.status).isEqualTo(503);
        assertThat(ready.json.get("status").asText()).isEqualTo("DOWN");
        Answer early = get("/v1/users/user-42", TOKEN);
        assertThat(early.status).isEqualTo(503);
        assertThat(early.headers.firstValue("Retry-After")).hasValue("1");
        assertThat(early.json.get("error").asText()).isEqualTo("unavailable");

        serveFlow();
        assertThat(get("/health/ready", null).status).isEqualTo(200);
    }

    @Test
    void countsRequestsByRouteAndStatusForPrometheus() throws Exception {
        serveFlow();
        get("/v1/users/user-42", TOKEN);
        get("/v1/users/nobody", TOKEN);

        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(uri("/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("api_requests_total{route=\"/v1/users/:userId\",status=\"200\"} 1.0")
                .contains("api_requests_total{route=\"/v1/users/:userId\",status=\"404\"} 1.0")
                .contains("jvm_memory_used_bytes");
    }

    @Test
    void takesAnErasureRequestWith202AndThenAnswersNotFoundForEveryErasedId() throws Exception {
        serveFlow();

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/v1/users/user-42"))
                .header("Authorization", "Bearer " + TOKEN).DELETE().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode body = SegmentEventParser.JSON.readTree(response.body());
        assertThat(body.get("userId").asText()).isEqualTo("user-42");
        assertThat(body.get("erasure").asText()).isEqualTo("requested");
        assertThat(body.get("messageId").asText()).isEqualTo("erase-1");
        assertThat(get("/v1/users/user-42", TOKEN).status).isEqualTo(404);
        assertThat(get("/v1/users/user-42/timeline", TOKEN).status).isEqualTo(404);
        assertThat(get("/v1/anonymous/pixel-1", TOKEN).status).isEqualTo(404);
    }

    @Test
    void refusesAnErasureWithoutTheToken() throws Exception {
        serveFlow();

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/v1/users/user-42")).DELETE().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(get("/v1/users/user-42", TOKEN).status).isEqualTo(200);
    }

    /** What the stream does with a request from the API, here in the driver at once. */
    private CompletionStage<String> eraseInDriver(String userId) {
        stitch.send(SegmentEvents.event("erase-1", "delete", userId, null, null, at(100)).build()).settle();
        return CompletableFuture.completedFuture("erase-1");
    }

    private void serveFlow() {
        stitch.send(page("p1", "pixel-1", "Home", at(1)))
                .send(page("p2", "pixel-1", "Pricing", at(2)))
                .send(serverIdentify("i1", "user-42", "pixel-1", at(3)))
                .settle();
        api.serve(new DriverStateAccess(stitch));
    }

    private record Answer(int status, String contentType, JsonNode json, java.net.http.HttpHeaders headers) {
    }

    private Answer get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                SegmentEventParser.JSON.readTree(response.body()), response.headers());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + api.port() + path);
    }
}
