package dev.stitch.stream.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.stream.config.ApiConfig;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.topology.StitchDriver;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.identifyWithTraits;
import static dev.stitch.stream.topology.SegmentEvents.page;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a key look-up is read, over real HTTP between query APIs on a simulated cluster: the active
 * copy first, here or on its instance; a standby copy, here or on another instance, while the active
 * cannot answer (its instance down or answering 503, its store restoring), and the answer says so; a
 * standby that does not know the key passing it on rather than answering 404; a forwarded request
 * answered from the copy where it arrives and never forwarded again; a 503 naming every copy that
 * failed when none answers.
 */
class StandbyReadsTest {

    private static final String TOKEN = "test-token";
    private static final String TIMELINE = "/v1/users/user-42/timeline";

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> running = new ArrayList<>();
    private StitchDriver stitch;
    /** What the active copy answers: the same stores, read by the only instance. */
    private String activeTimeline;

    @BeforeEach
    void loadOneUser() throws Exception {
        stitch = keep(new StitchDriver());
        stitch.send(page("p1", "pixel-1", "Home", at(1)))
                .send(identifyWithTraits("i1", "user-42", "pixel-1", "{\"email\":\"ada@example.com\"}", at(2)))
                .settle();
        QueryApi only = unserved();
        only.serve(new DriverStateAccess(stitch));
        Answer answer = get(only, TIMELINE);
        assertThat(answer.status).as(answer.body).isEqualTo(200);
        activeTimeline = answer.body;
    }

    @AfterEach
    void stop() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }

    @Test
    void theActiveCopyAnswersHereOrThroughItsInstance() throws Exception {
        QueryApi active = unserved();
        QueryApi other = unserved();
        ClusterLayout layout = new ClusterLayout().partition(0, stitch, host(active));
        serve(layout, active, other);

        for (QueryApi asked : List.of(active, other)) {
            Answer answer = get(asked, TIMELINE);
            assertThat(answer.status).isEqualTo(200);
            assertThat(answer.body).isEqualTo(activeTimeline);
            assertThat(answer.servedBy).isEqualTo(name(active));
            assertThat(answer.replica).isEqualTo("active");
        }
    }

    @Test
    void aStoppedActiveIsAnsweredByAStandbyInstanceWithTheSameAnswerMarkedStandby() throws Exception {
        QueryApi asked = unserved();
        QueryApi standby = unserved();
        serve(new ClusterLayout().partition(0, stitch, stoppedInstance(), host(standby)), asked, standby);

        Answer timeline = get(asked, TIMELINE);
        Answer anonymous = get(asked, "/v1/anonymous/pixel-1");

        assertThat(timeline.status).isEqualTo(200);
        assertThat(timeline.body).isEqualTo(activeTimeline);
        assertThat(timeline.servedBy).isEqualTo(name(standby));
        assertThat(timeline.replica).isEqualTo("standby");
        assertThat(anonymous.body).isEqualTo("{\"anonymousId\":\"pixel-1\",\"userId\":\"user-42\"}");
        assertThat(anonymous.replica).isEqualTo("standby");
    }

    @Test
    void thisInstancesStandbyAnswersWhenTheActiveIsDown() throws Exception {
        QueryApi asked = unserved();
        serve(new ClusterLayout().partition(0, stitch, stoppedInstance(), host(asked)), asked);

        Answer answer = get(asked, TIMELINE);

        assertThat(answer.status).isEqualTo(200);
        assertThat(answer.body).isEqualTo(activeTimeline);
        assertThat(answer.servedBy).isEqualTo(name(asked));
        assertThat(answer.replica).isEqualTo("standby");
    }

    @Test
    void theActiveInstanceIsAskedBeforeTheStandbyHere() throws Exception {
        QueryApi asked = unserved();
        QueryApi active = unserved();
        serve(new ClusterLayout().partition(0, stitch, host(active), host(asked)), asked, active);

        Answer answer = get(asked, TIMELINE);

        assertThat(answer.servedBy).isEqualTo(name(active));
        assertThat(answer.replica).isEqualTo("active");
    }

    @Test
    void aRestoringActiveHereHandsTheReadToAStandbyInstance() throws Exception {
        QueryApi asked = unserved();
        QueryApi standby = unserved();
        serve(new ClusterLayout().partition(0, stitch, host(asked), host(standby)).restoring(host(asked), 0), asked, standby);

        Answer answer = get(asked, "/v1/users/user-42");

        assertThat(answer.status).as(answer.body).isEqualTo(200);
        assertThat(answer.json().get("eventCount").asLong()).isEqualTo(2);
        assertThat(answer.servedBy).isEqualTo(name(standby));
        assertThat(answer.replica).isEqualTo("standby");
    }

    @Test
    void anActiveInstanceAnswering503HandsTheReadToAStandbyInstance() throws Exception {
        QueryApi asked = unserved();
        QueryApi active = unserved();
        QueryApi standby = unserved();
        serve(new ClusterLayout().partition(0, stitch, host(active), host(standby)).restoring(host(active), 0),
                asked, active, standby);

        Answer answer = get(asked, TIMELINE);

        assertThat(answer.status).as(answer.body).isEqualTo(200);
        assertThat(answer.body).isEqualTo(activeTimeline);
        assertThat(answer.servedBy).isEqualTo(name(standby));
        assertThat(answer.replica).isEqualTo("standby");
    }

    @Test
    void aForwardedRequestIsAnsweredFromTheCopyWhereItArrivesAndNeverForwardedAgain() throws Exception {
        QueryApi standby = unserved();
        QueryApi active = unserved();
        QueryApi holdsNothing = unserved();
        serve(new ClusterLayout().partition(0, stitch, host(active), host(standby)), standby, active, holdsNothing);

        Answer atTheStandby = forwarded(standby, TIMELINE);
        Answer elsewhere = forwarded(holdsNothing, TIMELINE);

        assertThat(atTheStandby.status).isEqualTo(200);
        assertThat(atTheStandby.servedBy).as("answered by the standby itself, though the active is up").isEqualTo(name(standby));
        assertThat(atTheStandby.replica).isEqualTo("standby");
        assertThat(elsewhere.status).isEqualTo(503);
        assertThat(elsewhere.servedBy).as("not forwarded to the active").isNull();
        assertThat(elsewhere.json().get("message").asText()).contains("forwarded here, where partition 0 is not");
    }

    @Test
    void aStandbyCopyThatDoesNotKnowTheKeyPassesTheReadOnInsteadOfAnswering404() throws Exception {
        QueryApi asked = unserved();
        QueryApi upToDate = unserved();
        // The standby copy here is behind (it holds nothing yet); the other one has caught up.
        serve(new ClusterLayout().partition(0, stitch, stoppedInstance(), host(asked), host(upToDate))
                .copyOn(host(asked), 0, keep(new StitchDriver())), asked, upToDate);
        QueryApi alone = unserved();
        serve(new ClusterLayout().partition(0, stitch, stoppedInstance(), host(alone))
                .copyOn(host(alone), 0, keep(new StitchDriver())), alone);

        Answer passedOn = get(asked, TIMELINE);
        Answer nowhere = get(alone, "/v1/anonymous/pixel-1");

        assertThat(passedOn.status).as(passedOn.body).isEqualTo(200);
        assertThat(passedOn.body).isEqualTo(activeTimeline);
        assertThat(passedOn.servedBy).isEqualTo(name(upToDate));
        assertThat(passedOn.replica).isEqualTo("standby");
        assertThat(nowhere.status).as("a copy that may be upToDate does not say the id is unknown").isEqualTo(503);
        assertThat(nowhere.json().get("message").asText()).contains("the standby copy of partition 0 here does not know it");
    }

    @Test
    void noCopyThatCanAnswerIsA503NamingWhyEachFailed() throws Exception {
        QueryApi asked = unserved();
        QueryApi standby = unserved();
        HostInfo stopped = stoppedInstance();
        serve(new ClusterLayout().partition(0, stitch, stopped, host(standby)).restoring(host(standby), 0), asked, standby);

        Answer answer = get(asked, TIMELINE);

        assertThat(answer.status).isEqualTo(503);
        assertThat(answer.retryAfter).isEqualTo("1");
        assertThat(answer.json().get("error").asText()).isEqualTo("unavailable");
        assertThat(answer.json().get("message").asText())
                .startsWith("No copy of this key could answer: ")
                .contains("the active instance " + stopped.host() + ":" + stopped.port() + " did not answer")
                .contains("the standby instance " + name(standby) + " answered 503");
    }

    @Test
    void unknownMetadataIsA503SayingTheApplicationCannotAnswerYet() throws Exception {
        QueryApi asked = unserved();
        serve(new ClusterLayout().partition(0, stitch, host(asked)).unknown(), asked);

        Answer answer = get(asked, TIMELINE);

        assertThat(answer.status).isEqualTo(503);
        assertThat(answer.json().get("message").asText()).startsWith("The application cannot answer yet");
    }

    private <T extends AutoCloseable> T keep(T part) {
        running.add(part);
        return part;
    }

    /** A query API that answers 503 until it is served. */
    private QueryApi unserved() {
        return keep(QueryApi.start(new ApiConfig("localhost", 0, TOKEN, "localhost"),
                stitch.serdes().timelineEvent().deserializer(), StitchSettings.defaults().topics().timeline(),
                userId -> CompletableFuture.completedFuture("unused")));
    }

    private static void serve(ClusterLayout layout, QueryApi... apis) {
        for (QueryApi api : apis) {
            api.serve(layout.instance(host(api)));
        }
    }

    private static HostInfo host(QueryApi api) {
        return new HostInfo("localhost", api.port());
    }

    private static String name(QueryApi api) {
        return "localhost:" + api.port();
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

    private Answer get(QueryApi api, String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(api, path)));
    }

    /** The request as another instance forwards it. */
    private Answer forwarded(QueryApi api, String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(api, path)).header(QueryRoutes.FORWARDED_HEADER, "localhost:1"));
    }

    private Answer send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response.headers().firstValue("X-Stitch-Served-By").orElse(null),
                response.headers().firstValue("X-Stitch-Replica").orElse(null), response.headers().firstValue("Retry-After").orElse(null));
    }

    private static URI uri(QueryApi api, String path) {
        return URI.create("http://localhost:" + api.port() + path);
    }
}
