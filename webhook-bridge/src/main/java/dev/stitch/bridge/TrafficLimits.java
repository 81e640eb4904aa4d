package dev.stitch.bridge;

import java.time.Duration;
import java.util.Objects;

/**
 * What all requests together may hold, so that a flood of slow or huge requests cannot exhaust the
 * bridge's memory or connections. Each bound reached is answered {@code 503} with {@code Retry-After}.
 *
 * @param idleTimeout      a connection that sends nothing for this long is closed ({@code STITCH_BRIDGE_IDLE_TIMEOUT}, 30s)
 * @param requestTimeout   a request's body must have arrived this long after its headers, else it is answered
 *                         {@code 408} and its connection closed; the next request's headers must arrive this long after
 *                         the previous answer, else the connection is closed ({@code STITCH_BRIDGE_REQUEST_TIMEOUT}, 10s:
 *                         a slow client cannot hold a connection by trickling bytes)
 * @param maxConnections   open connections; a request on a connection past it is answered 503 and the connection
 *                         closed ({@code STITCH_BRIDGE_MAX_CONNECTIONS}, 1000)
 * @param maxBytesInFlight request body bytes held at once across all requests, from their arrival until the
 *                         request is answered ({@code STITCH_BRIDGE_MAX_BYTES_IN_FLIGHT}, 64mb)
 * @param maxQueuedEvents  events handed to Kafka and not yet acknowledged ({@code STITCH_BRIDGE_MAX_QUEUED_EVENTS}, 50000)
 */
public record TrafficLimits(Duration idleTimeout, Duration requestTimeout, int maxConnections, long maxBytesInFlight,
                            int maxQueuedEvents) {

    public static final TrafficLimits DEFAULTS = new TrafficLimits(Duration.ofSeconds(30), Duration.ofSeconds(10), 1_000,
            64L << 20, 50_000);

    public TrafficLimits {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (idleTimeout.toSeconds() < 1 || requestTimeout.toMillis() < 1 || maxConnections < 1 || maxBytesInFlight < 1
                || maxQueuedEvents < 1) {
            throw new IllegalArgumentException("Inconsistent traffic limits " + this
                    + ": every bound must be positive, the idle timeout at least a second.");
        }
    }
}
