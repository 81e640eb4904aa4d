package dev.stitch.bridge;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Keeps connections from being held without purpose: counts open connections against their bound, and
 * closes a connection whose next request's headers have not arrived within the request timeout of its
 * opening or of its previous answer (a client trickling header bytes, or holding a connection it no
 * longer uses). Vert.x makes a connection known here as soon as it is accepted, since the bridge does not
 * take h2c (see {@code WebhookBridge}). Used on the bridge's one event loop only.
 */
final class ConnectionGuard {

    private final Vertx vertx;
    private final TrafficLimits limits;
    /** While a request is being handled, its connection waits for no headers. */
    private static final long NO_TIMER = -1;

    /** Open connections, each with its waiting-for-headers timer ({@link #NO_TIMER} while a request is being handled). */
    private final Map<HttpConnection, Long> open = new IdentityHashMap<>();

    ConnectionGuard(Vertx vertx, TrafficLimits limits) {
        this.vertx = vertx;
        this.limits = limits;
    }

    void opened(HttpConnection connection) {
        open.put(connection, awaitRequest(connection));
        connection.closeHandler(closed -> cancel(open.remove(connection)));
    }

    /** A request's headers arrived on the connection: stop waiting for them. */
    void requestArrived(HttpConnection connection) {
        Long timer = open.get(connection);
        if (timer != null) {
            cancel(timer);
            open.put(connection, NO_TIMER);
        }
    }

    /** The connection's request was answered; the next one's headers are awaited. */
    void answered(HttpConnection connection) {
        if (open.containsKey(connection)) {
            cancel(open.get(connection));
            open.put(connection, awaitRequest(connection));
        }
    }

    /** Whether the connection is past the bound on open connections (all of them count, this one too). */
    boolean overLimit() {
        return open.size() > limits.maxConnections();
    }

    int openConnections() {
        return open.size();
    }

    private long awaitRequest(HttpConnection connection) {
        return vertx.setTimer(limits.requestTimeout().toMillis(), fired -> {
            if (fired.equals(open.get(connection))) {
                connection.close();
            }
        });
    }

    private void cancel(Long timer) {
        if (timer != null && timer != NO_TIMER) {
            vertx.cancelTimer(timer);
        }
    }
}
