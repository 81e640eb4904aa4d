package dev.stitch.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.bridge.RequestDocument.SentEvent;
import dev.stitch.events.InvalidEventException;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.SegmentEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * Turns the events of one request into records, checking every one before any is published (a
 * request is accepted whole or refused whole):
 * <ol>
 *   <li>each event within the event size limit, as sent;</li>
 *   <li>on a single-event path, the path's type when the event names none (a different one is refused);</li>
 *   <li>{@code messageId}, when sent, within its length limit;</li>
 *   <li>the {@code writeKey} removed, so the secret never reaches Kafka;</li>
 *   <li>batch-level {@code context}, {@code integrations} and {@code sentAt} merged in;</li>
 *   <li>on the tracking API, {@code receivedAt} is the bridge's (one instant per request), whatever the
 *       client sent; on the webhook path, Segment's own {@code receivedAt} is kept;</li>
 *   <li>{@link SegmentEventParser}: ids, type-specific fields, a {@code messageId} when absent, the
 *       clock-skew-corrected timestamp.</li>
 * </ol>
 */
final class EventNormaliser {

    private final BridgeLimits limits;

    EventNormaliser(BridgeLimits limits) {
        this.limits = limits;
    }

    /** @throws Refusal for the first event, in body order, that cannot be accepted */
    List<SegmentEvent> normalise(RequestDocument document, Endpoint endpoint, Instant receivedAt) {
        List<SegmentEvent> events = new ArrayList<>(document.events().size());
        for (SentEvent sent : document.events()) {
            events.add(normalise(sent, document, endpoint, receivedAt));
        }
        return events;
    }

    private SegmentEvent normalise(SentEvent sent, RequestDocument document, Endpoint endpoint, Instant receivedAt) {
        if (sent.span().length() > limits.maxEventBytes()) {
            throw Refusal.tooLarge("event_too_large", sent.field(null), prefix(sent) + "an event may be at most "
                    + kilobytes(limits.maxEventBytes()) + "; this one is " + String.format(Locale.ROOT, "%,d", sent.span().length()) + " bytes");
        }
        ObjectNode event = sent.json();
        if (endpoint.type() != null) {
            applyPathType(event, endpoint);
        }
        JsonNode messageId = event.get("messageId");
        if (messageId != null && (messageId.isTextual() || messageId.isNumber())) {
            String id = messageId.asText();
            if (id.codePointCount(0, id.length()) > limits.maxMessageIdLength()) {
                throw Refusal.badRequest("message_id_too_long", sent.field("messageId"), prefix(sent) + "\"messageId\" may be at most "
                        + limits.maxMessageIdLength() + " characters; this one has " + id.codePointCount(0, id.length()));
            }
        }
        if (endpoint != Endpoint.WEBHOOK && SegmentEventParser.DELETE.equals(event.path("type").asText(null))) {
            throw Refusal.badRequest("unknown_type", sent.field("type"), prefix(sent) + "a \"delete\" (a user deletion) is taken "
                    + "on /v1/webhook only, where Segment's destinations send it");
        }
        event.remove("writeKey");
        if (event.path("messageId").isMissingNode() || event.path("messageId").isNull()) {
            // As Segment's API does: an event sent without an id is a new event, even when its content
            // repeats one sent before (two identical page views are two page views).
            event.put("messageId", UUID.randomUUID().toString());
        }
        document.defaults().applyTo(event);
        if (endpoint.trackingApi()) {
            event.remove("receivedAt");
        }
        try {
            return SegmentEventParser.parse(event, receivedAt, endpoint.source());
        } catch (InvalidEventException e) {
            throw refusal(e, event, sent);
        }
    }

    private static void applyPathType(ObjectNode event, Endpoint endpoint) {
        JsonNode type = event.get("type");
        if (type == null || type.isNull()) {
            event.put("type", endpoint.type());
        } else if (!type.isTextual() || !type.textValue().equals(endpoint.type())) {
            throw Refusal.badRequest("type_mismatch", "type", "the event's \"type\" is " + type + " but it was sent to "
                    + endpoint.paths().get(0) + "; send it to its own type's path, to /v1/batch, or without a \"type\"");
        }
    }

    /** missing_field, invalid_field or unknown_type, from what the event holds at the field the parser named. */
    private static Refusal refusal(InvalidEventException e, ObjectNode event, SentEvent sent) {
        String field = e.field();
        JsonNode value = field == null ? null : event.get(field);
        String code;
        if ("type".equals(field) && value != null && value.isTextual()) {
            code = "unknown_type";
        } else if (value == null || value.isNull()) {
            code = "missing_field";
        } else {
            code = "invalid_field";
        }
        return Refusal.badRequest(code, sent.field(field), prefix(sent) + e.getMessage());
    }

    private static String prefix(SentEvent sent) {
        return sent.path().isEmpty() ? "" : sent.path() + ": ";
    }

    private static String kilobytes(int bytes) {
        return bytes % 1024 == 0 ? (bytes / 1024) + " KB (" + String.format(Locale.ROOT, "%,d", bytes) + " bytes)"
                : String.format(Locale.ROOT, "%,d", bytes) + " bytes";
    }
}
