package dev.stitch.stream.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.serde.SchemaRegistries;
import dev.stitch.stream.config.ApiConfig;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.state.StitchSerdes;
import org.apache.kafka.streams.state.HostInfo;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Query APIs on real HTTP ports for the tests of a simulated cluster, the requests sent to them and
 * their answers; closing it stops every one of them, and whatever else it was asked to keep.
 */
final class ApiInstances implements AutoCloseable {

    static final String TOKEN = "test-token";

    /** What an instance answered: status, body and the headers that say which copy answered. */
    record Answer(int status, String body, String servedBy, String replica, String retryAfter) {
        JsonNode json() throws Exception {
            return SegmentEventParser.JSON.readTree(body);
        }
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> running = new ArrayList<>();

    /** Closes {@code part} with the instances. */
    <T extends AutoCloseable> T keep(T part) {
        running.add(part);
        return part;
    }

    /** A query API that answers 503 until it is served, reading events with the serdes of the stores it will serve. */
    QueryApi unserved(StitchSerdes serdes) {
        return keep(QueryApi.start(new ApiConfig("localhost", 0, TOKEN, "localhost"), serdes.timelineEvent().deserializer(),
                StitchSettings.defaults().topics().timeline(), userId -> CompletableFuture.completedFuture("unused")));
    }

    /** A query API that answers 503 until it is served, for answers that decode no event (searches, stopped instances). */
    QueryApi unserved() {
        return unserved(StitchSerdes.using(SchemaRegistries.connect("mock://" + UUID.randomUUID(), null)));
    }

    /** Serves each API its part of the layout. */
    static void serve(ClusterLayout layout, QueryApi... apis) {
        for (QueryApi api : apis) {
            api.serve(layout.instance(host(api)));
        }
    }

    static HostInfo host(QueryApi api) {
        return new HostInfo("localhost", api.port());
    }

    /** An instance that stopped: nothing listens on its port any more. */
    HostInfo stoppedInstance() {
        QueryApi stopped = unserved();
        HostInfo host = host(stopped);
        stopped.close();
        running.remove(stopped);
        return host;
    }

    Answer get(QueryApi api, String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(api, path)));
    }

    /** The request as another instance forwards it. */
    Answer forwarded(QueryApi api, String path) throws Exception {
        return send(HttpRequest.newBuilder(uri(api, path)).header(QueryRoutes.FORWARDED_HEADER, "localhost:1"));
    }

    /** Sends the request with the API token. */
    Answer send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.header("Authorization", "Bearer " + TOKEN).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), response.headers().firstValue("X-Stitch-Served-By").orElse(null),
                response.headers().firstValue("X-Stitch-Replica").orElse(null), response.headers().firstValue("Retry-After").orElse(null));
    }

    static URI uri(QueryApi api, String path) {
        return URI.create("http://localhost:" + api.port() + path);
    }

    @Override
    public void close() throws Exception {
        for (int i = running.size() - 1; i >= 0; i--) {
            running.get(i).close();
        }
    }
}
