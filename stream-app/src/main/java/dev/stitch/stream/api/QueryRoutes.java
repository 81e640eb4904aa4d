package dev.stitch.stream.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.stream.console.ActivityRing;
import dev.stitch.stream.topology.Catalogue;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.function.Supplier;

/**
 * The query API's HTTP surface, in one place: the three look-ups and the erasure behind the bearer token,
 * answered from this instance's stores or forwarded to the instance that owns the key; the console's
 * activity feed and its pages; health; metrics.
 */
final class QueryRoutes {

    private static final Logger log = LoggerFactory.getLogger(QueryRoutes.class);

    /** Marks a request one instance forwarded to another, which must answer it itself. */
    static final String FORWARDED_HEADER = "X-Stitch-Forwarded-By";
    /** On a request forwarded to follow a merge (R8): the user id the caller asked for. */
    static final String MERGED_FROM_HEADER = "X-Stitch-Merged-From";
    /** On a request forwarded to follow a merge: how many merges were followed to get there. */
    static final String MERGE_HOPS_HEADER = "X-Stitch-Merge-Hops";
    /**
     * Every name points straight at its canonical user once its merge is done; while a chain is being
     * merged a name may point at a user that is itself merged, for a moment. Beyond this, ask again later.
     */
    private static final int MAX_MERGE_HOPS = 3;
    /** Names the instance whose stores gave the answer: which one owns the key. */
    static final String SERVED_BY_HEADER = "X-Stitch-Served-By";
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final long FORWARD_TIMEOUT_MS = 5_000;
    private static final String ROUTE_LABEL = "route";

    /** The application being served: null until it has started. */
    record Serving(StateAccess state, UserQueries queries, String self) {
    }

    private final Vertx vertx;
    private final Supplier<Serving> serving;
    private final HttpClientAgent forwarder;
    private final ErasureRequests erasures;
    private final ErasableUserIds erasable;

    private QueryRoutes(Vertx vertx, Supplier<Serving> serving, HttpClientAgent forwarder, ErasureRequests erasures,
                        ErasableUserIds erasable) {
        this.vertx = vertx;
        this.serving = serving;
        this.forwarder = forwarder;
        this.erasures = erasures;
        this.erasable = erasable;
    }

    static Router create(Vertx vertx, BearerToken token, Supplier<Serving> serving, HttpClientAgent forwarder,
                         ErasureRequests erasures, ErasableUserIds erasable, ActivityRing activity, ApiMetrics metrics) {
        QueryRoutes routes = new QueryRoutes(vertx, serving, forwarder, erasures, erasable);
        Router router = Router.router(vertx);
        router.route().handler(ctx -> {
            ctx.addEndHandler(ended -> metrics.request(ctx.get(ROUTE_LABEL, ApiMetrics.UNMATCHED), ctx.response().getStatusCode()));
            ctx.next();
        });
        route(router, "/health/live", ctx -> routes.health(ctx, false));
        route(router, "/health/ready", ctx -> routes.health(ctx, true));
        route(router, "/metrics", ctx -> ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")
                .end(metrics.scrape()));
        router.route(ConsolePages.PATH + "*").handler(ctx -> {
            ctx.put(ROUTE_LABEL, ConsolePages.PATH);
            ctx.next();
        });
        ConsolePages.mount(router);
        router.route("/v1/*").handler(ctx -> {
            BearerToken.Presented presented = token.judge(ctx.request().getHeader(HttpHeaders.AUTHORIZATION));
            if (presented == BearerToken.Presented.RIGHT) {
                ctx.next();
            } else {
                ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"stitch\"");
                ApiAnswers.error(ctx, 401, "unauthorized", BearerToken.refusal(presented), null);
            }
        });
        route(router, "/v1/users/:userId/timeline", routes::timeline);
        route(router, "/v1/users/:userId", Set.of(HttpMethod.GET, HttpMethod.DELETE),
                ctx -> {
                    if (ctx.request().method() == HttpMethod.DELETE) {
                        routes.erase(ctx);
                    } else {
                        routes.profile(ctx);
                    }
                });
        route(router, "/v1/anonymous/:anonymousId", routes::anonymous);
        route(router, "/v1/activity", new ActivityRoute(activity)::handle);
        router.route().last().handler(ctx ->
                ApiAnswers.error(ctx, 404, "not_found", "No such path: " + ctx.request().path(), null));
        return router;
    }

    private static void route(Router router, String path, Handler<RoutingContext> handler) {
        route(router, path, Set.of(HttpMethod.GET), handler);
    }

    private static void route(Router router, String path, Set<HttpMethod> methods, Handler<RoutingContext> handler) {
        String allowed = methods.stream().map(HttpMethod::name).sorted().collect(Collectors.joining(", "));
        router.route(path).handler(ctx -> {
            ctx.put(ROUTE_LABEL, path);
            if (!methods.contains(ctx.request().method())) {
                ctx.response().putHeader(HttpHeaders.ALLOW, allowed);
                ApiAnswers.error(ctx, 405, "method_not_allowed", path + " answers " + allowed + " only", null);
                return;
            }
            handler.handle(ctx);
        });
    }

    private void timeline(RoutingContext ctx) {
        String userId = ctx.pathParam("userId");
        int limit;
        TimelineCursor cursor;
        try {
            limit = limit(ctx.request().getParam("limit"));
        } catch (IllegalArgumentException e) {
            ApiAnswers.error(ctx, 400, "invalid_parameter", e.getMessage(), "limit");
            return;
        }
        try {
            cursor = TimelineCursor.parse(ctx.request().getParam("after"));
        } catch (IllegalArgumentException e) {
            ApiAnswers.error(ctx, 400, "invalid_parameter", e.getMessage(), "after");
            return;
        }
        answerUser(ctx, "/timeline", (queries, id, partition) -> queries.timeline(id, partition, cursor, limit));
    }

    private void profile(RoutingContext ctx) {
        answerUser(ctx, "", UserQueries::profile);
    }

    /** One look-up of a user's data against one partition's stores. */
    private interface UserRead {
        Optional<ObjectNode> apply(UserQueries queries, String userId, int partition);
    }

    /**
     * What one partition's stores say of a user id: its data, or that it is a name of another user (R8);
     * without data, whether it was erased and stays so (R13, with suppression).
     */
    private record UserAnswer(Optional<ObjectNode> body, String mergedInto, boolean erased) {
    }

    /**
     * Answers a look-up of a user; a user id merged into another (R8) is answered for the user it is a
     * name of, and the answer says so with {@code mergedFrom}.
     */
    private void answerUser(RoutingContext ctx, String pathSuffix, UserRead read) {
        String requested = ctx.request().getHeader(MERGED_FROM_HEADER);
        String hops = ctx.request().getHeader(MERGE_HOPS_HEADER);
        String userId = ctx.pathParam("userId");
        answerUser(ctx, requested == null ? userId : requested, userId, mergeHops(hops), pathSuffix, read);
    }

    private static int mergeHops(String header) {
        try {
            return header == null ? 0 : Math.max(0, Integer.parseInt(header));
        } catch (NumberFormatException e) {
            return MAX_MERGE_HOPS;
        }
    }

    private void answerUser(RoutingContext ctx, String requested, String userId, int hops, String pathSuffix, UserRead read) {
        Serving app = serving.get();
        if (app == null) {
            ApiAnswers.unavailable(ctx, "The application is starting.");
            return;
        }
        Location location = app.state().locate(Catalogue.USER_STATE_STORE, userId);
        if (location instanceof Location.Local local) {
            ctx.response().putHeader(SERVED_BY_HEADER, app.self());
            vertx.executeBlocking(() -> app.queries().mergedInto(userId, local.partition())
                            .map(into -> new UserAnswer(Optional.empty(), into, false))
                            .orElseGet(() -> {
                                Optional<ObjectNode> body = read.apply(app.queries(), userId, local.partition());
                                return new UserAnswer(body, null, body.isEmpty() && app.queries().isErased(userId, local.partition()));
                            }), false)
                    .onSuccess(answer -> {
                        if (answer.mergedInto() != null) {
                            followMerge(ctx, requested, answer.mergedInto(), hops, pathSuffix, read);
                        } else {
                            answer.body().ifPresentOrElse(
                                    body -> ApiAnswers.json(ctx, 200, mergedFrom(body, requested, userId).toString()),
                                    () -> notFound(ctx, requested, userId, answer.erased()));
                        }
                    })
                    .onFailure(error -> failed(ctx, error));
        } else if (location instanceof Location.Remote remote) {
            boolean followingMerge = !userId.equals(ctx.pathParam("userId"));
            forward(ctx, app, remote, followingMerge
                    ? new Forward(userPath(userId, pathSuffix, ctx.request().query()), requested, hops)
                    : new Forward(ctx.request().uri(), null, 0));
        } else {
            ApiAnswers.unavailable(ctx, "The application cannot answer yet: " + ((Location.Unavailable) location).reason() + ".");
        }
    }

    /**
     * A user id merged into a user that has no events yet is no unknown id: its events are on their way
     * there (R8), and the look-up answers in a moment; unless that user was erased for good.
     */
    private static void notFound(RoutingContext ctx, String requested, String userId, boolean erased) {
        if (requested.equals(userId) || erased) {
            ApiAnswers.error(ctx, 404, "not_found", "No user with id " + requested + ".", "userId");
        } else {
            ApiAnswers.unavailable(ctx, "User " + requested + " is being merged into user " + userId
                    + " and its events are on their way there; ask again in a moment.");
        }
    }

    private void followMerge(RoutingContext ctx, String requested, String into, int hops, String pathSuffix, UserRead read) {
        if (hops >= MAX_MERGE_HOPS) {
            ApiAnswers.unavailable(ctx, "User " + requested + " is being merged into another user right now.");
            return;
        }
        answerUser(ctx, requested, into, hops + 1, pathSuffix, read);
    }

    /** The answer for the canonical user, saying which merged user id was asked for. */
    private static ObjectNode mergedFrom(ObjectNode body, String requested, String userId) {
        if (requested.equals(userId)) {
            return body;
        }
        ObjectNode said = SegmentEventParser.JSON.createObjectNode();
        said.set("userId", body.get("userId"));
        said.put("mergedFrom", requested);
        said.setAll(body);
        return said;
    }

    private static String userPath(String userId, String pathSuffix, String query) {
        String path = "/v1/users/" + URLEncoder.encode(userId, StandardCharsets.UTF_8).replace("+", "%20") + pathSuffix;
        return query == null ? path : path + "?" + query;
    }

    /**
     * A privacy request (R13): accepted (202) once it is on the stream's input; the stream then erases
     * the user and everything linked to it. Any instance takes it: the stream routes it by the userId.
     * An id no user can have is refused (400) before anything is sent.
     */
    private void erase(RoutingContext ctx) {
        String userId = ctx.pathParam("userId");
        String problem = erasable.problem(userId);
        if (problem != null) {
            ApiAnswers.error(ctx, 400, "invalid_parameter", problem, "userId");
            return;
        }
        vertx.executeBlocking(() -> erasures.request(userId), false)
                .compose(requested -> Future.fromCompletionStage(requested, vertx.getOrCreateContext()))
                .onSuccess(messageId -> ApiAnswers.json(ctx, 202, SegmentEventParser.JSON.createObjectNode()
                        .put("userId", userId).put("erasure", "requested").put("messageId", messageId).toString()))
                .onFailure(error -> ApiAnswers.unavailable(ctx, "The erasure request could not be put on Kafka ("
                        + error.getMessage() + "); send it again."));
    }

    private void anonymous(RoutingContext ctx) {
        String anonymousId = ctx.pathParam("anonymousId");
        answer(ctx, Catalogue.IDENTITIES_STORE, anonymousId, "anonymousId", "No anonymous id " + anonymousId + " was seen.",
                (queries, partition) -> queries.anonymous(anonymousId, partition));
    }

    /** One look-up against one partition's stores. */
    private interface Read {
        Optional<ObjectNode> apply(UserQueries queries, int partition);
    }

    private void answer(RoutingContext ctx, String storeName, String key, String field, String notFound, Read read) {
        Serving app = serving.get();
        if (app == null) {
            ApiAnswers.unavailable(ctx, "The application is starting.");
            return;
        }
        Location location = app.state().locate(storeName, key);
        if (location instanceof Location.Local local) {
            ctx.response().putHeader(SERVED_BY_HEADER, app.self());
            vertx.executeBlocking(() -> read.apply(app.queries(), local.partition()), false)
                    .onSuccess(found -> found.ifPresentOrElse(
                            body -> ApiAnswers.json(ctx, 200, body.toString()),
                            () -> ApiAnswers.error(ctx, 404, "not_found", notFound, field)))
                    .onFailure(error -> failed(ctx, error));
        } else if (location instanceof Location.Remote remote) {
            forward(ctx, app, remote, new Forward(ctx.request().uri(), null, 0));
        } else {
            ApiAnswers.unavailable(ctx, "The application cannot answer yet: " + ((Location.Unavailable) location).reason() + ".");
        }
    }

    /**
     * A request to send to the owning instance.
     *
     * @param mergedFrom set when following a merge (R8): the user id the caller asked for
     */
    private record Forward(String uri, String mergedFrom, int hops) {
    }

    /**
     * Asks the owning instance, once per key: a forwarded request is never forwarded again for the key
     * it came for, so two instances cannot loop; following a merge to another key may forward it once more.
     */
    private void forward(RoutingContext ctx, Serving app, Location.Remote owner, Forward sent) {
        String forwardedBy = ctx.request().getHeader(FORWARDED_HEADER);
        if (forwardedBy != null && sent.mergedFrom() == null) {
            ApiAnswers.unavailable(ctx, "The key is moving between instances (" + forwardedBy + " sent it here, where it is not).");
            return;
        }
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(owner.host())
                .setPort(owner.port())
                .setURI(sent.uri())
                .setConnectTimeout(FORWARD_TIMEOUT_MS)
                .setIdleTimeout(FORWARD_TIMEOUT_MS)
                .putHeader(HttpHeaders.AUTHORIZATION.toString(), ctx.request().getHeader(HttpHeaders.AUTHORIZATION))
                .putHeader(FORWARDED_HEADER, app.self());
        if (sent.mergedFrom() != null) {
            options.putHeader(MERGED_FROM_HEADER, sent.mergedFrom()).putHeader(MERGE_HOPS_HEADER, Integer.toString(sent.hops()));
        }
        forwarder.request(options)
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> new Forwarded(response.statusCode(),
                        response.getHeader(SERVED_BY_HEADER), response.getHeader(HttpHeaders.RETRY_AFTER), body)))
                .onSuccess(answer -> {
                    copyHeader(ctx, SERVED_BY_HEADER, answer.servedBy());
                    copyHeader(ctx, HttpHeaders.RETRY_AFTER.toString(), answer.retryAfter());
                    ApiAnswers.json(ctx, answer.status(), answer.body().toString());
                })
                .onFailure(error -> ApiAnswers.unavailable(ctx, "The instance that owns this key (" + owner.host() + ":"
                        + owner.port() + ") did not answer: " + error.getMessage()));
    }

    private record Forwarded(int status, String servedBy, String retryAfter, Buffer body) {
    }

    private static void copyHeader(RoutingContext ctx, String name, String value) {
        if (value != null) {
            ctx.response().putHeader(name, value);
        }
    }

    private static void failed(RoutingContext ctx, Throwable error) {
        if (error instanceof InvalidStateStoreException) {
            ApiAnswers.unavailable(ctx, "The store is being moved or restored: " + error.getMessage());
            return;
        }
        log.error("A query failed unexpectedly and was answered 500 ({}); the stack trace says where. Queries of the same "
                + "key keep failing until its cause is fixed: check the store named in it.", ctx.request().path(), error);
        ApiAnswers.error(ctx, 500, "internal_error", "The query failed: " + error.getMessage(), null);
    }

    /** Alive while starting and running; ready only once the application serves queries. */
    private void health(RoutingContext ctx, boolean readiness) {
        Serving app = serving.get();
        boolean up = app == null ? !readiness : readiness ? app.state().ready() : app.state().live();
        ObjectNode body = SegmentEventParser.JSON.createObjectNode()
                .put("status", up ? "UP" : "DOWN")
                .put("streams", app == null ? "STARTING" : app.state().state());
        ApiAnswers.json(ctx, up ? 200 : 503, body.toString());
    }

    static int limit(String text) {
        if (text == null || text.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new IllegalArgumentException("limit must be a whole number from 1 to " + MAX_LIMIT + ", not '" + text + "'");
    }
}
