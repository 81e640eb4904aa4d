package dev.stitch.events;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.schema.SegmentEvent;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;
import java.util.UUID;

/**
 * Turns one Segment event (the JSON of the tracking API, a webhook or an export) into a
 * {@link SegmentEvent}: validates what routing needs, stamps {@code receivedAt} and a
 * {@code messageId} when absent, and corrects the event time for client clock skew. Every other
 * field is kept as sent, numbers included.
 */
public final class SegmentEventParser {

    public static final Set<String> TYPES = Set.of("track", "identify", "page", "screen", "group", "alias", "delete");
    /** Segment's user-deletion notification (a privacy request): erase the user (R13). */
    public static final String DELETE = "delete";
    /** Makes its previousId another name of its userId (R8). */
    public static final String ALIAS = "alias";

    /** Reads numbers as exact decimals, so the JSON kept on the event equals what was sent. */
    public static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    /** The range of date-times an event may carry. */
    static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private SegmentEventParser() {
    }

    /**
     * @param event      one event object; it gains {@code messageId} and {@code receivedAt} when it lacks them
     * @param receivedAt when the event reached the pipeline, used unless the event already carries one
     * @param source     where it came from, kept on the record
     * @throws InvalidEventException naming the field when the event cannot be used
     */
    public static SegmentEvent parse(ObjectNode event, Instant receivedAt, String source) {
        String type = text(event, "type");
        if (type == null) {
            throw new InvalidEventException("type", "the event has no \"type\"; expected one of " + TYPES);
        }
        if (!TYPES.contains(type)) {
            throw new InvalidEventException("type", "unknown event type \"" + type + "\"; expected one of " + TYPES);
        }
        String userId = text(event, "userId");
        String anonymousId = text(event, "anonymousId");
        String contextAnonymousId = text(event.path("context"), "anonymousId");
        if (userId == null && anonymousId == null && contextAnonymousId == null) {
            throw new InvalidEventException("userId", "the event needs a \"userId\" or an \"anonymousId\"");
        }
        require(type, "track", event, "event");
        require(type, ALIAS, event, "previousId");
        require(type, "group", event, "groupId");
        require(type, DELETE, event, "userId");

        String messageId = text(event, "messageId");
        if (messageId == null) {
            messageId = UUID.nameUUIDFromBytes(event.toString().getBytes(StandardCharsets.UTF_8)).toString();
            event.put("messageId", messageId);
        }
        Instant received = instant(event, "receivedAt");
        if (received == null) {
            received = receivedAt;
            event.put("receivedAt", received.toString());
        }
        Instant original = instant(event, "originalTimestamp");
        if (original == null) {
            original = instant(event, "timestamp");
        }
        Instant sentAt = instant(event, "sentAt");

        return SegmentEvent.newBuilder()
                .setMessageId(messageId)
                .setType(type)
                .setUserId(userId)
                .setAnonymousId(anonymousId)
                .setContextAnonymousId(contextAnonymousId)
                .setPreviousId(text(event, "previousId"))
                .setGroupId(text(event, "groupId"))
                .setEvent(text(event, "event"))
                .setName(text(event, "name"))
                .setTimestamp(eventTime(original, sentAt, received))
                .setOriginalTimestamp(original)
                .setSentAt(sentAt)
                .setReceivedAt(received)
                .setSource(source)
                .setJson(event.toString())
                .build();
    }

    /**
     * Segment's corrected time: {@code receivedAt - (sentAt - originalTimestamp)} when the client said
     * when it sent the event, so a wrong client clock does not misplace it; else the client's time,
     * else the time of arrival.
     */
    static Instant eventTime(Instant original, Instant sentAt, Instant receivedAt) {
        if (original == null) {
            return receivedAt;
        }
        if (sentAt == null) {
            return original;
        }
        return receivedAt.minusMillis(sentAt.toEpochMilli() - original.toEpochMilli());
    }

    private static void require(String type, String forType, JsonNode event, String field) {
        if (type.equals(forType) && text(event, field) == null) {
            throw new InvalidEventException(field, "a " + type + " event needs \"" + field + "\"");
        }
    }

    /** A string or number field as text; null when absent or JSON null. */
    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isNumber()) {
            return value.asText();
        }
        throw new InvalidEventException(field, "\"" + field + "\" must be a string, not " + value.getNodeType().name().toLowerCase());
    }

    /**
     * The field's ISO-8601 date-time, or null when absent or JSON null.
     *
     * @throws InvalidEventException when it is not a date-time, or not one of the years 0001 to 9999 (a
     *     time outside them, such as {@code +999999999-01-01T00:00:00Z}, is no event's and would overflow
     *     the clock-skew correction and the record's millisecond timestamps)
     */
    public static Instant instant(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null) {
            return null;
        }
        Instant instant;
        try {
            instant = OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            try {
                instant = Instant.parse(value);
            } catch (DateTimeParseException again) {
                throw new InvalidEventException(field, "\"" + field + "\" is not an ISO-8601 date-time: \"" + shorten(value) + "\"");
            }
        }
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw new InvalidEventException(field, "\"" + field + "\" is outside the years 0001 to 9999: \"" + shorten(value) + "\"");
        }
        return instant;
    }

    /** A client's value as an error message quotes it: at most 64 characters. */
    private static String shorten(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "...";
    }
}
