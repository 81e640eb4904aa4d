package dev.stitch.bridge;

import java.util.List;
import java.util.Locale;

/**
 * The paths the bridge takes events on: Segment's tracking API (the long paths, the short forms
 * analytics.js uses, the batch and import paths), the webhook destination's path, and the pixel's
 * two paths ({@code @usermaven/sdk-js}, whose events are mapped onto Segment's by {@link PixelEventMapper}).
 */
enum Endpoint {

    TRACK("track", Body.EVENT, "/v1/track", "/v1/t"),
    IDENTIFY("identify", Body.EVENT, "/v1/identify", "/v1/i"),
    PAGE("page", Body.EVENT, "/v1/page", "/v1/p"),
    SCREEN("screen", Body.EVENT, "/v1/screen", "/v1/s"),
    GROUP("group", Body.EVENT, "/v1/group", "/v1/g"),
    ALIAS("alias", Body.EVENT, "/v1/alias", "/v1/a"),
    /** {@code {"batch": [...], "context": ..., "integrations": ..., "sentAt": ..., "writeKey": ...}} */
    BATCH(null, Body.BATCH, "/v1/batch", "/v1/b"),
    /** What analytics-java posts (to {@code /v1/import/}, which the route matches too); the same body as a batch. */
    IMPORT(null, Body.BATCH, "/v1/import"),
    /** Segment's webhook destination: one event, or a JSON array of events (an Actions batch). */
    WEBHOOK(null, Body.EVENT_OR_ARRAY, "/v1/webhook"),
    /**
     * The pixel in a browser: a JSON array of pixel events, or one (its direct sends), the key as {@code ?token=};
     * with its {@code randomizeUrl} setting, to a path such as {@code /api.6s0g4?p_0g3e1=KEY} ({@link #PIXEL_RANDOMIZED_PATH}).
     */
    PIXEL(null, Body.PIXEL, "/api/v1/event"),
    /** The pixel's server-side path: the same body, from a server, with a server key. */
    PIXEL_SERVER(null, Body.PIXEL, "/api/v1/s2s/event");

    /** The pixel's browser path when it hides it from blockers: {@code /api.} and a few random letters and digits. */
    static final String PIXEL_RANDOMIZED_PATH = "/api\\.[0-9a-z]{1,32}";
    /** The query parameter the key is in on that path: {@code p_} and random letters and digits. */
    static final String PIXEL_RANDOMIZED_TOKEN_PREFIX = "p_";

    /** What a request body holds. */
    enum Body {
        /** One event object. */
        EVENT,
        /** An object with a {@code batch} array of events and batch-level fields. */
        BATCH,
        /** One event object or a JSON array of them. */
        EVENT_OR_ARRAY,
        /** One pixel event object or a JSON array of them, each carrying the key as {@code api_key}. */
        PIXEL
    }

    private final String type;
    private final Body body;
    private final List<String> paths;

    Endpoint(String type, Body body, String... paths) {
        this.type = type;
        this.body = body;
        this.paths = List.of(paths);
    }

    /** The event type the path stands for, or null when each event names its own. */
    String type() {
        return type;
    }

    Body body() {
        return body;
    }

    /** The long path first, then its short form when it has one. */
    List<String> paths() {
        return paths;
    }

    /** The tracking API receives events first-hand, so the bridge's clock is their {@code receivedAt}. */
    boolean trackingApi() {
        return this != WEBHOOK;
    }

    /**
     * Whether a browser key may post here: the paths analytics.js and the pixel post to, not the backfill
     * path of server libraries nor Segment's webhook destination.
     */
    boolean browserMaySend() {
        return this != IMPORT && this != WEBHOOK && this != PIXEL_SERVER;
    }

    /** Whether the events are the pixel's, mapped onto Segment's before they are checked. */
    boolean pixel() {
        return body == Body.PIXEL;
    }

    /** Whether the key may come as the {@code token} query parameter, as the pixel sends it. */
    boolean tokenInQuery() {
        return pixel();
    }

    /** Whether {@code X-Signature} is checked here when a signing secret is configured. */
    boolean signed() {
        return this == WEBHOOK;
    }

    /** The {@code source} recorded on each event. */
    String source() {
        return "bridge:" + name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The largest body read: one event for the single-event paths, a batch otherwise. */
    int bodyLimit(BridgeLimits limits) {
        return body == Body.EVENT ? limits.maxEventBytes() : limits.maxBatchBytes();
    }
}
