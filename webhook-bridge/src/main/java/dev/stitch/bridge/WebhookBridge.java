package dev.stitch.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.BindException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Segment-compatible HTTP bridge: takes events on the tracking-API and webhook paths,
 * checks them, and answers 200 once the {@link EventPublisher} has stored every one. It runs on its
 * own Vert.x instance, on one event loop, and blocks no thread while Kafka acknowledges.
 *
 * <pre>{@code
 * try (var publisher = KafkaEventPublisher.create(config, bootstrapServers, registry);
 *      var bridge = WebhookBridge.start(config, publisher)) {
 *     // POST http://localhost:<bridge.port()>/v1/track ...
 * }
 * }</pre>
 *
 * The publisher belongs to the caller: closing the bridge does not close it.
 */
public final class WebhookBridge implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebhookBridge.class);

    /** Segment's webhook destination gives up on a request after this long. */
    static final Duration SEGMENT_WEBHOOK_TIMEOUT = Duration.ofSeconds(5);

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final HttpServer server;
    private final BridgeMetrics metrics;
    private final Duration publishTimeout;
    private boolean closed;

    private WebhookBridge(Vertx vertx, HttpServer server, BridgeMetrics metrics, Duration publishTimeout) {
        this.vertx = vertx;
        this.server = server;
        this.metrics = metrics;
        this.publishTimeout = publishTimeout;
    }

    /**
     * Starts listening on {@code config.host():config.port()} and returns once the port is bound.
     *
     * @throws IllegalStateException when the port cannot be bound, saying so
     */
    public static WebhookBridge start(BridgeConfig config, EventPublisher publisher) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(publisher, "publisher");
        if (config.publishTimeout().compareTo(SEGMENT_WEBHOOK_TIMEOUT) >= 0) {
            log.warn("STITCH_BRIDGE_PUBLISH_TIMEOUT is {} ms, not shorter than Segment's 5 s webhook timeout: Segment may give up "
                    + "before the bridge answers 503. Set it below 5s (the default is 3s).", config.publishTimeout().toMillis());
        }
        Vertx vertx = Vertx.vertx();
        BridgeMetrics metrics = new BridgeMetrics();
        try {
            HttpServerOptions options = new HttpServerOptions()
                    .setHost(config.host())
                    .setPort(config.port())
                    .setHandle100ContinueAutomatically(true)
                    .setIdleTimeout((int) config.traffic().idleTimeout().toSeconds())
                    .setIdleTimeoutUnit(TimeUnit.SECONDS)
                    // Without h2c, Vert.x sets a connection up as HTTP/1 as soon as it is accepted (rather than
                    // after its first bytes), so the guard counts and times it from then on: a client trickling
                    // its first request's headers is closed after the request timeout like any other.
                    .setHttp2ClearTextEnabled(false)
                    .setDecompressionSupported(false) // BoundedBody decompresses, within the limits
                    .setCompressionSupported(false);
            ConnectionGuard guard = new ConnectionGuard(vertx, config.traffic());
            HttpServer server = vertx.createHttpServer(options)
                    .connectionHandler(guard::opened)
                    .requestHandler(BridgeRoutes.create(vertx, config, publisher, metrics, guard))
                    .listen()
                    .toCompletionStage().toCompletableFuture()
                    .get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            WebhookBridge bridge = new WebhookBridge(vertx, server, metrics, config.publishTimeout());
            log.info("Segment bridge listening on http://{}:{} ({} server and {} browser write key(s), events to {}, {}).", config.host(),
                    bridge.port(), config.keys(KeyKind.SERVER).size(), config.keys(KeyKind.BROWSER).size(), config.rawTopic(),
                    config.signingSecret() == null ? "no signing secret: the webhook takes no erasures"
                            : "webhook signatures checked");
            return bridge;
        } catch (ExecutionException e) {
            close(vertx);
            Throwable cause = e.getCause();
            if (cause instanceof BindException) {
                throw new IllegalStateException("The bridge cannot listen on " + config.host() + ":" + config.port() + " (" + cause.getMessage()
                        + "); free the port or set STITCH_BRIDGE_PORT to another one (0 picks a free one).", cause);
            }
            throw new IllegalStateException("The bridge failed to start on " + config.host() + ":" + config.port() + ": " + cause, cause);
        } catch (TimeoutException e) {
            close(vertx);
            throw new IllegalStateException("The bridge did not bind " + config.host() + ":" + config.port() + " within "
                    + START_TIMEOUT.toSeconds() + " s.", e);
        } catch (InterruptedException e) {
            close(vertx);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the bridge.", e);
        }
    }

    /** The port the bridge listens on (the one picked when the configuration asked for 0). */
    public int port() {
        return server.actualPort();
    }

    /**
     * Stops taking requests, lets those in flight finish (up to the publish timeout and a second), then
     * stops. Idempotent. Does not close the publisher.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long graceMs = publishTimeout.toMillis() + 1_000;
        try {
            server.shutdown(graceMs, TimeUnit.MILLISECONDS).toCompletionStage().toCompletableFuture()
                    .get(graceMs + 5_000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("The bridge's HTTP server did not shut down cleanly ({}); its connections are closed anyway.", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        close(vertx);
        metrics.close();
        log.info("Segment bridge on port {} stopped.", server.actualPort());
    }

    private static void close(Vertx vertx) {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Vert.x did not stop cleanly ({}); its threads end with the process.", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
