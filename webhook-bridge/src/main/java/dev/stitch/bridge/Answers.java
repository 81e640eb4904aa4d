package dev.stitch.bridge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.events.SegmentEventParser;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** Every answer the bridge gives is JSON: {@code {"success":true}} or {@code {"error","message","field"}}. */
final class Answers {

    private static final String JSON_TYPE = "application/json; charset=utf-8";

    private Answers() {
    }

    static void success(RoutingContext ctx) {
        ObjectNode body = SegmentEventParser.JSON.createObjectNode().put("success", true);
        send(ctx, 200, body);
    }

    static void refuse(RoutingContext ctx, Refusal refusal) {
        HttpServerResponse response = ctx.response();
        if (refusal.status() == 401 && !response.ended()) {
            response.putHeader("WWW-Authenticate", "Basic realm=\"stitch\"");
        }
        if (refusal.retryAfterSeconds() > 0 && !response.ended()) {
            response.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(refusal.retryAfterSeconds()));
        }
        if (refusal.closeConnection() && !response.ended()) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        Future<Void> written = error(ctx, refusal.status(), refusal.code(), refusal.getMessage(), refusal.field());
        if (refusal.closeConnection()) {
            // The body was not read to its end, so the connection cannot carry another request.
            written.onComplete(done -> {
                if (ctx.request().connection() != null) {
                    ctx.request().connection().close();
                }
            });
        }
    }

    static Future<Void> error(RoutingContext ctx, int status, String code, String message, String field) {
        ObjectNode body = SegmentEventParser.JSON.createObjectNode().put("error", code).put("message", message);
        if (field != null) {
            body.put("field", field);
        }
        return send(ctx, status, body);
    }

    static Future<Void> send(RoutingContext ctx, int status, ObjectNode body) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return Future.succeededFuture();
        }
        return response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE).end(body.toString());
    }
}
