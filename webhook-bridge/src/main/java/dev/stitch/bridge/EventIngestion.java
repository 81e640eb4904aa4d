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
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Takes the events of one request, on the event loop and without blocking it:
 * <ol>
 *   <li>reads the body within the path's limit;</li>
 *   <li>checks the write key of the {@code Authorization} header, when there is one;</li>
 *   <li>decompresses gzip within the same limit;</li>
 *   <li>reads the JSON (UTF-8, nesting depth, batch size), checks the body's {@code writeKey} when the
 *       header had none, and on the webhook path with a signing secret checks {@code X-Signature};</li>
 *   <li>normalises and checks every event, refusing the whole request on the first bad one;</li>
 *   <li>hands them to the {@link EventPublisher} and answers 200 once all are acknowledged, or 503
 *       with {@code Retry-After} when that does not happen within the publish timeout.</li>
 * </ol>
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
    private final AtomicBoolean publishFailing = new AtomicBoolean();

    EventIngestion(BridgeConfig config, EventPublisher publisher, BridgeMetrics metrics) {
        this.config = config;
        this.publisher = publisher;
        this.metrics = metrics;
        this.writeKeys = new WriteKeys(config.writeKeys());
        this.signature = config.signingSecret() == null ? null : new WebhookSignature(config.signingSecret());
        this.reader = new RequestJsonReader(config.limits());
        this.normaliser = new EventNormaliser(config.limits());
    }

    void handle(RoutingContext ctx, Endpoint endpoint) {
        // Milliseconds, as Segment stamps it and as the record keeps it.
        Instant receivedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        HttpServerRequest request = ctx.request();
        int limit = endpoint.bodyLimit(config.limits());
        Supplier<Refusal> tooLarge = () -> tooLarge(endpoint);
        BoundedBody.read(request, limit, tooLarge).onComplete(read -> {
            if (read.failed()) {
                answerFailure(ctx, read.cause());
                return;
            }
            List<SegmentEvent> events;
            try {
                events = accept(request, endpoint, read.result(), receivedAt, limit, tooLarge);
            } catch (Refusal refusal) {
                Answers.refuse(ctx, refusal);
                return;
            } catch (RuntimeException e) {
                ctx.fail(e); // answered 500 and logged by the router's error handler
                return;
            }
            publish(ctx, events);
        });
    }

    /** Everything short of publishing: the header's key, decompression, JSON, the body's key, signature, every event. */
    private List<SegmentEvent> accept(HttpServerRequest request, Endpoint endpoint, byte[] received, Instant receivedAt,
                                      int limit, Supplier<Refusal> tooLarge) {
        String headerKey = WriteKeys.fromHeader(request.getHeader(HttpHeaders.AUTHORIZATION));
        if (headerKey != null) {
            requireKnown(headerKey);
        }
        byte[] body = BoundedBody.decode(received, request.getHeader(HttpHeaders.CONTENT_ENCODING), limit, tooLarge);
        RequestDocument document = reader.read(body, endpoint.body());
        if (headerKey == null) {
            if (document.writeKey() == null) {
                throw Refusal.unauthorized("missing_write_key", "no write key: send it as the Basic auth user name "
                        + "(Authorization: Basic base64(\"<write key>:\")), as a Bearer token, or as \"writeKey\" in the body");
            }
            requireKnown(document.writeKey());
        }
        if (signature != null && endpoint.signed()) {
            signature.verify(body, document.signedPart(), request.getHeader("X-Signature"));
        }
        return normaliser.normalise(document, endpoint, receivedAt);
    }

    private void requireKnown(String key) {
        if (!writeKeys.accepts(key)) {
            throw Refusal.unauthorized("invalid_write_key", "the write key is not one this bridge accepts");
        }
    }

    private void publish(RoutingContext ctx, List<SegmentEvent> events) {
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
            acknowledged = publisher.publish(events);
        } catch (RuntimeException e) {
            acknowledged = CompletableFuture.failedFuture(e);
        }
        Future.fromCompletionStage(acknowledged, context).onComplete(outcome -> {
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
            } else {
                publishFailed(describe(outcome.cause()));
                unavailable(ctx);
            }
        });
    }

    /** The same answer whatever the cause, which is logged rather than shown to the client. */
    private void unavailable(RoutingContext ctx) {
        long retryAfter = config.retryAfter().toSeconds();
        Answers.unavailable(ctx, retryAfter, "the events could not be stored within "
                + String.format(Locale.ROOT, "%,d", config.publishTimeout().toMillis()) + " ms; send the same request again in "
                + retryAfter + " s (events already stored are recognised by their messageId)");
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
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause
                && (cause instanceof CompletionException || cause instanceof ExecutionException)) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
