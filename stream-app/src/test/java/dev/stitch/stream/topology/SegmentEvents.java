package dev.stitch.stream.topology;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.SegmentEvent;

import java.time.Instant;

/** Builds Segment events for tests, with their original JSON, the way the bridge would. */
public final class SegmentEvents {

    public static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");
    private static final ObjectMapper JSON = SegmentEventParser.JSON;

    private SegmentEvents() {
    }

    public static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    public static SegmentEvent page(String messageId, String anonymousId, String name, Instant time) {
        return event(messageId, "page", null, anonymousId, null, time).setName(name).build();
    }

    public static SegmentEvent track(String messageId, String userId, String anonymousId, String event, Instant time) {
        return event(messageId, "track", userId, anonymousId, null, time).setEvent(event).build();
    }

    /** A server-side identify: userId, with the browser's pixel id passed in {@code context.anonymousId}. */
    public static SegmentEvent serverIdentify(String messageId, String userId, String pixelId, Instant time) {
        return event(messageId, "identify", userId, null, pixelId, time).build();
    }

    /** A frontend identify: userId and the pixel's own anonymousId. */
    public static SegmentEvent identify(String messageId, String userId, String anonymousId, Instant time) {
        return event(messageId, "identify", userId, anonymousId, null, time).build();
    }

    /** An alias (R8): {@code previousId} becomes a name of {@code userId}; the anonymous id is optional. */
    public static SegmentEvent alias(String messageId, String previousId, String userId, String anonymousId, Instant time) {
        SegmentEvent event = event(messageId, "alias", userId, anonymousId, null, time).setPreviousId(previousId).build();
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(event.getJson());
            json.put("previousId", previousId);
            event.setJson(json.toString());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(previousId, e);
        }
        return event;
    }

    /** An identify with traits, given as a JSON object. */
    public static SegmentEvent identifyWithTraits(String messageId, String userId, String anonymousId, String traits, Instant time) {
        SegmentEvent event = identify(messageId, userId, anonymousId, time);
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(event.getJson());
            json.set("traits", JSON.readTree(traits));
            event.setJson(json.toString());
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(traits, e);
        }
        return event;
    }

    public static SegmentEvent.Builder event(String messageId, String type, String userId, String anonymousId,
                                      String contextAnonymousId, Instant time) {
        ObjectNode json = JSON.createObjectNode().put("messageId", messageId).put("type", type)
                .put("timestamp", time.toString());
        if (userId != null) {
            json.put("userId", userId);
        }
        if (anonymousId != null) {
            json.put("anonymousId", anonymousId);
        }
        if (contextAnonymousId != null) {
            json.putObject("context").put("anonymousId", contextAnonymousId);
        }
        return SegmentEvent.newBuilder()
                .setMessageId(messageId)
                .setType(type)
                .setUserId(userId)
                .setAnonymousId(anonymousId)
                .setContextAnonymousId(contextAnonymousId)
                .setTimestamp(time)
                .setReceivedAt(time)
                .setSource("test")
                .setJson(json.toString());
    }
}
