package dev.stitch.bridge;

import dev.stitch.schema.SegmentEvent;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Takes the events of one request, on the event loop and without blocking it:
 * <ol>
 *   <li>checks the write key of the {@code Authorization} header, when there is one (on the pixel's paths, else
 *       the {@code token} query parameter), before reading any of the body (a wrong key's body is drained, never held);</li>
 *   <li>reads the body within the path's limit, each chunk taken from the bytes in flight that all
 *       requests share, within the request timeout;</li>
 *   <li>decompresses gzip within the same limit;</li>
 *   <li>reads the JSON (UTF-8, nesting depth, batch size), checks the body's {@code writeKey} (the pixel's
 *       {@code api_key}) when the header had none, the key's kind against the path ({@link KeyPermissions}), and on the webhook path
 *       with a signing secret checks {@code X-Signature};</li>
 *   <li>normalises and checks every event ({@link EventNormaliser}), then what the key's kind may send,
 *       refusing the whole request on the first bad one;</li>
 *   <li>hands them to the {@link EventPublisher}, within the bound of events waiting for Kafka, and answers
 *       200 once all are acknowledged, 503 with {@code Retry-After} when Kafka does not take them within the
 *       publish timeout, or the refusal for a failure that is about the events themselves ({@link PublishFailures}).</li>
 * </ol>
 * A browser key's answers carry CORS headers for the allowed origins; a server key's never do.
 */
final class EventIngestion {

    private static final Logger log = LoggerFactory.getLogger(EventIngestion.class);

    private final BridgeConfig config;
    private final EventPublisher publisher;
    private final BridgeMetrics metrics;
    private final WriteKeys writeKeys;
    private final WebhookSignature signature;
    private final RequestJsonReader reader;
    private final EventNormaliser normaliser;
    private final BrowserCors cors;
    private final Allowance bytesInFlight;
    private final Allowance queuedEvents;
    private final AtomicBoolean publishFailing = new AtomicBoolean();

    EventIngestion(BridgeConfig config, EventPublisher publisher, BridgeMetrics metrics, BrowserCors cors) {
        this.config = config;
        this.publisher = publisher;
        this.metrics = metrics;
        this.cors = cors;
        this.writeKeys = new WriteKeys(config.writeKeys());
        this.signature = config.signingSecret() == null ? null : new WebhookSignature(config.signingSecret());
        this.reader = new RequestJsonReader(config.limits());
        this.normaliser = new EventNormaliser(config.limits(), config.idLimits(), config.junkIds(), config.timestamps());
        this.bytesInFlight = new Allowance(config.traffic().maxBytesInFlight());
        this.queuedEvents = new Allowance(config.traffic().maxQueuedEvents());
    }

    void handle(RoutingContext ctx, Endpoint endpoint) {
        // Milliseconds, as Segment stamps it and as the record keeps it: the bridge's clock, never a client's.
        Instant receivedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        HttpServerRequest request = ctx.request();
        KeyKind headerKind;
        try {
            headerKind = authenticateBeforeBody(request, endpoint);
        } catch (Refusal refusal) {
            // The body is not needed: drain it without holding it, so the answer reaches the client.
            BoundedBody.discard(request).onComplete(drained -> Answers.refuse(ctx, drained.succeeded() ? refusal : refusal.closingConnection()));
            return;
        }
        if (headerKind != null) {
            answerWithCors(ctx, headerKind, endpoint);
        }
        int limit = endpoint.bodyLimit(config.limits());
        Supplier<Refusal> tooLarge = () -> tooLarge(endpoint);
        Allowance.Holding holding = bytesInFlight.holding();
        ctx.addEndHandler(ended -> holding.giveBackAll());
        long timeoutMs = config.traffic().requestTimeout().toMillis();
        long deadline = ctx.vertx().setTimer(timeoutMs, fired -> Answers.refuse(ctx, Refusal.requestTimeout("the request's body did not "
                + "arrive within " + String.format(Locale.ROOT, "%,d", timeoutMs) + " ms (STITCH_BRIDGE_REQUEST_TIMEOUT)")));
        BoundedBody.read(request, limit, tooLarge, holding, this::busyWithBytes).onComplete(read -> {
            if (!ctx.vertx().cancelTimer(deadline) || ctx.response().ended()) {
                return; // answered 408 already
            }
            if (read.failed()) {
                answerFailure(ctx, read.cause());
                return;
            }
            List<SegmentEvent> events;
            try {
                events = accept(ctx, endpoint, headerKind, read.result(), receivedAt, limit, tooLarge, holding);
            } catch (Refusal refusal) {
                Answers.refuse(ctx, refusal);
                return;
            } catch (RuntimeException e) {
                ctx.fail(e); // answered 500 and logged by the router's error handler
                return;
            }
            publish(ctx, events, receivedAt);
        });
    }

    /**
     * The kind of the {@code Authorization} header's key, else on the pixel's paths of the {@code token} query
     * parameter's (or, on its randomized path, the {@code p_...} one's); null when the request has none.
     */
    private KeyKind authenticateBeforeBody(HttpServerRequest request, Endpoint endpoint) {
        String key = WriteKeys.fromHeader(request.getHeader(HttpHeaders.AUTHORIZATION));
        if (key == null && endpoint.tokenInQuery()) {
            key = request.getParam("token");
            for (var parameter : request.params()) {
                if (key == null && parameter.getKey().startsWith(Endpoint.PIXEL_RANDOMIZED_TOKEN_PREFIX)) {
                    key = parameter.getValue();
                }
            }
        }
        return key == null ? null : requireKnown(key);
    }

    /** Everything short of publishing: decompression, JSON, the body's key, the key's rights, signature, every event. */
    private List<SegmentEvent> accept(RoutingContext ctx, Endpoint endpoint, KeyKind headerKind, byte[] received, Instant receivedAt,
                                      int limit, Supplier<Refusal> tooLarge, Allowance.Holding holding) {
        HttpServerRequest request = ctx.request();
        byte[] body = BoundedBody.decode(received, request.getHeader(HttpHeaders.CONTENT_ENCODING), limit, tooLarge);
        if (body != received && !holding.tryTake(body.length)) {
            throw busyWithBytes();
        }
        RequestDocument document = reader.read(body, endpoint.body());
        KeyKind kind = headerKind;
        if (kind == null) {
            if (document.writeKey() == null) {
                throw Refusal.unauthorized("missing_write_key", endpoint.pixel()
                        ? "no write key: send it as the \"token\" query parameter (" + endpoint.paths().get(0) + "?token=<write key>), "
                        + "as \"api_key\" in the event, or as a Bearer token"
                        : "no write key: send it as the Basic auth user name "
                        + "(Authorization: Basic base64(\"<write key>:\")), as a Bearer token, or as \"writeKey\" in the body");
            }
            kind = requireKnown(document.writeKey());
            answerWithCors(ctx, kind, endpoint);
        }
        KeyPermissions.checkPath(kind, endpoint);
        boolean signed = signature != null && endpoint.signed();
        if (signed) {
            signature.verify(body, document, request.getHeader("X-Signature"));
        }
        List<SegmentEvent> events = normaliser.normalise(document, endpoint, receivedAt, endpoint.pixel() ? arrival(request, endpoint) : null);
        KeyPermissions.checkEvents(kind, signed, events, document.events());
        return events;
    }

    private KeyKind requireKnown(String key) {
        KeyKind kind = writeKeys.kindOf(key);
        if (kind == null) {
            throw Refusal.unauthorized("invalid_write_key", "the write key is not one this bridge accepts");
        }
        return kind;
    }

    /** The bridge reads no forwarding header: the client is the connection's far end, or what a server names in the event. */
    private static PixelEventMapper.Arrival arrival(HttpServerRequest request, Endpoint endpoint) {
        String connectionIp = request.remoteAddress() == null ? null : request.remoteAddress().hostAddress();
        return new PixelEventMapper.Arrival(endpoint == Endpoint.PIXEL_SERVER, connectionIp, PixelIpPolicy.of(request.getParam("ip_policy")));
    }

    private void answerWithCors(RoutingContext ctx, KeyKind kind, Endpoint endpoint) {
        if (kind == KeyKind.BROWSER) {
            cors.allowAnswer(ctx, endpoint.pixel());
        }
    }

    private Refusal busyWithBytes() {
        return Refusal.unavailable("bridge_busy", "the bridge holds as many request bytes as it may ("
                + String.format(Locale.ROOT, "%,d", bytesInFlight.limit()) + ", STITCH_BRIDGE_MAX_BYTES_IN_FLIGHT); send the same request "
                + "again in " + config.retryAfter().toSeconds() + " s", config.retryAfter().toSeconds());
    }

    private void publish(RoutingContext ctx, List<SegmentEvent> events, Instant receivedAt) {
        if (!queuedEvents.tryTake(events.size())) {
            metrics.publishFailed();
            long retryAfter = config.retryAfter().toSeconds();
            Answers.refuse(ctx, Refusal.unavailable("queue_full", String.format(Locale.ROOT, "%,d", queuedEvents.limit())
                    + " events already wait for Kafka (STITCH_BRIDGE_MAX_QUEUED_EVENTS); send the same request again in " + retryAfter
                    + " s (events already stored are recognised by their messageId)", retryAfter));
            return;
        }
        Vertx vertx = ctx.vertx();
        Context context = vertx.getOrCreateContext();
        long started = System.nanoTime();
        long timeoutMs = config.publishTimeout().toMillis();
        boolean[] answered = {false};
        long timer = vertx.setTimer(timeoutMs, fired -> {
            if (!answered[0]) {
                answered[0] = true;
                publishFailed("Kafka did not acknowledge them within " + timeoutMs + " ms");
                unavailable(ctx);
            }
        });
        CompletionStage<Void> acknowledged;
        try {
            acknowledged = publisher.publish(events, receivedAt);
        } catch (RuntimeException e) {
            acknowledged = CompletableFuture.failedFuture(e);
        }
        Future.fromCompletionStage(acknowledged, context).onComplete(outcome -> {
            queuedEvents.giveBack(events.size());
            vertx.cancelTimer(timer);
            if (outcome.succeeded()) {
                metrics.produced(events.size(), System.nanoTime() - started);
                if (publishFailing.compareAndSet(true, false)) {
                    log.info("Kafka acknowledges events again; requests are accepted.");
                }
            }
            if (answered[0]) {
                return;
            }
            answered[0] = true;
            if (outcome.succeeded()) {
                Answers.success(ctx);
                return;
            }
            Refusal dataError = PublishFailures.dataRefusal(outcome.cause());
            if (dataError == null) {
                publishFailed(describe(outcome.cause()));
                unavailable(ctx);
            } else {
                if (dataError.status() >= 500) {
                    log.error("Kafka could not take the events of a request for a reason no retry fixes; it was answered {} {}. "
                            + "This is a bug in the bridge: please report it.", dataError.status(), dataError.code(), outcome.cause());
                } else {
                    log.info("Kafka refused a record of a request ({}); it was answered {} {}.", describe(outcome.cause()),
                            dataError.status(), dataError.code());
                }
                Answers.refuse(ctx, dataError);
            }
        });
    }

    /** The same answer whatever made Kafka unavailable, which is logged rather than shown to the client. */
    private void unavailable(RoutingContext ctx) {
        long retryAfter = config.retryAfter().toSeconds();
        Answers.refuse(ctx, Refusal.unavailable("kafka_unavailable", "the events could not be stored within "
                + String.format(Locale.ROOT, "%,d", config.publishTimeout().toMillis()) + " ms; send the same request again in "
                + retryAfter + " s (events already stored are recognised by their messageId)", retryAfter));
    }

    private void publishFailed(String why) {
        metrics.publishFailed();
        if (publishFailing.compareAndSet(false, true)) {
            log.warn("Events could not be published to {} ({}); requests are answered 503 until Kafka acknowledges again. "
                    + "Check that the Kafka brokers are reachable and that the topic exists.", config.rawTopic(), why);
        }
    }

    private static void answerFailure(RoutingContext ctx, Throwable failure) {
        if (failure instanceof Refusal refusal) {
            Answers.refuse(ctx, refusal);
        } else {
            // The connection broke while the body was being read: nobody is left to answer.
            log.debug("Could not read a request body: {}", failure.toString());
            if (!ctx.response().closed()) {
                Answers.error(ctx, 400, "unreadable_body", "the request body could not be read: " + failure.getMessage(), null);
            }
        }
    }

    private Refusal tooLarge(Endpoint endpoint) {
        BridgeLimits limits = config.limits();
        if (endpoint.body() == Endpoint.Body.EVENT) {
            return Refusal.tooLarge("event_too_large", null, "an event may be at most " + kilobytes(limits.maxEventBytes())
                    + "; this request's body is larger");
        }
        return Refusal.tooLarge("batch_too_large", null, "a batch may be at most " + kilobytes(limits.maxBatchBytes())
                + " (after decompression); this request's body is larger: split it");
    }

    private static String kilobytes(int bytes) {
        return (bytes / 1024) + " KB (" + String.format(Locale.ROOT, "%,d", bytes) + " bytes)";
    }

    private static String describe(Throwable failure) {
        Throwable cause = PublishFailures.unwrap(failure);
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
