package dev.stitch.stream.api;

import dev.stitch.stream.api.ApiInstances.Answer;
import dev.stitch.stream.topology.StitchDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.stitch.stream.api.ApiInstances.host;
import static dev.stitch.stream.api.ApiInstances.serve;
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

    private final ApiInstances instances = new ApiInstances();

    @AfterEach
    void stop() throws Exception {
        instances.close();
    }

    @Test
    void searchesByEmailAnonymousIdAndTraitAndListsUsersByEmailOrTrait() throws Exception {
        StitchDriver stitch = driver();
        stitch.send(page("p1", "pixel-1", "Home", at(1)))
                .send(identifyWithTraits("i1", "user-42", "pixel-1", "{\"email\":\"Ada@Example.com\",\"plan\":\"pro\"}", at(2)))
                .send(identifyWithTraits("i2", "user-43", null, "{\"email\":\"bob@example.com\",\"plan\":\"pro\"}", at(3)))
                .settle();
        QueryApi api = api(stitch);

        Answer byEmail = instances.get(api, "/v1/search?q=" + encoded("ADA@example.com"));
        assertThat(byEmail.status()).isEqualTo(200);
        assertThat(byEmail.body()).isEqualTo("{\"query\":\"ADA@example.com\",\"matches\":[{\"userId\":\"user-42\",\"matchedBy\":\"email\","
                + "\"trait\":\"email\",\"value\":\"ada@example.com\"}]}");
        assertThat(instances.get(api, "/v1/search?q=pixel-1").body()).isEqualTo("{\"query\":\"pixel-1\",\"matches\":[{\"userId\":\"user-42\","
                + "\"matchedBy\":\"anonymousId\",\"value\":\"pixel-1\"}]}");
        assertThat(instances.get(api, "/v1/search?q=pro&limit=1").body()).isEqualTo("{\"query\":\"pro\",\"matches\":[{\"userId\":\"user-42\","
                + "\"matchedBy\":\"trait\",\"trait\":\"plan\",\"value\":\"pro\"}]}");
        assertThat(instances.get(api, "/v1/search?q=nobody").body()).isEqualTo("{\"query\":\"nobody\",\"matches\":[]}");

        assertThat(instances.get(api, "/v1/users?email=ada%40example.com").body()).isEqualTo("{\"users\":[\"user-42\"]}");
        assertThat(instances.get(api, "/v1/users?trait=plan&value=pro").body()).isEqualTo("{\"users\":[\"user-42\",\"user-43\"]}");
        assertThat(instances.get(api, "/v1/users?trait=plan&value=pro&limit=1").body()).isEqualTo("{\"users\":[\"user-42\"]}");
        assertThat(instances.get(api, "/v1/users?email=nobody%40example.com").body()).isEqualTo("{\"users\":[]}");
    }

    @Test
    void refusesMissingTooLongAndMixedParametersNamingThem() throws Exception {
        QueryApi api = api(driver());

        assertRefused(instances.get(api, "/v1/search"), "missing_parameter", "q");
        assertRefused(instances.get(api, "/v1/search?q="), "missing_parameter", "q");
        assertRefused(instances.get(api, "/v1/search?q=" + "x".repeat(257)), "query_too_long", "q");
        assertThat(instances.get(api, "/v1/search?q=" + "x".repeat(256)).status()).as("at the limit").isEqualTo(200);
        for (String limit : new String[]{"0", "101", "ten"}) {
            assertRefused(instances.get(api, "/v1/search?q=x&limit=" + limit), "invalid_parameter", "limit");
        }
        assertRefused(instances.get(api, "/v1/users"), "missing_parameter", "email");
        assertRefused(instances.get(api, "/v1/users?email="), "missing_parameter", "email");
        assertRefused(instances.get(api, "/v1/users?email=a%40b&trait=plan"), "invalid_parameter", "email");
        assertRefused(instances.get(api, "/v1/users?trait=plan"), "missing_parameter", "value");
        assertRefused(instances.get(api, "/v1/users?value=pro"), "missing_parameter", "trait");
        assertRefused(instances.get(api, "/v1/users?email=" + "x".repeat(257)), "query_too_long", "email");

        HttpResponse<String> noToken = HttpClient.newHttpClient().send(HttpRequest.newBuilder(ApiInstances.uri(api, "/v1/search?q=x"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(noToken.statusCode()).isEqualTo(401);
    }

    @Test
    void twoInstancesEachAnswerForTheirOwnPartitionsAndTheOneAskedMergesTheAnswers() throws Exception {
        StitchDriver first = driver();
        first.send(identifyWithTraits("i1", "user-a", null, "{\"email\":\"a@example.com\",\"team\":\"blue\"}", at(1))).settle();
        StitchDriver second = driver();
        second.send(identifyWithTraits("i2", "user-b", "pixel-b", "{\"email\":\"b@example.com\",\"team\":\"blue\"}", at(2))).settle();
        QueryApi firstApi = instances.unserved();
        QueryApi secondApi = instances.unserved();
        ClusterLayout layout = new ClusterLayout()
                .partition(0, first, host(firstApi))
                .partition(1, second, host(secondApi));
        serve(layout, firstApi);
        serve(layout, secondApi);

        for (QueryApi asked : List.of(firstApi, secondApi)) {
            Answer team = instances.get(asked, "/v1/search?q=blue");
            assertThat(team.body()).isEqualTo("{\"query\":\"blue\",\"matches\":["
                    + "{\"userId\":\"user-a\",\"matchedBy\":\"trait\",\"trait\":\"team\",\"value\":\"blue\"},"
                    + "{\"userId\":\"user-b\",\"matchedBy\":\"trait\",\"trait\":\"team\",\"value\":\"blue\"}]}");
            assertThat(team.servedBy()).isEqualTo("localhost:" + asked.port() + ",localhost:"
                    + (asked == firstApi ? secondApi : firstApi).port());
            assertThat(team.replica()).isEqualTo("active");
            assertThat(instances.get(asked, "/v1/search?q=pixel-b").body()).contains("\"userId\":\"user-b\",\"matchedBy\":\"anonymousId\"");
            assertThat(instances.get(asked, "/v1/users?email=b%40example.com").body()).isEqualTo("{\"users\":[\"user-b\"]}");
            assertThat(instances.get(asked, "/v1/users?trait=team&value=blue&limit=1").body()).isEqualTo("{\"users\":[\"user-a\"]}");
        }
    }

    @Test
    void aPartitionWhoseInstanceIsDownIsAnsweredByItsStandbyAndTheAnswerSaysSo() throws Exception {
        StitchDriver own = driver();
        own.send(identifyWithTraits("i1", "user-a", null, "{\"team\":\"blue\"}", at(1))).settle();
        StitchDriver stoppedOnes = driver();
        stoppedOnes.send(identifyWithTraits("i2", "user-b", null, "{\"team\":\"blue\"}", at(2))).settle();
        QueryApi asked = instances.unserved();
        QueryApi standby = instances.unserved();
        ClusterLayout layout = new ClusterLayout()
                .partition(0, own, host(asked))
                .partition(1, stoppedOnes, instances.stoppedInstance(), host(standby));
        serve(layout, asked);
        serve(layout, standby);

        Answer answer = instances.get(asked, "/v1/search?q=blue");

        assertThat(answer.status()).as(answer.body()).isEqualTo(200);
        assertThat(answer.json().path("matches").findValuesAsText("userId")).containsExactly("user-a", "user-b");
        assertThat(answer.servedBy()).isEqualTo("localhost:" + asked.port() + ",localhost:" + standby.port());
        assertThat(answer.replica()).isEqualTo("standby");
    }

    @Test
    void aPartitionWithNoReadableCopyMakesTheSearchUnavailableRatherThanIncomplete() throws Exception {
        StitchDriver stitch = driver();
        stitch.send(identifyWithTraits("i1", "user-a", null, "{\"team\":\"blue\"}", at(1))).settle();
        QueryApi api = instances.unserved();
        serve(new ClusterLayout()
                .partition(0, stitch, host(api))
                .partition(1, driver(), instances.stoppedInstance()), api);

        Answer answer = instances.get(api, "/v1/search?q=blue");

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.json().get("error").asText()).isEqualTo("unavailable");
        assertThat(answer.json().get("message").asText()).startsWith("No copy of partition 1 of ").contains("did not answer");
        assertThat(answer.retryAfter()).isEqualTo("1");
    }

    @Test
    void aStandbyThatCannotAnswerEitherMakesTheSearchUnavailable() throws Exception {
        QueryApi api = instances.unserved();
        QueryApi standby = instances.unserved();
        ClusterLayout layout = new ClusterLayout()
                .partition(0, driver(), host(api))
                .partition(1, driver(), instances.stoppedInstance(), host(standby))
                .restoring(host(standby), 1);
        serve(layout, api);
        serve(layout, standby);

        Answer answer = instances.get(api, "/v1/search?q=blue");

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.json().get("message").asText())
                .contains("partition 1 of users-by-trait")
                .contains("did not answer")
                .contains("the instance localhost:" + standby.port() + " answered 503");
    }

    @Test
    void storesBeingMovedMakeTheSearchUnavailable() throws Exception {
        QueryApi api = instances.unserved();
        serve(new ClusterLayout().partition(0, driver(), host(api)).restoring(host(api), 0), api);

        Answer answer = instances.get(api, "/v1/search?q=blue");

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.json().get("message").asText()).contains("being moved or restored");
    }

    @Test
    void aSearchBeforeThePartitionsAreKnownIsUnavailable() throws Exception {
        QueryApi api = instances.unserved();
        serve(new ClusterLayout().partition(0, driver(), host(api)).unknown(), api);

        Answer answer = instances.get(api, "/v1/users?email=a%40example.com");

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.json().get("message").asText()).contains("not known yet");
    }

    @Test
    void aForwardedSearchNamingPartitionsItCannotHaveIsRefused() throws Exception {
        QueryApi api = api(driver());

        Answer answer = instances.send(HttpRequest.newBuilder(ApiInstances.uri(api, "/v1/search?q=blue"))
                .header(QueryRoutes.FORWARDED_HEADER, "localhost:1")
                .header(SearchParts.HEADER, "timelines=0"));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").asText()).isEqualTo("invalid_header");
    }

    private StitchDriver driver() {
        return instances.keep(new StitchDriver());
    }

    /** A query API on the driver's stores, the only instance. */
    private QueryApi api(StitchDriver stitch) {
        QueryApi api = instances.unserved(stitch.serdes());
        api.serve(new DriverStateAccess(stitch));
        return api;
    }

    private static void assertRefused(Answer answer, String error, String field) throws Exception {
        assertThat(answer.status()).as(answer.body()).isEqualTo(400);
        assertThat(answer.json().get("error").asText()).as(answer.body()).isEqualTo(error);
        assertThat(answer.json().get("field").asText()).as(answer.body()).isEqualTo(field);
        assertThat(answer.json().get("message").asText()).isNotBlank();
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
