package dev.stitch.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.bridge.RequestDocument.BatchDefaults;
import dev.stitch.bridge.RequestDocument.SentEvent;
import dev.stitch.bridge.RequestDocument.Span;
import dev.stitch.events.InvalidEventException;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.SegmentEvent;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;

/**
 * Whatever JSON object reaches the pixel's mapping, it yields a Segment event or a refusal naming a field,
 * never another exception; and on the pixel's path, what the bridge accepts is an event of Segment's
 * types with a messageId and an id. Generated: the captured events with fields replaced, removed or added,
 * and objects built from nothing, every value of any JSON kind.
 */
class PixelMappingPropertyTest {

    private static final List<String> FIELDS = List.of("event_id", "user", "company", "ids", "utc_time", "local_tz_offset", "api_key",
            "src", "event_type", "namespace", "event_attributes", "autocapture_attributes", "referer", "url", "page_title", "doc_path",
            "doc_host", "doc_search", "screen_resolution", "vp_size", "user_agent", "user_language", "doc_encoding", "utm", "source_ip");
    private static final List<String> USER_FIELDS = List.of("anonymous_id", "id", "email", "company");
    private static final List<String> STRINGS = List.of("pageview", "user_identify", "group", "$autocapture", "signup", "u-1", "a-1",
            "undefined", "null", " ", "", "0", "[object Object]", "é😀ü", "\u0000", "i".repeat(300), "2026-02-30T00:00:00Z", "yesterday",
            "http://x/?utm_source=%&utm_campaign=a+b", "1920x1080", "99999999x1", "2001:db8::1", "+999999999-01-01T00:00:00Z");
    private static final BridgeConfig CONFIG = BridgeConfig.defaults(List.of("sk"));
    private static final EventNormaliser NORMALISER = new EventNormaliser(CONFIG.limits(), CONFIG.idLimits(), CONFIG.junkIds(),
            CONFIG.timestamps());
    private static final List<ObjectNode> CAPTURED = PixelFixtures.BROWSER.stream().map(PixelFixtures::event).toList();

    @Test
    void mapsAnyObjectOntoASegmentEventOrRefusesItNamingAField() {
        qt().withExamples(3000).forAll(pixelEvents()).checkAssert(sent -> {
            try {
                ObjectNode event = PixelEventMapper.map(sent, arrival(sent));
                assertThat(event.get("type").textValue()).isIn(SegmentEventParser.TYPES);
            } catch (InvalidEventException e) {
                assertThat(e.field()).as(e.getMessage()).isNotBlank();
            }
        });
    }

    @Test
    void acceptsOnTheBrowserPathOnlyWhatTheStreamCanRouteAndRefusesTheRestNamingAField() {
        qt().withExamples(3000).forAll(pixelEvents()).checkAssert(sent -> {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            int bytes = sent.toString().getBytes(StandardCharsets.UTF_8).length;
            RequestDocument document = new RequestDocument(List.of(new SentEvent(sent, new Span(0, bytes), "[0]")), BatchDefaults.NONE,
                    null, true);
            try {
                SegmentEvent event = NORMALISER.normalise(document, Endpoint.PIXEL, now, arrival(sent)).get(0);
                assertThat(SegmentEventParser.TYPES).contains(event.getType().toString());
                assertThat(event.getMessageId().toString()).isNotBlank();
                assertThat(event.getUserId() != null || event.getAnonymousId() != null).isTrue();
                assertThat(event.getJson().toString()).doesNotContain("\"api_key\"");
            } catch (Refusal refusal) {
                assertThat(refusal.status()).as(refusal.getMessage()).isIn(400, 413);
                assertThat(refusal.field()).as(refusal.getMessage()).startsWith("[0]");
            } catch (RuntimeException e) {
                fail("neither an event nor a refusal for " + sent, e);
            }
        });
    }

    private static PixelEventMapper.Arrival arrival(JsonNode sent) {
        int pick = Math.floorMod(sent.hashCode(), 3);
        return new PixelEventMapper.Arrival(pick == 0, pick == 1 ? null : "198.51.100.7", PixelIpPolicy.of(pick == 2 ? "strict" : null));
    }

    /** A captured event with a few fields changed, or an object of a few pixel fields; every value of any kind. */
    private static Gen<ObjectNode> pixelEvents() {
        return in -> {
            boolean fromCapture = in.next(Constraint.between(0, 1)) == 0;
            ObjectNode event = fromCapture ? CAPTURED.get((int) in.next(Constraint.between(0, CAPTURED.size() - 1))).deepCopy()
                    : JsonNodeFactory.instance.objectNode();
            if (fromCapture) {
                event.put("utc_time", Instant.now().minusSeconds(in.next(Constraint.between(0, 600))).toString());
            }
            long changes = in.next(Constraint.between(0, 6));
            for (int i = 0; i < changes; i++) {
                String field = pick(in, FIELDS);
                switch ((int) in.next(Constraint.between(0, 3))) {
                    case 0 -> event.remove(field);
                    case 1 -> event.set("user", user(in));
                    default -> event.set(field, value(in, 0));
                }
            }
            return event;
        };
    }

    private static JsonNode user(RandomnessSource in) {
        if (in.next(Constraint.between(0, 5)) == 0) {
            return value(in, 0);
        }
        ObjectNode user = JsonNodeFactory.instance.objectNode();
        for (String field : USER_FIELDS) {
            if (in.next(Constraint.between(0, 2)) > 0) {
                user.set(field, in.next(Constraint.between(0, 2)) == 0 ? value(in, 1) : JsonNodeFactory.instance.textNode(pick(in, STRINGS)));
            }
        }
        return user;
    }

    private static JsonNode value(RandomnessSource in, int depth) {
        JsonNodeFactory json = JsonNodeFactory.instance;
        return switch ((int) in.next(Constraint.between(0, depth > 2 ? 4 : 6))) {
            case 0 -> json.nullNode();
            case 1 -> json.booleanNode(in.next(Constraint.between(0, 1)) == 0);
            case 2 -> json.numberNode(new BigDecimal(pick(in, List.of("0", "-1", "1e400", "12345678901234567890", "0.10", "3"))));
            case 3, 4 -> json.textNode(pick(in, STRINGS));
            case 5 -> {
                ArrayNode array = json.arrayNode();
                long count = in.next(Constraint.between(0, 3));
                for (int i = 0; i < count; i++) {
                    array.add(value(in, depth + 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = json.objectNode();
                long count = in.next(Constraint.between(0, 3));
                for (int i = 0; i < count; i++) {
                    object.set(pick(in, USER_FIELDS), value(in, depth + 1));
                }
                yield object;
            }
        };
    }

    private static String pick(RandomnessSource in, List<String> values) {
        return values.get((int) in.next(Constraint.between(0, values.size() - 1)));
    }
}
