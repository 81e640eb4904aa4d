package dev.stitch.stream.api;

import dev.stitch.schema.TimelineEvent;
import dev.stitch.stream.config.ApiConfig;
import dev.stitch.stream.console.ActivityRing;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The query API (docs/architecture.md#the-query-api): each person's unified timeline, profile, and
 * the user an anonymous id is linked to, served from the stitching application's own state stores.
 * Started before the application, so that its port is known for {@code application.server}; it
 * answers 503 until {@link #serve} hands it the running application.
 *
 */
public final class QueryApi implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueryApi.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final HttpServer server;
    private final ApiMetrics metrics;
    private final ApiConfig config;
    private final Deserializer<TimelineEvent> events;
    private final String timelineTopic;
    private final AtomicReference<QueryRoutes.Serving> serving;

    private QueryApi(Vertx vertx, HttpServer server, ApiMetrics metrics, ApiConfig config, Deserializer<TimelineEvent> events,
                     String timelineTopic, AtomicReference<QueryRoutes.Serving> serving) {
        this.vertx = vertx;
        this.server = server;
        this.metrics = metrics;
        this.config = config;
        this.events = events;
        this.timelineTopic = timelineTopic;
        this.serving = serving;
    }

    /**
     * Listens on {@code config.host():config.port()}; returns once the port is bound.
     *
     * @param events    decodes the stored timeline events
     * @param erasures  where {@code DELETE /v1/users/{userId}} sends privacy requests; its owner closes it
     * @param erasable  which user ids a privacy request may name (the configured junk ids and id limit)
     * @param activity  the newest events, for the console's Events Activity; its feed is its owner's
     * @throws IllegalStateException when the port cannot be bound, saying so
     */
    public static QueryApi start(ApiConfig config, Deserializer<TimelineEvent> events, String timelineTopic,
                                 ErasureRequests erasures, ErasableUserIds erasable, ActivityRing activity) {
        BearerToken token = new BearerToken(config.token());
        Vertx vertx = Vertx.vertx();
        ApiMetrics metrics = new ApiMetrics();
        AtomicReference<QueryRoutes.Serving> serving = new AtomicReference<>();
        try {
            HttpClientAgent forwarder = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
            HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(config.port()))
                    .requestHandler(QueryRoutes.create(vertx, token, serving::get, forwarder, erasures, erasable, activity, metrics))
                    .listen()
                    .toCompletionStage().toCompletableFuture()
                    .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            log.info("Query API listening on http://{}:{}", config.host(), server.actualPort());
            return new QueryApi(vertx, server, metrics, config, events, timelineTopic, serving);
        } catch (ExecutionException e) {
            vertx.close();
            metrics.close();
            throw new IllegalStateException("The query API cannot listen on " + config.host() + ":" + config.port() + " ("
                    + e.getCause().getMessage() + "). Free the port or set STITCH_API_PORT.", e.getCause());
        } catch (TimeoutException e) {
            vertx.close();
            metrics.close();
            throw new IllegalStateException("The query API did not start within " + START_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            vertx.close();
            metrics.close();
            throw new IllegalStateException("Interrupted while starting the query API", e);
        }
    }

    /** As {@link #start(ApiConfig, Deserializer, String, ErasureRequests, ErasableUserIds, ActivityRing)}, with an activity ring nothing feeds. */
    public static QueryApi start(ApiConfig config, Deserializer<TimelineEvent> events, String timelineTopic,
                                 ErasureRequests erasures, ErasableUserIds erasable) {
        return start(config, events, timelineTopic, erasures, erasable,
                new ActivityRing(config.console().activityEvents(), config.console().erasuresRemembered()));
    }

    /** As {@link #start(ApiConfig, Deserializer, String, ErasureRequests, ErasableUserIds)}, with the default junk ids and id limit. */
    public static QueryApi start(ApiConfig config, Deserializer<TimelineEvent> events, String timelineTopic,
                                 ErasureRequests erasures) {
        return start(config, events, timelineTopic, erasures, ErasableUserIds.defaults());
    }

    public int port() {
        return server.actualPort();
    }

    /** This instance as other instances reach it, and as Kafka Streams' metadata names it. */
    public HostInfo self() {
        return new HostInfo(config.advertisedHost(), port());
    }

    /** Starts answering from the application's stores; {@code streams} must use {@link #self()} as its application.server. */
    public void serve(KafkaStreams streams) {
        metrics.watch(streams);
        serve(new StreamsStateAccess(streams, self()));
    }

    void serve(StateAccess state) {
        serving.set(new QueryRoutes.Serving(state, new UserQueries(state, events, timelineTopic), new UserSearch(state),
                config.withPort(port()).applicationServer()));
    }

    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("The query API did not stop cleanly: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        metrics.close();
    }
}
