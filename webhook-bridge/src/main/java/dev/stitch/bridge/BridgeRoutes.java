package dev.stitch.bridge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.events.SegmentEventParser;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The bridge's HTTP surface, in one place: the event paths, health, metrics, and JSON answers for
 * unknown paths (404), wrong methods (405) and unexpected failures (500).
 */
final class BridgeRoutes {

    private static final Logger log = LoggerFactory.getLogger(BridgeRoutes.class);

    /** Where the route's {@code path} metric label is kept on the routing context. */
    private static final String PATH_LABEL = "stitch.bridge.path";

    private BridgeRoutes() {
    }

    static Router create(Vertx vertx, BridgeConfig config, EventPublisher publisher, BridgeMetrics metrics, ConnectionGuard guard) {
        Router router = Router.router(vertx);
        BrowserCors cors = new BrowserCors(config.browserOrigins());
        EventIngestion ingestion = new EventIngestion(config, publisher, metrics, cors);
        long retryAfter = config.retryAfter().toSeconds();

        // Every answer is counted by route and status, unknown paths under "unmatched"; a connection past
        // the bound is answered and closed before anything else is done for it.
        router.route().handler(ctx -> {
            HttpConnection connection = ctx.request().connection();
            guard.requestArrived(connection);
            ctx.addEndHandler(ended -> {
                metrics.request(ctx.get(PATH_LABEL, BridgeMetrics.UNMATCHED), ctx.response().getStatusCode());
                guard.answered(connection);
            });
            if (guard.overLimit()) {
                Refusal refusal = Refusal.unavailable("too_many_connections", "the bridge has as many connections open as it may ("
                        + config.traffic().maxConnections() + ", STITCH_BRIDGE_MAX_CONNECTIONS); send the same request again in "
                        + retryAfter + " s", retryAfter).closingConnection();
                // Drained, not held, so that the client reads the answer before the connection closes.
                BoundedBody.discard(ctx.request()).onComplete(drained -> Answers.refuse(ctx, refusal));
                return;
            }
            ctx.next();
        });

        // Browsers (analytics.js) post cross-origin as text/plain, which needs no preflight; one is answered
        // anyway for the allowed origins. The pixel posts JSON, which does need one, with credentials for its
        // sendBeacon. The answers themselves carry CORS only for browser keys.
        router.route("/v1/*").handler(ctx -> preflight(ctx, cors, false));
        router.route(Endpoint.PIXEL.paths().get(0)).handler(ctx -> preflight(ctx, cors, true));
        router.routeWithRegex(Endpoint.PIXEL_RANDOMIZED_PATH).handler(ctx -> preflight(ctx, cors, true));

        for (Endpoint endpoint : Endpoint.values()) {
            for (String path : endpoint.paths()) {
                route(router, HttpMethod.POST, path, ctx -> ingestion.handle(ctx, endpoint));
            }
        }

        router.routeWithRegex(HttpMethod.POST, Endpoint.PIXEL_RANDOMIZED_PATH).handler(ctx -> {
            ctx.put(PATH_LABEL, "/api.*");
            ingestion.handle(ctx, Endpoint.PIXEL);
        });

        route(router, HttpMethod.GET, "/health/live", ctx -> Answers.send(ctx, 200, status("UP")));
        route(router, HttpMethod.GET, "/health/ready", ctx -> ready(ctx, publisher, config));
        route(router, HttpMethod.GET, "/metrics", ctx -> ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                .end(metrics.scrape()));

        router.errorHandler(404, ctx -> Answers.error(ctx, 404, "not_found", "there is nothing at " + ctx.request().method()
                + " " + ctx.request().path() + "; events go to POST " + String.join(", ", eventPaths()), null));
        router.errorHandler(405, ctx -> {
            boolean eventPath = ctx.request().path().startsWith("/v1/") || ctx.request().path().startsWith("/api");
            ctx.response().putHeader(HttpHeaders.ALLOW, eventPath ? "POST" : "GET");
            Answers.error(ctx, 405, "method_not_allowed", ctx.request().method() + " is not allowed on " + ctx.request().path()
                    + "; use " + (eventPath ? "POST" : "GET"), null);
        });
        router.errorHandler(500, ctx -> {
            log.error("Unexpected failure answering {} {}; the client was answered 500. This is a bug in the bridge: please report it.",
                    ctx.request().method(), ctx.request().path(), ctx.failure());
            Answers.error(ctx, 500, "internal_error", "the bridge failed unexpectedly; the events were not stored", null);
        });
        return router;
    }

    private static void preflight(RoutingContext ctx, BrowserCors cors, boolean credentials) {
        if (BrowserCors.isPreflight(ctx)) {
            ctx.put(PATH_LABEL, "preflight");
            cors.answerPreflight(ctx, credentials);
        } else {
            ctx.next();
        }
    }

    private static void route(Router router, HttpMethod method, String path, Handler<RoutingContext> handler) {
        router.route(method, path).handler(ctx -> {
            ctx.put(PATH_LABEL, path);
            handler.handle(ctx);
        });
    }

    /** Ready when the publisher says it can publish now; asked at most once per publish timeout at a time. */
    private static void ready(RoutingContext ctx, EventPublisher publisher, BridgeConfig config) {
        Future<Void> check;
        try {
            check = Future.fromCompletionStage(publisher.checkReady(), ctx.vertx().getOrCreateContext());
        } catch (RuntimeException e) {
            check = Future.failedFuture(e);
        }
        // The publisher bounds its own check by the publish timeout; this only guards against one that never answers.
        long boundMs = config.publishTimeout().toMillis() + 1_000;
        check.timeout(boundMs, TimeUnit.MILLISECONDS).onComplete(outcome -> {
            if (outcome.succeeded()) {
                Answers.send(ctx, 200, status("UP"));
            } else {
                String reason = outcome.cause() instanceof TimeoutException
                        ? "the publisher did not answer within " + boundMs + " ms"
                        : outcome.cause().getMessage() == null ? outcome.cause().toString() : outcome.cause().getMessage();
                Answers.send(ctx, 503, status("DOWN").put("reason", reason));
            }
        });
    }

    private static ObjectNode status(String status) {
        return SegmentEventParser.JSON.createObjectNode().put("status", status);
    }

    private static List<String> eventPaths() {
        return Stream.of(Endpoint.values()).map(endpoint -> endpoint.paths().get(0)).toList();
    }
}
