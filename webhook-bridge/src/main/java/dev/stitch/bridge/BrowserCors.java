package dev.stitch.bridge;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.Locale;

/**
 * CORS for browser keys only. Preflights ({@code OPTIONS} with {@code Access-Control-Request-Method})
 * are answered for the allowed origins, as they carry no key; an actual request gets
 * {@code Access-Control-Allow-Origin} only once a browser key has authenticated it, so a page can never
 * read the answers of requests made with a server key. No credentials (cookies) are allowed on Segment's
 * paths: the key travels in the body or the {@code Authorization} header. The pixel's browser path allows
 * them, because the pixel's {@code sendBeacon} posts a JSON blob, which browsers send as a credentialed CORS
 * request whose preflight must allow credentials; the bridge reads no cookie, so a cookie sent along changes
 * nothing, and the answer ({@code {"success":true}} or a refusal) tells a page nothing it did not send.
 */
final class BrowserCors {

    /** How long a browser may cache a preflight's answer, in seconds. */
    static final int PREFLIGHT_MAX_AGE = 86_400;
    static final String ANY_ORIGIN = "*";

    private final List<String> origins;

    /** @param origins the allowed origins ({@code https://shop.example.com}), or {@code *} for any */
    BrowserCors(List<String> origins) {
        this.origins = origins.stream().map(BrowserCors::normalise).toList();
    }

    boolean allows(String origin) {
        return origin != null && (origins.contains(ANY_ORIGIN) || origins.contains(normalise(origin)));
    }

    static boolean isPreflight(RoutingContext ctx) {
        return ctx.request().method().name().equals("OPTIONS") && ctx.request().getHeader("Origin") != null
                && ctx.request().getHeader("Access-Control-Request-Method") != null;
    }

    /**
     * Answers a preflight: 204 with the allowed method and headers for an allowed origin, 403 otherwise.
     *
     * @param credentials whether the request may carry credentials (the pixel's path)
     */
    void answerPreflight(RoutingContext ctx, boolean credentials) {
        String origin = ctx.request().getHeader("Origin");
        HttpServerResponse response = ctx.response();
        response.putHeader(HttpHeaders.VARY, "Origin");
        if (!allows(origin)) {
            Answers.error(ctx, 403, "origin_not_allowed", "the origin " + origin + " is not one this bridge answers browsers from "
                    + "(STITCH_BROWSER_ORIGINS)", null);
            return;
        }
        response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin)
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_METHODS, "POST")
                .putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type, Content-Encoding, Authorization")
                .putHeader(HttpHeaders.ACCESS_CONTROL_MAX_AGE, Integer.toString(PREFLIGHT_MAX_AGE));
        if (credentials) {
            response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        response.setStatusCode(204).end();
    }

    /**
     * Lets the page of an allowed origin read the answer to a request a browser key authenticated.
     *
     * @param credentials whether the request may carry credentials (the pixel's path)
     */
    void allowAnswer(RoutingContext ctx, boolean credentials) {
        String origin = ctx.request().getHeader("Origin");
        HttpServerResponse response = ctx.response();
        response.putHeader(HttpHeaders.VARY, "Origin");
        if (allows(origin) && !response.headWritten()) {
            response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            if (credentials) {
                response.putHeader(HttpHeaders.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
            }
        }
    }

    private static String normalise(String origin) {
        String trimmed = origin.trim().toLowerCase(Locale.ROOT);
        return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
    }
}
