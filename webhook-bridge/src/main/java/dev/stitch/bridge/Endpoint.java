package dev.stitch.bridge;

import java.util.List;
import java.util.Locale;

/**
 * The paths the bridge takes events on: Segment's tracking API (the long paths, the short forms
 * analytics.js uses, the batch and import paths) and the webhook destination's path.
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
    WEBHOOK(null, Body.EVENT_OR_ARRAY, "/v1/webhook");

    /** What a request body holds. */
    enum Body {
        /** One event object. */
        EVENT,
        /** An object with a {@code batch} array of events and batch-level fields. */
        BATCH,
        /** One event object or a JSON array of them. */
        EVENT_OR_ARRAY
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
        return this != IMPORT && this != WEBHOOK;
    }

    /** Whether {@code X-Signature} is checked here when a signing secret is configured. */
    boolean signed() {
        return this == WEBHOOK;
    }

    /** The {@code source} recorded on each event. */
    String source() {
        return "bridge:" + name().toLowerCase(Locale.ROOT);
    }

    /** The largest body read: one event for the single-event paths, a batch otherwise. */
    int bodyLimit(BridgeLimits limits) {
        return body == Body.EVENT ? limits.maxEventBytes() : limits.maxBatchBytes();
    }
}
