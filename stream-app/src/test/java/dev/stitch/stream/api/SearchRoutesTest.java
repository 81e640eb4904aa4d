package dev.stitch.stream.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.stream.config.ApiConfig;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.topology.StitchDriver;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
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
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static dev.stitch.stream.topology.SegmentEvents.at;
import static dev.stitch.stream.topology.SegmentEvents.identifyWithTraits;
import static dev.stitch.stream.topology.SegmentEvents.page;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /v1/search} and {@code GET /v1/users?email=} over real HTTP: the answers, the refusals,
 * and two instances each answering for their own stores, merged by the one asked.
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
        QueryApi api = api(stitch, List.of());

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
        QueryApi api = api(driver(), List.of());

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
    void twoInstancesEachAnswerForTheirOwnStoresAndTheOneAskedMergesTheAnswers() throws Exception {
        StitchDriver first = driver();
        first.send(identifyWithTraits("i1", "user-a", null, "{\"email\":\"a@example.com\",\"team\":\"blue\"}", at(1))).settle();
        StitchDriver second = driver();
        second.send(identifyWithTraits("i2", "user-b", "pixel-b", "{\"email\":\"b@example.com\",\"team\":\"blue\"}", at(2))).settle();
        List<Location.Remote> firstsPeers = new ArrayList<>();
        QueryApi firstApi = api(first, firstsPeers);
        QueryApi secondApi = api(second, List.of(new Location.Remote("localhost", firstApi.port())));
        firstsPeers.add(new Location.Remote("localhost", secondApi.port()));

        for (QueryApi asked : List.of(firstApi, secondApi)) {
            Answer team = get(asked, "/v1/search?q=blue");
            assertThat(team.body).isEqualTo("{\"query\":\"blue\",\"matches\":["
                    + "{\"userId\":\"user-a\",\"matchedBy\":\"trait\",\"trait\":\"team\",\"value\":\"blue\"},"
                    + "{\"userId\":\"user-b\",\"matchedBy\":\"trait\",\"trait\":\"team\",\"value\":\"blue\"}]}");
            assertThat(team.servedBy).isEqualTo("localhost:" + asked.port() + ",localhost:"
                    + (asked == firstApi ? secondApi : firstApi).port());
            assertThat(get(asked, "/v1/search?q=pixel-b").body).contains("\"userId\":\"user-b\",\"matchedBy\":\"anonymousId\"");
            assertThat(get(asked, "/v1/users?email=b%40example.com").body).isEqualTo("{\"users\":[\"user-b\"]}");
            assertThat(get(asked, "/v1/users?trait=team&value=blue&limit=1").body).isEqualTo("{\"users\":[\"user-a\"]}");
        }
    }

    @Test
    void anInstanceThatCannotAnswerMakesTheSearchUnavailableRatherThanIncomplete() throws Exception {
        StitchDriver stitch = driver();
        stitch.send(identifyWithTraits("i1", "user-a", null, "{\"team\":\"blue\"}", at(1))).settle();
        QueryApi stopped = api(driver(), List.of());
        int stoppedPort = stopped.port();
        stopped.close();
        QueryApi api = api(stitch, List.of(new Location.Remote("localhost", stoppedPort)));

        Answer answer = get(api, "/v1/search?q=blue");

        assertThat(answer.status).isEqualTo(503);
        assertThat(answer.json().get("error").asText()).isEqualTo("unavailable");
        assertThat(answer.retryAfter).isEqualTo("1");
    }

    @Test
    void storesBeingMovedMakeTheSearchUnavailable() throws Exception {
        QueryApi api = api(driver(), List.of());
        api.serve(new PeeredStateAccess(new DriverStateAccess(driver()), List.of(), true));

        Answer answer = get(api, "/v1/search?q=blue");

        assertThat(answer.status).isEqualTo(503);
        assertThat(answer.json().get("message").asText()).contains("being moved or restored");
    }

    private StitchDriver driver() {
        StitchDriver driver = new StitchDriver();
        running.add(driver);
        return driver;
    }

    /** A query API on the driver's stores, whose other instances are {@code peers} (read at every request). */
    private QueryApi api(StitchDriver stitch, List<Location.Remote> peers) {
        QueryApi api = QueryApi.start(new ApiConfig("localhost", 0, TOKEN, "localhost"),
                stitch.serdes().timelineEvent().deserializer(), StitchSettings.defaults().topics().timeline(),
                userId -> CompletableFuture.completedFuture("unused"));
        running.add(api);
        api.serve(new PeeredStateAccess(new DriverStateAccess(stitch), peers, false));
        return api;
    }

    /**
     * A driver's stores as one instance of several: its peers are the other instances; while
     * {@code moving}, its stores cannot be read, as during a rebalance.
     */
    private record PeeredStateAccess(DriverStateAccess own, List<Location.Remote> peers, boolean moving) implements StateAccess {
        @Override
        public Location locate(String storeName, String key) {
            return own.locate(storeName, key);
        }

        @Override
        public <K, V> ReadOnlyKeyValueStore<K, V> store(String storeName, int partition) {
            return own.store(storeName, partition);
        }

        @Override
        public <K, V> ReadOnlyKeyValueStore<K, V> localStore(String storeName) {
            if (moving) {
                throw new InvalidStateStoreException("the store " + storeName + " is migrating");
            }
            return own.localStore(storeName);
        }

        @Override
        public Optional<List<Location.Remote>> otherInstances() {
            return Optional.of(List.copyOf(peers));
        }

        @Override
        public String state() {
            return own.state();
        }

        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public boolean live() {
            return true;
        }
    }

    private record Answer(int status, String body, String servedBy, String retryAfter) {
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
                response.headers().firstValue("Retry-After").orElse(null));
    }

    private static URI uri(QueryApi api, String path) {
        return URI.create("http://localhost:" + api.port() + path);
    }

    private static String encoded(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
