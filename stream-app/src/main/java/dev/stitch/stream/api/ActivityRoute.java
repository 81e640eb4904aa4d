package dev.stitch.stream.api;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.stream.console.ActivityCursor;
import dev.stitch.stream.console.ActivityEvent;
import dev.stitch.stream.console.ActivityFilter;
import dev.stitch.stream.console.ActivityRing;
import io.vertx.ext.web.RoutingContext;

import java.time.Instant;
import java.util.Locale;

/**
 * {@code GET /v1/activity?after=&type=&id=&limit=}: the newest events this instance's activity feed
 * has seen, newest first, each marked anonymous, stitched, late or identified; with {@code after}
 * (the {@code cursor} of an earlier answer) only those that came since.
 */
final class ActivityRoute {

    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 500;
    /** Event types are short words; a longer filter is no type. */
    private static final int MAX_TYPE_LENGTH = 64;

    private final ActivityRing ring;

    ActivityRoute(ActivityRing ring) {
        this.ring = ring;
    }

    void handle(RoutingContext ctx) {
        ActivityCursor after;
        int limit;
        try {
            String text = ctx.request().getParam("after");
            after = text == null || text.isEmpty() ? null : ActivityCursor.parse(text);
        } catch (IllegalArgumentException e) {
            ApiAnswers.error(ctx, 400, "invalid_parameter", e.getMessage(), "after");
            return;
        }
        try {
            limit = limit(ctx.request().getParam("limit"));
        } catch (IllegalArgumentException e) {
            ApiAnswers.error(ctx, 400, "invalid_parameter", e.getMessage(), "limit");
            return;
        }
        String type = ctx.request().getParam("type");
        if (type != null && type.length() > MAX_TYPE_LENGTH) {
            ApiAnswers.error(ctx, 400, "invalid_parameter", "type must be an event type of at most " + MAX_TYPE_LENGTH + " characters", "type");
            return;
        }
        // The id needs no bound of its own: the request line's bound holds it.
        ActivityRing.Page page = ring.newest(new ActivityFilter(type, ctx.request().getParam("id")), after, limit);
        ObjectNode body = SegmentEventParser.JSON.createObjectNode();
        body.put("cursor", page.cursor().toString());
        ArrayNode events = body.putArray("events");
        page.events().forEach(entry -> events.add(json(entry)));
        ApiAnswers.json(ctx, 200, body.toString());
    }

    private static ObjectNode json(ActivityRing.Entry entry) {
        ActivityEvent event = entry.event();
        ObjectNode json = SegmentEventParser.JSON.createObjectNode()
                .put("position", entry.position())
                .put("mark", event.mark().name().toLowerCase(Locale.ROOT))
                .put("messageId", event.messageId())
                .put("type", event.type())
                .put("name", event.name())
                .put("timestamp", Instant.ofEpochMilli(event.timestamp()).toString())
                .put("receivedAt", Instant.ofEpochMilli(event.receivedAt()).toString())
                .put("userId", event.userId())
                .put("eventUserId", event.eventUserId())
                .put("anonymousId", event.anonymousId() != null ? event.anonymousId() : event.contextAnonymousId())
                .put("stitched", event.stitched())
                .put("late", event.late());
        if (event.sequence() != null) {
            json.put("sequence", event.sequence());
        }
        return json;
    }

    private static int limit(String text) {
        if (text == null || text.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new IllegalArgumentException("limit must be a whole number from 1 to " + MAX_LIMIT + ", not '" + text + "'");
    }
}
