package dev.stitch.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.events.InvalidEventException;
import dev.stitch.events.SegmentEventParser;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps one event of the pixel ({@code @usermaven/sdk-js}, a Jitsu-style tracker) onto the Segment event
 * the tracking API would have received for it, so that the same checks, routing and identity rules
 * apply to both:
 * <ul>
 *   <li>{@code event_type} {@code pageview} is a {@code page} (named by {@code page_title}), {@code user_identify}
 *       an {@code identify}, {@code group} a {@code group} ({@code groupId} the {@code company.id}), any other a
 *       {@code track} whose {@code event} is the {@code event_type};</li>
 *   <li>{@code event_id} is the {@code messageId}, {@code user.anonymous_id} the {@code anonymousId},
 *       {@code user.id} the {@code userId}, {@code utc_time} the {@code timestamp};</li>
 *   <li>the user's other properties are the {@code traits} of an identify, else {@code context.traits}; the
 *       company's other properties are the traits of a group; {@code event_attributes} (or a {@code $autocapture}'s
 *       {@code autocapture_attributes}) are the {@code properties};</li>
 *   <li>{@code context.page} holds {@code url}, {@code doc_path}, {@code doc_search}, {@code page_title} and
 *       {@code referer}; {@code context.userAgent}, {@code context.locale}, {@code context.screen},
 *       {@code context.campaign} (the URL's {@code utm_*} parameters), {@code context.ip} and
 *       {@code context.library} are filled from what the pixel and the request say.</li>
 * </ul>
 * Nothing the pixel sent is lost: every field not moved as sent into one of those places is kept as sent
 * under {@code context.pixel}; only {@code api_key}, the write key, is left out, so that no key reaches Kafka.
 * Values are copied, never converted, so the JSON kept is what the pixel sent.
 */
final class PixelEventMapper {

    /** The library name {@code context.library} gives; the pixel does not send its version. */
    static final String LIBRARY_NAME = "usermaven-sdk-js";

    /** Pixel fields moved as sent into the Segment event's context.page, by the Segment field they become. */
    private static final Map<String, String> PAGE_FIELDS = Map.of(
            "url", "url", "doc_path", "path", "doc_search", "search", "page_title", "title", "referer", "referrer");
    private static final List<String> PAGE_ORDER = List.of("url", "doc_path", "doc_search", "page_title", "referer");
    /** Segment's campaign fields, by the utm parameter each comes from. */
    private static final Map<String, String> CAMPAIGN_FIELDS = Map.of(
            "utm_source", "source", "utm_medium", "medium", "utm_campaign", "name", "utm_term", "term", "utm_content", "content");
    private static final Pattern SCREEN = Pattern.compile("(\\d{1,6})x(\\d{1,6})");

    /**
     * What the request says about where its events come from.
     *
     * @param fromServer    whether they came on the server-side path, where {@code source_ip} names the client
     * @param connectionIp  the address of the connection the request came on; null when unknown
     * @param ipPolicy      the pixel's {@code ip_policy}
     */
    record Arrival(boolean fromServer, String connectionIp, PixelIpPolicy ipPolicy) {
    }

    private PixelEventMapper() {
    }

    /**
     * @return a new Segment event object; {@code pixel} is left as it is
     * @throws InvalidEventException naming the pixel's field at fault ({@code user.id}, {@code event_type}, ...)
     */
    static ObjectNode map(ObjectNode pixel, Arrival arrival) {
        ObjectNode kept = pixel.deepCopy();
        kept.remove("api_key");
        ObjectNode event = SegmentEventParser.JSON.createObjectNode();

        String eventType = requiredText(pixel, "event_type");
        String type = switch (eventType) {
            case "pageview" -> "page";
            case "user_identify" -> "identify";
            case "group" -> "group";
            default -> "track";
        };
        event.put("type", type);
        if (type.equals("track")) {
            event.put("event", eventType);
        }
        copyId(pixel, "event_id", event, "messageId");
        event.put("channel", arrival.fromServer() ? "server" : "browser");

        ObjectNode context = event.putObject("context");
        ObjectNode user = optionalObject(pixel, "user");
        if (user != null) {
            kept.remove("user");
            copyId(user, "anonymous_id", "user.anonymous_id", event, "anonymousId");
            copyId(user, "id", "user.id", event, "userId");
            ObjectNode traits = user.deepCopy();
            traits.remove(List.of("anonymous_id", "id"));
            (type.equals("identify") ? event : context).set("traits", traits);
        }
        if (!hasValue(event, "anonymousId") && !hasValue(event, "userId")) {
            throw new InvalidEventException("user.anonymous_id", "a pixel event needs \"user.anonymous_id\" (the pixel's cookie) "
                    + "or \"user.id\"");
        }
        if (type.equals("group")) {
            ObjectNode company = optionalObject(pixel, "company");
            if (company == null || !hasValue(company, "id")) {
                throw new InvalidEventException("company.id", "a pixel \"group\" event needs \"company.id\"");
            }
            kept.remove("company");
            copyId(company, "id", "company.id", event, "groupId");
            ObjectNode traits = company.deepCopy();
            traits.remove("id");
            event.set("traits", traits);
        }
        String propertiesField = pixel.hasNonNull("event_attributes") || !eventType.equals("$autocapture")
                ? "event_attributes" : "autocapture_attributes";
        ObjectNode properties = optionalObject(pixel, propertiesField);
        if (properties != null) {
            kept.remove(propertiesField);
            event.set("properties", properties.deepCopy());
        }
        JsonNode time = pixel.get("utc_time");
        if (time != null && !time.isNull()) {
            SegmentEventParser.instant(pixel, "utc_time");
            event.set("timestamp", time.deepCopy());
        }
        JsonNode title = pixel.get("page_title");
        if (type.equals("page") && title != null && title.isTextual() && !title.textValue().isBlank()) {
            event.set("name", title.deepCopy());
        }

        ObjectNode page = SegmentEventParser.JSON.createObjectNode();
        for (String field : PAGE_ORDER) {
            JsonNode value = kept.remove(field);
            if (value != null) {
                page.set(PAGE_FIELDS.get(field), value);
            }
        }
        if (!page.isEmpty()) {
            context.set("page", page);
        }
        ObjectNode campaign = campaign(page.path("url").isTextual() ? page.get("url").textValue() : page.path("search").asText(""));
        if (!campaign.isEmpty()) {
            context.set("campaign", campaign);
        }
        JsonNode userAgent = kept.remove("user_agent");
        if (userAgent != null) {
            context.set("userAgent", userAgent);
        }
        JsonNode language = pixel.get("user_language");
        if (language != null && language.isTextual()) {
            context.set("locale", language.deepCopy());
        }
        ObjectNode screen = screen(pixel.get("screen_resolution"));
        if (screen != null) {
            context.set("screen", screen);
        }
        String ip = arrival.ipPolicy().apply(clientIp(pixel, arrival));
        if (ip != null) {
            context.put("ip", ip);
        }
        context.putObject("library").put("name", LIBRARY_NAME);
        context.set("pixel", kept);
        return event;
    }

    /**
     * The pixel's name of a field a check of the mapped Segment event names, so that a refusal points at
     * what the pixel sent: {@code userId} is {@code user.id}, {@code timestamp} is {@code utc_time}, ...
     */
    static String pixelField(String segmentField) {
        if (segmentField == null) {
            return null;
        }
        return switch (segmentField) {
            case "messageId" -> "event_id";
            case "userId" -> "user.id";
            case "anonymousId" -> "user.anonymous_id";
            case "timestamp", "originalTimestamp" -> "utc_time";
            case "type", "event" -> "event_type";
            case "groupId" -> "company.id";
            case "traits" -> "user";
            case "properties" -> "event_attributes";
            default -> segmentField;
        };
    }

    /** On the server-side path the server names its client in {@code source_ip}; else the connection's address. */
    private static String clientIp(ObjectNode pixel, Arrival arrival) {
        JsonNode sourceIp = pixel.get("source_ip");
        if (arrival.fromServer() && sourceIp != null && sourceIp.isTextual() && !sourceIp.textValue().isBlank()) {
            return sourceIp.textValue().trim();
        }
        return arrival.connectionIp();
    }

    /** Segment's campaign from the URL's utm parameters, each decoded; the first of a name wins, a malformed one is skipped. */
    static ObjectNode campaign(String url) {
        ObjectNode campaign = SegmentEventParser.JSON.createObjectNode();
        int question = url.indexOf('?');
        if (question < 0) {
            return campaign;
        }
        int hash = url.indexOf('#', question);
        String query = url.substring(question + 1, hash < 0 ? url.length() : hash);
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String name = decode(equals < 0 ? pair : pair.substring(0, equals));
            String field = name == null ? null : CAMPAIGN_FIELDS.get(name);
            if (field == null || campaign.has(field) || equals < 0) {
                continue;
            }
            String value = decode(pair.substring(equals + 1));
            if (value != null && !value.isEmpty()) {
                campaign.put(field, value);
            }
        }
        return campaign;
    }

    private static String decode(String encoded) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** {@code "1920x1080"} as Segment's {@code {"width": 1920, "height": 1080}}; null for anything else. */
    private static ObjectNode screen(JsonNode resolution) {
        if (resolution == null || !resolution.isTextual()) {
            return null;
        }
        Matcher matcher = SCREEN.matcher(resolution.textValue());
        if (!matcher.matches()) {
            return null;
        }
        ObjectNode screen = SegmentEventParser.JSON.createObjectNode();
        screen.put("width", Integer.parseInt(matcher.group(1)));
        screen.put("height", Integer.parseInt(matcher.group(2)));
        return screen;
    }

    private static String requiredText(ObjectNode pixel, String field) {
        JsonNode value = pixel.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidEventException(field, "a pixel event needs \"" + field + "\"");
        }
        if (!value.isTextual()) {
            throw new InvalidEventException(field, "\"" + field + "\" must be a string, not " + kind(value));
        }
        return value.textValue();
    }

    /** The field's object; null when absent or JSON null. */
    private static ObjectNode optionalObject(ObjectNode pixel, String field) {
        JsonNode value = pixel.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value instanceof ObjectNode object) {
            return object;
        }
        throw new InvalidEventException(field, "\"" + field + "\" must be an object, not " + kind(value));
    }

    private static void copyId(ObjectNode from, String field, ObjectNode to, String segmentField) {
        copyId(from, field, field, to, segmentField);
    }

    /** Copies an id as sent (a string, a number, or JSON null); any other kind is refused. */
    private static void copyId(ObjectNode from, String field, String path, ObjectNode to, String segmentField) {
        JsonNode value = from.get(field);
        if (value == null) {
            return;
        }
        if (!value.isNull() && !value.isTextual() && !value.isNumber()) {
            throw new InvalidEventException(path, "\"" + path + "\" must be a string, not " + kind(value));
        }
        to.set(segmentField, value.deepCopy());
    }

    private static boolean hasValue(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && !value.isNull();
    }

    private static String kind(JsonNode value) {
        return switch (value.getNodeType()) {
            case OBJECT, POJO -> "an object";
            case ARRAY -> "an array";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            case BINARY, STRING -> "a string";
            default -> value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }
}
