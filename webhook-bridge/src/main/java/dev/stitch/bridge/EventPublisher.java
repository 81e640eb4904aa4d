package dev.stitch.bridge;

import dev.stitch.schema.SegmentEvent;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Where the bridge puts the events it accepted. The HTTP side depends only on this interface, so it
 * is tested against a recording fake and {@link KafkaEventPublisher} against a real broker.
 *
 * <p>Implementations must not block the calling thread: the bridge calls them from its event loop.
 */
public interface EventPublisher extends AutoCloseable {

    /**
     * Publishes the events of one request, in order.
     *
     * @param receivedAt the bridge's own clock when the request arrived: the records' timestamp, whatever
     *                   times the events carry (a client's clock never decides where Kafka puts a record)
     * @return completes normally once every event is durably stored (for Kafka: acknowledged with
     *     {@code acks=all}); exceptionally, with the cause, when any of them could not be. The bridge
     *     answers 503 when it does not complete within the publish timeout, whatever happens later.
     */
    CompletionStage<Void> publish(List<SegmentEvent> events, Instant receivedAt);

    /**
     * A cheap check that events could be published now, for {@code GET /health/ready}.
     *
     * @return completes normally when ready; exceptionally, with a cause whose message says why not
     */
    CompletionStage<Void> checkReady();

    /** Releases what the publisher holds; the bridge never calls it, the publisher's owner does. */
    @Override
    default void close() {
    }
}
