package dev.stitch.stream.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.stream.config.ApiConfig;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.topology.StitchDriver;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
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

import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.identifyWithTraits;
import static dev.stitch.stream.topology.SegmentEvents.page;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /v1/search} and {@code GET /v1/users?email=} over real HTTP: the answers, the refusals;
 * instances each answering for their partitions, merged by the one asked, a standby answering for a
 * stopped instance's partitions, and a 503 rather than an answer without some partition.
 */
class SearchRoutesTest {

    private static final String TOKEN = "test-token";

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> running = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    @Test
    void searchesByEmailAnonymousIdAndTraitAndListsUsersByEmailOrTrait() throws Exception {
        StitchDriver stitch = driver();
        stitch.send(page("p1", "pixel-1", "Home", at(1)))
                .send(identifyWithTraits("i1", "user-42", "pixel-1", "{\"email\":\"Ada@Example.com\",\"plan\":\"pro\"}", at(2)))
                .send(identifyWithTraits("i2", "user-43", null, "{\"email\":\"bob@example.com\",\"plan\":\"pro\"}", at(3)))
                .settle();
        QueryApi api = api(stitch);

        Answer byEmail = get(api, "/v1/search?q=" + encoded("ADA@example.com"));
        assertThat(byEmail.status).isEqualTo(200);
        assertThat(byEmail.body).isEqualTo("{\"query\":\"ADA@example.com\",\"matches\":[{\"userId\":\"user-42\",\"matchedBy\":\"email\","
                + "\"trait\":\"email\",\"value\":\"ada@example.com\"}]}");
        assertThat(get(api, "/v1/search?q=pixel-1").body).isEqualTo("{\"query\":\"pixel-1\",\"matches\":[{\"userId\":\"user-42\","
                + "\"matchedBy\":\"anonymousId\",\"value\":\"pixel-1\"}]}");
        assertThat(get(api, "/v1/search?q=pro&limit=1").body).isEqualTo("{\"query\":\"pro\",\"matches\":[{\"userId\":\"user-42\","
                + "\"matchedBy\":\"trait\",\"trait\":\"plan\",\"value\":\"pro\"}]}");
        assertThat(get(api, "/v1/search?q=nobody").body).isEqualTo("{\"query\":\"nobody\",\"matches\":[]}");

        assertThat(get(api, "/v1/users?email=ada%40example.com").body).isEqualTo("{\"users\":[\"user-42\"]}");
        assertThat(get(api, "/v1/users?trait=plan&value=pro").body).isEqualTo("{\"users\":[\"user-42\",\"user-43\"]}");
        assertThat(get(api, "/v1/users?trait=plan&value=pro&limit=1").body).isEqualTo("{\"users\":[\"user-42\"]}");
        assertThat(get(api, "/v1/users?email=nobody%40example.com").body).isEqualTo("{\"users\":[]}");
    }

    @Test
    void refusesMissingTooLongAndMixedParametersNamingThem() throws Exception {
        QueryApi api = api(driver());

        assertRefused(get(api, "/v1/search"), "missing_parameter", "q");
        assertRefused(get(api, "/v1/search?q="), "missing_parameter", "q");
        assertRefused(get(api, "/v1/search?q=" + "x".repeat(257)), "query_too_long", "q");
        assertThat(get(api, "/v1/search?q=" + "x".repeat(256)).status).as("at the limit").isEqualTo(200);
        for (String limit : new String[]{"0", "101", "ten"}) {
            assertRefused(get(api, "/v1/search?q=x&limit=" + limit), "invalid_parameter", "limit");
        }
        assertRefused(get(api, "/v1/users"), "missing_parameter", "email");
        assertRefused(get(api, "/v1/users?email="), "missing_parameter", "email");
        assertRefused(get(api, "/v1/users?email=a%40b&trait=plan"), "invalid_parameter", "email");
        assertRefused(get(api, "/v1/users?trait=plan"), "missing_parameter", "value");
        assertRefused(get(api, "/v1/users?value=pro"), "missing_parameter", "trait");
        assertRefused(get(api, "/v1/users?email=" + "x".repeat(257)), "query_too_long", "email");

        HttpResponse<String> noToken = http.send(HttpRequest.newBuilder(uri(api, "/v1/search?q=x")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(noToken.statusCode()).isEqualTo(401);
    }

    @Test
    void twoInstancesEachAnswerForTheirOwnPartitionsAndTheOneAskedMergesTheAnswers() throws Exception {
        StitchDriver first = driver();
        first.send(identifyWithTraits("i1", "user-a", null, "{\"email\":\"a@example.com\",\"team\":\"blue\"}", at(1))).settle();
        StitchDriver second = driver();
        second.send(identifyWithTraits("i2", "user-b", "pixel-b", "{\"email\":\"b@example.com\",\"team\":\"blue\"}", at(2))).settle();
        QueryApi firstApi = unserved();
        QueryApi secondApi = unserved();
        ClusterLayout layout = new ClusterLayout()
                .partition(0, first, host(firstApi))
                .partition(1, second, host(secondApi));
        serve(firstApi, layout);
        serve(secondApi, layout);

        for (QueryApi asked : List.of(firstApi, secondApi)) {
            Answer team = get(asked, "/v1/search?q=blue");
            assertThat(team.body).isEqualTo("{\"query\":\"blue\",\"matches\":["
                    + "{\"userId\":\"user-a\",\"matchedBy\":\"trait\",\"trait\":\"team\",\"value\":\"blue\"},"
                    + "{\"userId\":\"user-b\",\"matchedBy\":\"trait\",\"trait\":\"team\",\"value\":\"blue\"}]}");
            assertThat(team.servedBy).isEqualTo("localhost:" + asked.port() + ",localhost:"
                    + (asked == firstApi ? secondApi : firstApi).port());
            assertThat(team.replica).isEqualTo("active");
            assertThat(get(asked, "/v1/search?q=pixel-b").body).contains("\"userId\":\"user-b\",\"matchedBy\":\"anonymousId\"");
            assertThat(get(asked, "/v1/users?email=b%40example.com").body).isEqualTo("{\"users\":[\"user-b\"]}");
            assertThat(get(asked, "/v1/users?trait=team&value=blue&limit=1").body).isEqualTo("{\"users\":[\"user-a\"]}");
        }
    }

    @Test
    void aPartitionWhoseInstanceIsDownIsAnsweredByItsStandbyAndTheAnswerSaysSo() throws Exception {
        StitchDriver own = driver();
        own.send(identifyWithTraits("i1", "user-a", null, "{\"team\":\"blue\"}", at(1))).settle();
        StitchDriver stoppedOnes = driver();
        stoppedOnes.send(identifyWithTraits("i2", "user-b", null, "{\"team\":\"blue\"}", at(2))).settle();
        QueryApi asked = unserved();
        QueryApi standby = unserved();
        ClusterLayout layout = new ClusterLayout()
                .partition(0, own, host(asked))
                .partition(1, stoppedOnes, stoppedInstance(), host(standby));
        serve(asked, layout);
        serve(standby, layout);

        Answer answer = get(asked, "/v1/search?q=blue");

        assertThat(answer.status).as(answer.body).isEqualTo(200);
        assertThat(answer.json().path("matches").findValuesAsText("userId")).containsExactly("user-a", "user-b");
        assertThat(answer.servedBy).isEqualTo("localhost:" + asked.port() + ",localhost:" + standby.port());
        assertThat(answer.replica).isEqualTo("standby");
    }

    @Test
    void aPartitionWithNoReadableCopyMakesTheSearchUnavailableRatherThanIncomplete() throws Exception {
        StitchDriver stitch = driver();
        stitch.send(identifyWithTraits("i1", "user-a", null, "{\"team\":\"blue\"}", at(1))).settle();
        QueryApi api = unserved();
        serve(api, new ClusterLayout()
                .partition(0, stitch, host(api))
                .partition(1, driver(), stoppedInstance()));

        Answer answer = get(api, "/v1/search?q=blue");

        assertThat(answer.status).isEqualTo(503);
        assertThat(answer.json().get("error").asText()).isEqualTo("unavailable");
        assertThat(answer.json().get("message").asText()).startsWith("No copy of partition 1 of ").contains("did not answer");
        assertThat(answer.retryAfter).isEqualTo("1");
    }

    @Test
    void aStandbyThatCannotAnswerEitherMakesTheSearchUnavailable() throws Exception {
        QueryApi api = unserved();
        QueryApi standby = unserved();
        ClusterLayout layout = new ClusterLayout()
                .partition(0, driver(), host(api))
                .partition(1, driver(), stoppedInstance(), host(standby))
                .restoring(host(standby), 1);
        serve(api, layout);
        serve(standby, layout);

        Answer answer = get(api, "/v1/search?q=blue");

        assertThat(answer.status).isEqualTo(503);
        assertThat(answer.json().get("message").asText())
                .contains("partition 1 of users-by-trait")
                .contains("did not answer")
                .contains("the instance localhost:" + standby.port() + " answered 503");
    }

    @Test
    void storesBeingMovedMakeTheSearchUnavailable() throws Exception {
        QueryApi api = unserved();
        serve(api, new ClusterLayout().partition(0, driver(), host(api)).restoring(host(api), 0));

        Answer answer = get(api, "/v1/search?q=blue");

        assertThat(answer.status).isEqualTo(503);
        assertThat(answer.json().get("message").asText()).contains("being moved or restored");
    }

    @Test
    void aSearchBeforeThePartitionsAreKnownIsUnavailable() throws Exception {
        QueryApi api = unserved();
        serve(api, new ClusterLayout().partition(0, driver(), host(api)).unknown());

        Answer answer = get(api, "/v1/users?email=a%40example.com");

        assertThat(answer.status).isEqualTo(503);
        assertThat(answer.json().get("message").asText()).contains("not known yet");
    }

    @Test
    void aForwardedSearchNamingPartitionsItCannotHaveIsRefused() throws Exception {
        QueryApi api = api(driver());

        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(uri(api, "/v1/search?q=blue"))
                .header("Authorization", "Bearer " + TOKEN)
                .header(QueryRoutes.FORWARDED_HEADER, "localhost:1")
                .header(SearchParts.HEADER, "timelines=0").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(SegmentEventParser.JSON.readTree(answer.body()).get("error").asText()).isEqualTo("invalid_header");
    }

    private StitchDriver driver() {
        StitchDriver driver = new StitchDriver();
        running.add(driver);
        return driver;
    }

    /** A query API on the driver's stores, the only instance. */
    private QueryApi api(StitchDriver stitch) {
        QueryApi api = unserved();
        api.serve(new DriverStateAccess(stitch));
        return api;
    }

    /** A query API that answers 503 until it is served. */
    private QueryApi unserved() {
        QueryApi api = QueryApi.start(new ApiConfig("localhost", 0, TOKEN, "localhost"),
                new StitchDriver().serdes().timelineEvent().deserializer(), StitchSettings.defaults().topics().timeline(),
                userId -> CompletableFuture.completedFuture("unused"));
        running.add(api);
        return api;
    }

    private static void serve(QueryApi api, ClusterLayout layout) {
        api.serve(layout.instance(host(api)));
    }

    private static HostInfo host(QueryApi api) {
        return new HostInfo("localhost", api.port());
    }

    /** An instance that stopped: nothing listens on its port any more. */
    private HostInfo stoppedInstance() {
        QueryApi stopped = unserved();
        HostInfo host = host(stopped);
        stopped.close();
        running.remove(stopped);
        return host;
    }

    private record Answer(int status, String body, String servedBy, String replica, String retryAfter) {
        JsonNode json() throws Exception {
            return SegmentEventParser.JSON.readTree(body);
        }
    }

    private static void assertRefused(Answer answer, String error, String field) throws Exception {
        assertThat(answer.status).as(answer.body).isEqualTo(400);
        assertThat(answer.json().get("error").asText()).as(answer.body).isEqualTo(error);
        assertThat(answer.json().get("field").asText()).as(answer.body).isEqualTo(field);
        assertThat(answer.json().get("message").asText()).isNotBlank();
    }

    private Answer get(QueryApi api, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(api, path)).header("Authorization", "Bearer " + TOKEN)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response.headers().firstValue("X-Stitch-Served-By").orElse(null),
                response.headers().firstValue("X-Stitch-Replica").orElse(null), response.headers().firstValue("Retry-After").orElse(null));
    }

    private static URI uri(QueryApi api, String path) {
        return URI.create("http://localhost:" + api.port() + path);
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
