package dev.stitch.stream.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.events.IdLimits;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.stream.console.ActivityRing;
import dev.stitch.stream.state.Catalogue;
import dev.stitch.stream.state.IndexedTraits;
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
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The query API's HTTP surface, in one place: the look-ups and the erasure behind the bearer token,
 * answered from this instance's copy of the key's partition or forwarded to the instance that has
 * one, the active copy first and a standby one while the active cannot answer; the searches,
 * answered partition by partition by the instances holding them and merged; the console's activity
 * feed and its pages; health; metrics.
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
    /** Names the instance whose stores gave the answer (for a search, every instance that answered a part). */
    static final String SERVED_BY_HEADER = "X-Stitch-Served-By";
    /**
     * Says which copy answered: {@code active}, up to date, or {@code standby}, read while the active
     * could not answer and perhaps a little behind it (for a search, standby when any part was).
     */
    static final String REPLICA_HEADER = "X-Stitch-Replica";
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final long FORWARD_TIMEOUT_MS = 5_000;
    private static final String ROUTE_LABEL = "route";

    /** A search's answer: at most this many users unless the caller asks for fewer or more. */
    static final int DEFAULT_SEARCH_LIMIT = 20;
    static final int MAX_SEARCH_LIMIT = 100;

    /** The application being served: null until it has started. */
    record Serving(StateAccess state, UserQueries queries, UserSearch search, String self) {
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
        route(router, "/v1/search", routes::search);
        route(router, "/v1/users", routes::usersWithTrait);
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
        /** Whether the stores know the user id at all: as a user, a name of another, or an erased user. */
        boolean knows() {
            return body.isPresent() || mergedInto != null || erased;
        }
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
        boolean followingMerge = !userId.equals(ctx.pathParam("userId"));
        Forward sent = followingMerge
                ? new Forward(userPath(userId, pathSuffix, ctx.request().query()), requested, hops, null)
                : new Forward(ctx.request().uri(), null, 0, null);
        List<Location> places = app.state().locate(Catalogue.USER_STATE_STORE, userId, forwardedHere(ctx) && !followingMerge);
        readKey(ctx, app, places, sent, new KeyRead<>(
                (queries, partition) -> queries.mergedInto(userId, partition)
                        .map(into -> new UserAnswer(Optional.empty(), into, false))
                        .orElseGet(() -> {
                            Optional<ObjectNode> body = read.apply(queries, userId, partition);
                            return new UserAnswer(body, null, body.isEmpty() && queries.isErased(userId, partition));
                        }),
                UserAnswer::knows,
                answer -> {
                    if (answer.mergedInto() != null) {
                        followMerge(ctx, requested, answer.mergedInto(), hops, pathSuffix, read);
                    } else {
                        answer.body().ifPresentOrElse(
                                body -> ApiAnswers.json(ctx, 200, mergedFrom(body, requested, userId).toString()),
                                () -> notFound(ctx, requested, userId, answer.erased()));
                    }
                }));
    }

    /** Whether another instance forwarded this request, to be answered from a copy here and not forwarded again. */
    private static boolean forwardedHere(RoutingContext ctx) {
        return ctx.request().getHeader(FORWARDED_HEADER) != null;
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

    /**
     * {@code GET /v1/search?q=&limit=}: the users known by {@code q} as a user id, an anonymous id, an
     * email or a trait value, asked of every instance.
     */
    private void search(RoutingContext ctx) {
        String query = ctx.request().getParam("q");
        if (refusedText(ctx, "q", query)) {
            return;
        }
        Integer limit = searchLimit(ctx);
        if (limit == null) {
            return;
        }
        answerFromEveryInstance(ctx, UserSearch.SEARCH_STORES, search -> search.search(query, limit), answers -> {
            List<SearchMatch> matches = new ArrayList<>();
            answers.forEach(answer -> answer.path("matches").forEach(match -> matches.add(SearchMatch.fromJson(match))));
            ObjectNode body = SegmentEventParser.JSON.createObjectNode().put("query", query);
            ArrayNode list = body.putArray("matches");
            SearchMatch.answer(matches, limit).forEach(match -> list.add(match.json()));
            return body;
        });
    }

    /** {@code GET /v1/users?email=} and {@code GET /v1/users?trait=&value=}: the users with that value, asked of every instance. */
    private void usersWithTrait(RoutingContext ctx) {
        String email = ctx.request().getParam("email");
        String trait = ctx.request().getParam("trait");
        String value = ctx.request().getParam("value");
        if (email != null && (trait != null || value != null)) {
            ApiAnswers.error(ctx, 400, "invalid_parameter", "Give email=, or trait= and value=, not both.", "email");
            return;
        }
        if (email == null && trait == null && value == null) {
            ApiAnswers.error(ctx, 400, "missing_parameter", "GET /v1/users takes email=, or trait= and value=.", "email");
            return;
        }
        if (email != null) {
            trait = IndexedTraits.EMAIL;
            value = email;
            if (refusedText(ctx, "email", email)) {
                return;
            }
        } else if (refusedText(ctx, "trait", trait) || refusedText(ctx, "value", value)) {
            return;
        }
        Integer limit = searchLimit(ctx);
        if (limit == null) {
            return;
        }
        String name = trait;
        String wanted = value;
        answerFromEveryInstance(ctx, UserSearch.TRAIT_STORES, search -> search.usersWith(name, wanted, limit),
                answers -> UserSearch.users(UserSearch.usersOf(answers), limit));
    }

    /** Refuses a missing, empty or too long text parameter (400); false when it is fine. */
    private boolean refusedText(RoutingContext ctx, String parameter, String text) {
        if (text == null || text.isEmpty()) {
            ApiAnswers.error(ctx, 400, "missing_parameter", "The parameter " + parameter + " is required.", parameter);
            return true;
        }
        IdLimits limits = erasable.limits();
        if (limits.tooLong(text)) {
            ApiAnswers.error(ctx, 400, "query_too_long", parameter + " has " + text.length() + " characters, more than the "
                    + limits.maxLength() + " a looked-up value may have (" + IdLimits.SETTING + ")", parameter);
            return true;
        }
        return false;
    }

    /** The search's limit, or null once refused (400). */
    private static Integer searchLimit(RoutingContext ctx) {
        try {
            return limit(ctx.request().getParam("limit"), DEFAULT_SEARCH_LIMIT, MAX_SEARCH_LIMIT);
        } catch (IllegalArgumentException e) {
            ApiAnswers.error(ctx, 400, "invalid_parameter", e.getMessage(), "limit");
            return null;
        }
    }

    /** A look-up every instance answers for its part. */
    private interface LocalSearch {
        ObjectNode apply(UserSearch search);
    }

    /** Merges the answers of every part into one. */
    private interface Merge {
        ObjectNode apply(List<JsonNode> answers);
    }

    /**
     * Answers from every partition of the stores the look-up reads, each read once by the instance with
     * its best copy ({@link SearchPlan}): this instance's part read here, every other instance's asked
     * (the same request, forwarded with its part). An instance that cannot answer its part is asked no
     * more: its partitions go to their next copy and the parts are asked again. A partition with no copy
     * left makes the whole answer a 503 rather than one without that partition.
     */
    private void answerFromEveryInstance(RoutingContext ctx, Set<String> stores, LocalSearch local, Merge merge) {
        Serving app = serving.get();
        if (app == null) {
            ApiAnswers.unavailable(ctx, "The application is starting.");
            return;
        }
        if (forwardedHere(ctx)) {
            answerPart(ctx, app, stores, local);
            return;
        }
        Map<String, List<KeyReplicas>> replicas = new TreeMap<>();
        for (String store : stores) {
            Optional<List<KeyReplicas>> partitions = app.state().replicasOfEveryPartition(store);
            if (partitions.isEmpty()) {
                ApiAnswers.unavailable(ctx, "The application cannot answer yet: its instances are not known yet.");
                return;
            }
            replicas.put(store, partitions.get());
        }
        searchRound(ctx, app, replicas, new HashSet<>(), new ArrayList<>(), local, merge);
    }

    private void searchRound(RoutingContext ctx, Serving app, Map<String, List<KeyReplicas>> replicas, Set<SearchPlan.Copy> failed,
                             List<String> failures, LocalSearch local, Merge merge) {
        HostInfo self = app.state().self();
        SearchPlan plan = SearchPlan.of(replicas, self, failed);
        if (!plan.complete()) {
            ApiAnswers.unavailable(ctx, "No copy of " + String.join(", ", plan.unreadable()) + " could answer"
                    + (failures.isEmpty() ? "" : ": " + String.join("; ", failures)) + ".");
            return;
        }
        List<PartRead> reads = new ArrayList<>();
        plan.parts().forEach((instance, part) -> {
            if (instance.equals(self)) {
                // Copy by copy here, so that one partition being restored spares the others.
                part.partitions().forEach((store, partitions) -> partitions.forEach((partition, replica) -> {
                    SearchParts one = new SearchParts(Map.of(store, new TreeMap<>(Map.of(partition, replica))));
                    reads.add(new PartRead(self, one, vertx.executeBlocking(() -> local.apply(app.search().reading(one)), false)));
                }));
            } else {
                reads.add(new PartRead(instance, part, ask(ctx, app, instance.host(), instance.port(),
                        new Forward(ctx.request().uri(), null, 0, part)).map(QueryRoutes::partOf)));
            }
        });
        Future.join(reads.stream().map(PartRead::answer).toList()).onComplete(done -> {
            boolean anyFailed = false;
            for (PartRead read : reads) {
                Throwable error = read.answer().cause();
                if (error == null) {
                    continue;
                }
                if (read.instance().equals(self) && !(error instanceof InvalidStateStoreException)) {
                    failed(ctx, error);
                    return;
                }
                anyFailed = true;
                failed.addAll(SearchPlan.copiesOf(read.instance(), read.part()));
                failures.add(read.failure(self, error));
            }
            if (anyFailed) {
                searchRound(ctx, app, replicas, failed, failures, local, merge);
                return;
            }
            ctx.response().putHeader(SERVED_BY_HEADER, plan.parts().keySet().stream()
                            .map(instance -> instance.equals(self) ? app.self() : instance.host() + ":" + instance.port())
                            .collect(Collectors.joining(",")))
                    .putHeader(REPLICA_HEADER, (plan.anyStandby() ? Replica.STANDBY : Replica.ACTIVE).label());
            ApiAnswers.json(ctx, 200, merge.apply(reads.stream().map(read -> read.answer().result()).toList()).toString());
        });
    }

    /** One instance's part of a search, being read. */
    private record PartRead(HostInfo instance, SearchParts part, Future<JsonNode> answer) {
        /** Why the part failed, as the 503 names it when no copy is left. */
        String failure(HostInfo self, Throwable error) {
            if (instance.equals(self)) {
                return "this instance's copy of " + part.header() + " is being moved or restored (" + error.getMessage() + ")";
            }
            String name = "the instance " + instance.host() + ":" + instance.port();
            return error instanceof PartRefused ? name + " " + error.getMessage() : name + " did not answer (" + error.getMessage() + ")";
        }
    }

    /**
     * This instance's part of a look-up another instance asked: the partitions it names, or, asked
     * without them, this instance's own active partitions.
     */
    private void answerPart(RoutingContext ctx, Serving app, Set<String> stores, LocalSearch local) {
        String header = ctx.request().getHeader(SearchParts.HEADER);
        UserSearch search;
        try {
            search = header == null ? app.search() : app.search().reading(SearchParts.parse(header, stores));
        } catch (IllegalArgumentException e) {
            ApiAnswers.error(ctx, 400, "invalid_header", e.getMessage(), null);
            return;
        }
        vertx.executeBlocking(() -> local.apply(search), false)
                .onSuccess(answer -> {
                    ctx.response().putHeader(SERVED_BY_HEADER, app.self());
                    ApiAnswers.json(ctx, 200, answer.toString());
                })
                .onFailure(error -> failed(ctx, error));
    }

    /** Another instance's part of a look-up every instance answers; other than 200 fails it, naming the answer. */
    private static JsonNode partOf(Forwarded answer) {
        if (answer.status() != 200) {
            throw new PartRefused("answered " + answer.status() + " (" + messageOf(answer) + ")");
        }
        try {
            return SegmentEventParser.JSON.readTree(answer.body().toString());
        } catch (JsonProcessingException e) {
            throw new PartRefused("answered no JSON");
        }
    }

    /** Another instance's answer other than a 200 with JSON to its part of a search. */
    private static final class PartRefused extends RuntimeException {
        PartRefused(String message) {
            super(message, null, false, false);
        }
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
        readKey(ctx, app, app.state().locate(storeName, key, forwardedHere(ctx)), new Forward(ctx.request().uri(), null, 0, null),
                new KeyRead<>(read::apply, Optional::isPresent, found -> found.ifPresentOrElse(
                        body -> ApiAnswers.json(ctx, 200, body.toString()),
                        () -> ApiAnswers.error(ctx, 404, "not_found", notFound, field))));
    }

    /** One read of a key against one partition's local copy. */
    private interface LocalRead<T> {
        T apply(UserQueries queries, int partition);
    }

    /**
     * A key's look-up: the read of one partition's copy, whether its result knows the key, and the
     * answer to give with the result.
     */
    private record KeyRead<T>(LocalRead<T> read, Predicate<T> knows, Consumer<T> answer) {
    }

    /**
     * Reads a key from the first of its places that answers: a local copy that can be read, or another
     * instance that answers other than 503 (asked once, as {@link #askElsewhere} says). A copy that cannot
     * be read (restoring, moving) and an instance that is down or answers 503 pass the read to the next
     * place; so does a standby copy that does not know the key, which may only be behind (just
     * assigned, still catching up): a 404 comes from an active copy or one that knows the key is gone.
     * When no place is left, 503 naming why each failed. The answer names the instance and, in
     * {@link #REPLICA_HEADER}, whether its active or a standby copy answered.
     */
    private <T> void readKey(RoutingContext ctx, Serving app, List<Location> places, Forward sent, KeyRead<T> look) {
        readFrom(ctx, app, places, 0, new ArrayList<>(), sent, look);
    }

    private <T> void readFrom(RoutingContext ctx, Serving app, List<Location> places, int next, List<String> failures, Forward sent,
                              KeyRead<T> look) {
        if (next == places.size()) {
            ApiAnswers.unavailable(ctx, "No copy of this key could answer: " + String.join("; ", failures) + ".");
            return;
        }
        Location place = places.get(next);
        Runnable tryNext = () -> readFrom(ctx, app, places, next + 1, failures, sent, look);
        if (place instanceof Location.Unavailable unavailable) {
            ApiAnswers.unavailable(ctx, "The application cannot answer yet: " + unavailable.reason() + ".");
        } else if (place instanceof Location.Local local) {
            readHere(ctx, app, local.partition(), Replica.ACTIVE, failures, tryNext, look);
        } else if (place instanceof Location.LocalStandby standby) {
            readHere(ctx, app, standby.partition(), Replica.STANDBY, failures, tryNext, look);
        } else if (place instanceof Location.Remote remote) {
            askElsewhere(ctx, app, remote.host(), remote.port(), "the active instance", sent, failures, tryNext);
        } else if (place instanceof Location.RemoteStandby standby) {
            askElsewhere(ctx, app, standby.host(), standby.port(), "the standby instance", sent, failures, tryNext);
        }
    }

    private <T> void readHere(RoutingContext ctx, Serving app, int partition, Replica replica, List<String> failures,
                              Runnable tryNext, KeyRead<T> look) {
        vertx.executeBlocking(() -> look.read().apply(app.queries().on(replica), partition), false)
                .onSuccess(result -> {
                    if (replica == Replica.STANDBY && !look.knows().test(result)) {
                        failures.add("the standby copy of partition " + partition + " here does not know it (it may be behind)");
                        tryNext.run();
                        return;
                    }
                    ctx.response().putHeader(SERVED_BY_HEADER, app.self()).putHeader(REPLICA_HEADER, replica.label());
                    look.answer().accept(result);
                })
                .onFailure(error -> {
                    if (error instanceof InvalidStateStoreException) {
                        failures.add("the " + replica.label() + " copy of partition " + partition + " here cannot be read ("
                                + error.getMessage() + ")");
                        tryNext.run();
                    } else {
                        failed(ctx, error);
                    }
                });
    }

    /**
     * Asks another instance, once per key: a forwarded request is never forwarded again for the key it
     * came for, so two instances cannot loop; following a merge to another key may forward it once
     * more. An instance that is down or answers 503 passes the read on; any other answer is the answer.
     */
    private void askElsewhere(RoutingContext ctx, Serving app, String host, int port, String role, Forward sent,
                              List<String> failures, Runnable tryNext) {
        String instance = host + ":" + port;
        ask(ctx, app, host, port, sent)
                .onSuccess(answer -> {
                    if (answer.status() == 503) {
                        failures.add(role + " " + instance + " answered 503 (" + messageOf(answer) + ")");
                        tryNext.run();
                        return;
                    }
                    copyHeader(ctx, SERVED_BY_HEADER, answer.servedBy());
                    copyHeader(ctx, REPLICA_HEADER, answer.replica());
                    copyHeader(ctx, HttpHeaders.RETRY_AFTER.toString(), answer.retryAfter());
                    ApiAnswers.json(ctx, answer.status(), answer.body().toString());
                })
                .onFailure(error -> {
                    failures.add(role + " " + instance + " did not answer (" + error.getMessage() + ")");
                    tryNext.run();
                });
    }

    /** The message of another instance's error answer, or its status when it has none. */
    private static String messageOf(Forwarded answer) {
        try {
            return SegmentEventParser.JSON.readTree(answer.body().toString()).path("message").asText("status " + answer.status());
        } catch (JsonProcessingException e) {
            return "status " + answer.status();
        }
    }

    /**
     * A request to send to another instance.
     *
     * @param mergedFrom  set when following a merge (R8): the user id the caller asked for
     * @param searchParts set for a search: the partitions the instance answers for
     */
    private record Forward(String uri, String mergedFrom, int hops, SearchParts searchParts) {
    }

    /** Sends the request to another instance, with the caller's token, marked as forwarded by this one. */
    private Future<Forwarded> ask(RoutingContext ctx, Serving app, String host, int port, Forward sent) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(host)
                .setPort(port)
                .setURI(sent.uri())
                .setConnectTimeout(FORWARD_TIMEOUT_MS)
                .setIdleTimeout(FORWARD_TIMEOUT_MS)
                .putHeader(HttpHeaders.AUTHORIZATION.toString(), ctx.request().getHeader(HttpHeaders.AUTHORIZATION))
                .putHeader(FORWARDED_HEADER, app.self());
        if (sent.mergedFrom() != null) {
            options.putHeader(MERGED_FROM_HEADER, sent.mergedFrom()).putHeader(MERGE_HOPS_HEADER, Integer.toString(sent.hops()));
        }
        if (sent.searchParts() != null) {
            options.putHeader(SearchParts.HEADER, sent.searchParts().header());
        }
        return forwarder.request(options)
                .compose(request -> request.send())
                .compose(response -> response.body().map(body -> new Forwarded(response.statusCode(),
                        response.getHeader(SERVED_BY_HEADER), response.getHeader(REPLICA_HEADER),
                        response.getHeader(HttpHeaders.RETRY_AFTER), body)));
    }

    private record Forwarded(int status, String servedBy, String replica, String retryAfter, Buffer body) {
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
        return limit(text, DEFAULT_LIMIT, MAX_LIMIT);
    }

    static int limit(String text, int byDefault, int max) {
        if (text == null || text.isEmpty()) {
            return byDefault;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= max) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new IllegalArgumentException("limit must be a whole number from 1 to " + max + ", not '" + text + "'");
    }
}
