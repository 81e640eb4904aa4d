package dev.stitch.stream.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.events.SegmentEventParser;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/** Every answer of the query API is JSON; errors are {@code {"error","message","field"}}. */
final class ApiAnswers {

    private static final String JSON_TYPE = "application/json; charset=utf-8";

    private ApiAnswers() {
    }

    static void json(RoutingContext ctx, int status, String body) {
        HttpServerResponse response = ctx.response();
        if (!response.ended() && !response.closed()) {
            response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, JSON_TYPE).end(body);
        }
    }

    static void error(RoutingContext ctx, int status, String code, String message, String field) {
        ObjectNode body = SegmentEventParser.JSON.createObjectNode().put("error", code).put("message", message);
        if (field != null) {
            body.put("field", field);
        }
        json(ctx, status, body.toString());
    }

    /** 503 with {@code Retry-After}: the state is moving between instances; the same request works again shortly. */
    static void unavailable(RoutingContext ctx, String message) {
        if (!ctx.response().ended()) {
            ctx.response().putHeader(HttpHeaders.RETRY_AFTER, "1");
        }
        error(ctx, 503, "unavailable", message, null);
    }
}
