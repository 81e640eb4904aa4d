package dev.stitch.bridge;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.bridge.RequestDocument.BatchDefaults;
import dev.stitch.bridge.RequestDocument.SentEvent;
import dev.stitch.bridge.RequestDocument.Span;
import dev.stitch.events.SegmentEventParser;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;

/**
 * Reads a request body as JSON into a {@link RequestDocument}: strict UTF-8, bounded nesting, nothing
 * after the top-level value, and for every event where it was in the body (for the size limit and
 * the signature of a webhook array's one element). Numbers are read as exact decimals, as {@link SegmentEventParser#JSON} does,
 * so the JSON kept on each event is what was sent.
 */
final class RequestJsonReader {

    private final ObjectMapper mapper;
    private final BridgeLimits limits;

    RequestJsonReader(BridgeLimits limits) {
        this.limits = limits;
        // A copy has its own JsonFactory, so the shared mapper keeps its constraints.
        this.mapper = SegmentEventParser.JSON.copy();
        mapper.getFactory().setStreamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(limits.maxNestingDepth()).build());
    }

    /** @throws Refusal naming what is wrong and where */
    RequestDocument read(byte[] body, Endpoint.Body shape) {
        Utf8.requireValid(body);
        try (JsonParser parser = mapper.createParser(body)) {
            try {
                JsonToken first = parser.nextToken();
                if (first == null) {
                    throw Refusal.badRequest("empty_body", null, "the request has no body; send " + expected(shape));
                }
                RequestDocument document = switch (shape) {
                    case EVENT -> readEvent(parser, body, shape);
                    case BATCH -> readBatch(parser, body, shape);
                    case EVENT_OR_ARRAY -> first == JsonToken.START_ARRAY ? readWebhookArray(parser) : readEvent(parser, body, shape);
                    case PIXEL -> pixelKeyed(first == JsonToken.START_ARRAY ? readWebhookArray(parser) : readEvent(parser, body, shape));
                };
                JsonToken trailing = parser.nextToken();
                if (trailing != null) {
                    throw Refusal.badRequest("malformed_json", null, "unexpected content after the top-level JSON value at "
                            + where(parser) + "; send " + expected(shape));
                }
                return document;
            } catch (StreamConstraintsException e) {
                if (e.getOriginalMessage().contains("nesting depth")) {
                    throw Refusal.badRequest("too_deep", path(parser.getParsingContext()), "the JSON nests objects and arrays more than "
                            + limits.maxNestingDepth() + " levels deep at " + where(parser));
                }
                throw Refusal.badRequest("malformed_json", containerPath(parser.getParsingContext()), e.getOriginalMessage());
            } catch (JsonEOFException e) {
                throw Refusal.badRequest("truncated_json", containerPath(parser.getParsingContext()),
                        "the JSON ends before it is complete (at " + where(parser) + "); the body was cut short");
            } catch (JsonProcessingException e) {
                throw Refusal.badRequest("malformed_json", containerPath(parser.getParsingContext()),
                        "the body is not valid JSON: " + e.getOriginalMessage() + " (at " + where(parser) + ")");
            }
        } catch (IOException e) {
            throw Refusal.badRequest("malformed_json", null, "the body is not valid JSON: " + e.getMessage());
        }
    }

    private RequestDocument readEvent(JsonParser parser, byte[] body, Endpoint.Body shape) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw Refusal.badRequest("not_an_object", null, "the body must be " + expected(shape) + ", not " + describe(parser.currentToken()));
        }
        ObjectNode event = parser.readValueAsTree();
        Span whole = new Span(0, body.length);
        return new RequestDocument(List.of(new SentEvent(event, whole, "")), BatchDefaults.NONE, textOrNull(event.get("writeKey")), false);
    }

    private RequestDocument readBatch(JsonParser parser, byte[] body, Endpoint.Body shape) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            throw Refusal.badRequest("not_an_object", null, "the body must be " + expected(shape) + ", not " + describe(parser.currentToken()));
        }
        ObjectNode envelope = mapper.createObjectNode();
        List<SentEvent> events = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            if (name.equals("batch") && value == JsonToken.START_ARRAY) {
                if (events != null) {
                    throw Refusal.badRequest("malformed_json", "batch", "the body holds two \"batch\" arrays; send one");
                }
                events = readEvents(parser, "batch");
            } else {
                envelope.set(name, parser.readValueAsTree());
            }
        }
        if (events == null) {
            if (envelope.has("batch")) {
                throw Refusal.badRequest("invalid_field", "batch", "\"batch\" must be an array of events, not " + kind(envelope.get("batch")));
            }
            throw Refusal.badRequest("missing_field", "batch", "the body has no \"batch\" array of events");
        }
        BatchDefaults defaults = new BatchDefaults(object(envelope, "context"), object(envelope, "integrations"), envelope.get("sentAt"));
        return new RequestDocument(events, defaults, textOrNull(envelope.get("writeKey")), false);
    }

    private RequestDocument readWebhookArray(JsonParser parser) throws IOException {
        return new RequestDocument(readEvents(parser, ""), BatchDefaults.NONE, null, true);
    }

    /** The pixel puts its key in every event as {@code api_key}: the first event's is the body's key. */
    private static RequestDocument pixelKeyed(RequestDocument document) {
        String key = document.events().isEmpty() ? null : textOrNull(document.events().get(0).json().get("api_key"));
        return new RequestDocument(document.events(), document.defaults(), key, document.array());
    }

    /** Reads the array the parser is at, each element an event object, up to the batch limit. */
    private List<SentEvent> readEvents(JsonParser parser, String arrayPath) throws IOException {
        List<SentEvent> events = new ArrayList<>();
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
            String path = arrayPath + "[" + events.size() + "]";
            if (token != JsonToken.START_OBJECT) {
                throw Refusal.badRequest("not_an_object", path, path + " must be an event object, not " + describe(token));
            }
            if (events.size() == limits.maxBatchEvents()) {
                throw Refusal.tooLarge("too_many_events", arrayPath.isEmpty() ? null : arrayPath, "a batch may hold at most "
                        + String.format(Locale.ROOT, "%,d", limits.maxBatchEvents()) + " events; this one holds more: split it");
            }
            long start = parser.currentTokenLocation().getByteOffset();
            ObjectNode event = parser.readValueAsTree();
            long end = parser.currentLocation().getByteOffset();
            events.add(new SentEvent(event, new Span((int) start, (int) (end - start)), path));
        }
        return events;
    }

    private static ObjectNode object(ObjectNode envelope, String field) {
        JsonNode value = envelope.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value instanceof ObjectNode object) {
            return object;
        }
        throw Refusal.badRequest("invalid_field", field, "the batch's \"" + field + "\" must be an object, not " + kind(value));
    }

    private static String textOrNull(JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : null;
    }

    private static String expected(Endpoint.Body shape) {
        return switch (shape) {
            case EVENT -> "one JSON object, the event";
            case BATCH -> "a JSON object with a \"batch\" array of events";
            case EVENT_OR_ARRAY -> "one event object or a JSON array of event objects";
            case PIXEL -> "one pixel event object or a JSON array of pixel event objects";
        };
    }

    private static String describe(JsonToken token) {
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> token.asString() == null ? token.name() : token.asString();
        };
    }

    private static String kind(JsonNode node) {
        return node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static String where(JsonParser parser) {
        var location = parser.currentLocation();
        return "line " + location.getLineNr() + ", column " + location.getColumnNr();
    }

    /** The path of the object or array being read, such as the event {@code batch[3]}; null for the top level. */
    static String containerPath(JsonStreamContext context) {
        return context == null ? null : path(context.getParent());
    }

    /** {@code batch[3].properties.items[0]}: the path of the value being read, or null at the top level. */
    static String path(JsonStreamContext context) {
        Deque<String> parts = new ArrayDeque<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
            } else if (c.getCurrentName() != null) {
                parts.push("." + c.getCurrentName());
            }
        }
        if (parts.isEmpty()) {
            return null;
        }
        String joined = String.join("", parts);
        return joined.startsWith(".") ? joined.substring(1) : joined;
    }
}
