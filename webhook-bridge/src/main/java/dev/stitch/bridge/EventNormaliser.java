package dev.stitch.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.bridge.RequestDocument.SentEvent;
import dev.stitch.events.EventIds;
import dev.stitch.events.IdLimits;
import dev.stitch.events.InvalidEventException;
import dev.stitch.events.JunkIds;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.SegmentEvent;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * Turns the events of one request into records, checking every one before any is published (a
 * request is accepted whole or refused whole):
 * <ol>
 *   <li>each event within the event size limit, as sent;</li>
 *   <li>on the pixel's paths, the pixel's event mapped onto a Segment event ({@link PixelEventMapper}), itself within
 *       the event size limit; every refusal after this step names the pixel's field ({@code user.id}, not {@code userId});</li>
 *   <li>on a single-event path, the path's type when the event names none (a different one is refused);</li>
 *   <li>{@code messageId}, when sent, within its length limit; a blank one is replaced as a missing one is;</li>
 *   <li>the {@code writeKey} removed, so the secret never reaches Kafka;</li>
 *   <li>batch-level {@code context}, {@code integrations} and {@code sentAt} merged in;</li>
 *   <li>on the tracking API, {@code receivedAt} is the bridge's (one instant per request), whatever the
 *       client sent; on the webhook path, Segment's own {@code receivedAt} is kept;</li>
 *   <li>{@link SegmentEventParser}: ids, type-specific fields, a {@code messageId} when absent, the
 *       clock-skew-corrected timestamp;</li>
 *   <li>every id within {@link IdLimits}, and at least one of them usable (not a {@link JunkIds} value);</li>
 *   <li>every time the event carries, and its corrected time, within the {@link TimestampWindow} around the
 *       bridge's clock (the larger past on {@code /v1/import}).</li>
 * </ol>
 */
final class EventNormaliser {

    /** The times an event may carry, each checked against the window. */
    private static final List<String> TIME_FIELDS = List.of("timestamp", "originalTimestamp", "sentAt", "receivedAt");
    /** The ids an event may carry, in the order a refusal names them. */
    private static final List<String> ID_FIELDS = List.of("userId", "anonymousId", "context.anonymousId");

    private final BridgeLimits limits;
    private final IdLimits idLimits;
    private final JunkIds junk;
    private final TimestampWindow window;

    EventNormaliser(BridgeLimits limits, IdLimits idLimits, JunkIds junk, TimestampWindow window) {
        this.limits = limits;
        this.idLimits = idLimits;
        this.junk = junk;
        this.window = window;
    }

    /**
     * @param receivedAt the bridge's clock when the request arrived
     * @return the events in body order, one for each of the document's
     * @throws Refusal for the first event, in body order, that cannot be accepted
     */
    List<SegmentEvent> normalise(RequestDocument document, Endpoint endpoint, Instant receivedAt) {
        return normalise(document, endpoint, receivedAt, null);
    }

    /**
     * @param arrival where the request came from, for the pixel's paths; null for the others
     */
    List<SegmentEvent> normalise(RequestDocument document, Endpoint endpoint, Instant receivedAt, PixelEventMapper.Arrival arrival) {
        UnaryOperator<String> names = endpoint.pixel() ? PixelEventMapper::pixelField : UnaryOperator.identity();
        List<SegmentEvent> events = new ArrayList<>(document.events().size());
        for (SentEvent sent : document.events()) {
            events.add(normalise(sent, document, endpoint, receivedAt, arrival, names));
        }
        return events;
    }

    private SegmentEvent normalise(SentEvent sent, RequestDocument document, Endpoint endpoint, Instant receivedAt,
                                   PixelEventMapper.Arrival arrival, UnaryOperator<String> names) {
        if (sent.span().length() > limits.maxEventBytes()) {
            throw Refusal.tooLarge("event_too_large", sent.field(null), prefix(sent) + "an event may be at most "
                    + kilobytes(limits.maxEventBytes()) + "; this one is " + String.format(Locale.ROOT, "%,d", sent.span().length()) + " bytes");
        }
        ObjectNode event = endpoint.pixel() ? mapPixel(sent, arrival) : sent.json();
        if (endpoint.type() != null) {
            applyPathType(event, endpoint);
        }
        JsonNode messageId = event.get("messageId");
        if (messageId != null && (messageId.isTextual() || messageId.isNumber())) {
            String id = messageId.asText();
            if (id.codePointCount(0, id.length()) > limits.maxMessageIdLength()) {
                throw Refusal.badRequest("message_id_too_long", sent.field(names.apply("messageId")), prefix(sent) + "\""
                        + names.apply("messageId") + "\" may be at most "
                        + limits.maxMessageIdLength() + " characters; this one has " + id.codePointCount(0, id.length()));
            }
        }
        if (endpoint != Endpoint.WEBHOOK && SegmentEventParser.DELETE.equals(event.path("type").asText(null))) {
            throw Refusal.badRequest("unknown_type", sent.field("type"), prefix(sent) + "a \"delete\" (a user deletion) is taken "
                    + "on /v1/webhook only, where Segment's destinations send it");
        }
        event.remove("writeKey");
        JsonNode sentId = event.path("messageId");
        if (sentId.isMissingNode() || sentId.isNull() || sentId.isTextual() && sentId.textValue().isBlank()) {
            // As Segment's API does: an event sent without an id is a new event, even when its content
            // repeats one sent before (two identical page views are two page views). A blank id is none:
            // the stream could not deduplicate by it.
            event.put("messageId", UUID.randomUUID().toString());
        }
        document.defaults().applyTo(event);
        if (endpoint.trackingApi()) {
            event.remove("receivedAt");
        }
        SegmentEvent parsed;
        try {
            parsed = SegmentEventParser.parse(event, receivedAt, endpoint.source());
            checkTimes(event, parsed, receivedAt, endpoint == Endpoint.IMPORT, sent, names);
        } catch (InvalidEventException e) {
            throw refusal(e, event, sent, names);
        }
        checkIds(parsed, sent, names);
        return parsed;
    }

    /** The pixel's event as the Segment event it stands for, refused naming the pixel's field. */
    private ObjectNode mapPixel(SentEvent sent, PixelEventMapper.Arrival arrival) {
        ObjectNode mapped;
        try {
            mapped = PixelEventMapper.map(sent.json(), arrival);
        } catch (InvalidEventException e) {
            JsonNode value = valueAt(sent.json(), e.field());
            String code = value == null || value.isNull() ? "missing_field" : "invalid_field";
            throw Refusal.badRequest(code, sent.field(e.field()), prefix(sent) + e.getMessage());
        }
        int bytes = mapped.toString().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > limits.maxEventBytes()) {
            throw Refusal.tooLarge("event_too_large", sent.field(null), prefix(sent) + "an event may be at most "
                    + kilobytes(limits.maxEventBytes()) + "; mapped onto a Segment event (its page, campaign and context added) this one is "
                    + String.format(Locale.ROOT, "%,d", bytes) + " bytes");
        }
        return mapped;
    }

    /** The value at a dotted path such as {@code user.id}; null when a step of it is absent. */
    private static JsonNode valueAt(JsonNode root, String path) {
        if (path == null) {
            return null;
        }
        JsonNode node = root;
        for (String step : path.split("\\.")) {
            node = node == null ? null : node.get(step);
        }
        return node;
    }

    private void checkIds(SegmentEvent event, SentEvent sent, UnaryOperator<String> names) {
        String tooLong = idLimits.tooLongField(event);
        if (tooLong != null) {
            String field = names.apply(tooLong);
            throw Refusal.badRequest("id_too_long", sent.field(field), prefix(sent) + "\"" + field + "\" may be at most "
                    + idLimits.maxLength() + " characters (" + IdLimits.SETTING + ")");
        }
        if (EventIds.of(event, junk).hasIdentity()) {
            return;
        }
        // The parser saw an id, but every one is a placeholder such as "undefined": as good as none.
        List<String> fields = SegmentEventParser.DELETE.equals(event.getType()) ? List.of("userId") : ID_FIELDS;
        for (String field : fields) {
            CharSequence value = switch (field) {
                case "userId" -> event.getUserId();
                case "anonymousId" -> event.getAnonymousId();
                default -> event.getContextAnonymousId();
            };
            if (value != null) {
                throw Refusal.badRequest("junk_id", sent.field(names.apply(field)), prefix(sent) + "\"" + names.apply(field) + "\" is \"" + shorten(value)
                        + "\", which is a placeholder, not an id; send the real " + (field.equals("userId") ? "user id" : "anonymous id")
                        + (SegmentEventParser.DELETE.equals(event.getType()) ? " of the user to erase" : ""));
            }
        }
        throw Refusal.badRequest("missing_field", sent.field(names.apply("userId")), prefix(sent) + "the event needs a \""
                + names.apply("userId") + "\"");
    }

    private void checkTimes(ObjectNode event, SegmentEvent parsed, Instant now, boolean backfill, SentEvent sent, UnaryOperator<String> names) {
        for (String field : TIME_FIELDS) {
            Instant time = SegmentEventParser.instant(event, field);
            String problem = time == null ? null : window.problem(time, now, backfill);
            if (problem != null) {
                throw Refusal.badRequest("timestamp_out_of_range", sent.field(names.apply(field)), prefix(sent) + "\"" + names.apply(field) + "\" ("
                        + time + ") " + problem);
            }
        }
        String problem = window.problem(parsed.getTimestamp(), now, backfill);
        if (problem != null) {
            String source = names.apply(event.hasNonNull("originalTimestamp") ? "originalTimestamp" : "timestamp");
            throw Refusal.badRequest("timestamp_out_of_range", sent.field(source), prefix(sent) + "the event's time corrected for the "
                    + "client's clock (receivedAt - (sentAt - " + source + ") = " + parsed.getTimestamp() + ") " + problem);
        }
    }

    private static String shorten(CharSequence value) {
        String text = value.toString();
        return text.length() <= 64 ? text : text.substring(0, 64) + "...";
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
    private static Refusal refusal(InvalidEventException e, ObjectNode event, SentEvent sent, UnaryOperator<String> names) {
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
        return Refusal.badRequest(code, sent.field(names.apply(field)), prefix(sent) + e.getMessage());
    }

    private static String prefix(SentEvent sent) {
        return sent.path().isEmpty() ? "" : sent.path() + ": ";
    }

    private static String kilobytes(int bytes) {
        return bytes % 1024 == 0 ? (bytes / 1024) + " KB (" + String.format(Locale.ROOT, "%,d", bytes) + " bytes)"
                : String.format(Locale.ROOT, "%,d", bytes) + " bytes";
    }
}
