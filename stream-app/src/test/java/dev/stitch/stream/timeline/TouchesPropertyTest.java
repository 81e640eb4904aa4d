package dev.stitch.stream.timeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.stitch.events.SegmentEventParser;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.internal.Touch;
import dev.stitch.schema.internal.UserProfile;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Random;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The touch read from an event's JSON, skipping all but {@code context.page} and {@code context.campaign},
 * is the one the whole parsed tree gives; and taking only the two ends of a record's events into a
 * profile leaves the first and latest touch that taking every event in turn leaves. Each example is
 * built from one generated seed, which a failure reports.
 */
class TouchesPropertyTest {

    private static final int EXAMPLES = 500;
    private static final Instant T0 = Instant.parse("2026-11-02T10:00:00Z");

    @Test
    void readingOnlyThePageAndTheCampaignFindsTheTouchOfTheWholeTree() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).check(seed -> {
            SegmentEvent event = event(new Random(seed), "m-" + seed, 0);
            return Objects.equals(Touches.read(event), ofTree(event));
        });
    }

    @Test
    void takingTheEarliestAndTheLatestTouchLeavesWhatTakingEachInTurnLeaves() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).check(seed -> {
            Random random = new Random(seed);
            List<SegmentEvent> events = new ArrayList<>();
            for (int i = random.nextInt(12); i > 0; i--) {
                // Few times and messageIds, so that events share a place on the timeline.
                events.add(event(random, "m-" + random.nextInt(4), random.nextInt(6)));
            }
            UserProfile inTurn = profile(random);
            UserProfile atOnce = new UserProfile(new HashMap<>(), new ArrayList<>(), new ArrayList<>(), 0L, 0L, null, null);
            atOnce.setFirstTouch(inTurn.getFirstTouch());
            atOnce.setLatestTouch(inTurn.getLatestTouch());
            List<SegmentEvent> candidates = new ArrayList<>();
            boolean changedInTurn = false;
            for (SegmentEvent event : events) {
                if (Touches.mayBeTouch(event.getJson())) {
                    candidates.add(event);
                    Touch touch = ofTree(event);
                    changedInTurn |= touch != null && Touches.take(inTurn, touch);
                }
            }
            boolean changedAtOnce = Touches.takeEarliestAndLatest(atOnce, candidates);
            return changedAtOnce == changedInTurn && Objects.equals(atOnce.getFirstTouch(), inTurn.getFirstTouch())
                    && Objects.equals(atOnce.getLatestTouch(), inTurn.getLatestTouch());
        });
    }

    private static Touch ofTree(SegmentEvent event) {
        try {
            return Touches.of(event, SegmentEventParser.JSON.readTree(event.getJson()));
        } catch (JsonProcessingException e) {
            throw new AssertionError("the generated JSON does not parse: " + event.getJson(), e);
        }
    }

    /** A profile with no touches yet, or with a first and latest touch somewhere on the timeline. */
    private static UserProfile profile(Random random) {
        UserProfile profile = new UserProfile(new HashMap<>(), new ArrayList<>(), new ArrayList<>(), 0L, 0L, null, null);
        if (random.nextBoolean()) {
            long first = random.nextInt(6);
            profile.setFirstTouch(touch(first, "m-" + random.nextInt(4)));
            profile.setLatestTouch(touch(first + random.nextInt(3), "m-" + random.nextInt(4)));
        }
        return profile;
    }

    private static Touch touch(long offset, String messageId) {
        return new Touch(T0.toEpochMilli() + offset, messageId, null, null, "https://stored.example/", "/");
    }

    /** An event whose JSON has any mix of contexts, pages, campaigns and look-alikes elsewhere. */
    private static SegmentEvent event(Random random, String messageId, long offset) {
        ObjectNode base = SegmentEventParser.JSON.createObjectNode().put("type", "page").put("messageId", messageId)
                .put("anonymousId", "a-1").put("timestamp", T0.plusMillis(offset).toString());
        SegmentEvent event = SegmentEventParser.parse(base, T0.plusMillis(offset), "test");
        event.setJson(document(random));
        return event;
    }

    private static String document(Random random) {
        List<String> fields = new ArrayList<>();
        fields.add("\"type\":\"page\"");
        for (int i = random.nextInt(4); i > 0; i--) {
            fields.add(switch (random.nextInt(4)) {
                case 0 -> "\"context\":" + context(random);
                case 1 -> "\"properties\":{\"page\":" + page(random) + ",\"campaign\":" + campaign(random) + "}";
                case 2 -> "\"context\":" + scalar(random);
                default -> "\"noise\":" + noise(random, 2);
            });
        }
        return object(random, fields);
    }

    private static String context(Random random) {
        List<String> fields = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            fields.add(switch (random.nextInt(5)) {
                case 0, 1 -> "\"page\":" + (random.nextInt(5) == 0 ? scalar(random) : page(random));
                case 2 -> "\"campaign\":" + (random.nextInt(5) == 0 ? scalar(random) : campaign(random));
                case 3 -> "\"library\":{\"name\":\"analytics.js\",\"page\":" + page(random) + "}";
                default -> "\"ip\":" + noise(random, 2);
            });
        }
        return object(random, fields);
    }

    private static String page(Random random) {
        List<String> fields = new ArrayList<>();
        for (String name : new String[]{"url", "path", "referrer", "search", "title"}) {
            if (random.nextInt(3) > 0) {
                fields.add("\"" + name + "\":" + (name.equals("url") && random.nextBoolean() ? url(random) : scalar(random)));
            }
        }
        return object(random, fields);
    }

    private static String campaign(Random random) {
        List<String> fields = new ArrayList<>();
        for (String name : new String[]{"source", "medium", "name", "term", "content"}) {
            if (random.nextBoolean()) {
                fields.add("\"" + name + "\":" + scalar(random));
            }
        }
        return object(random, fields);
    }

    private static String url(Random random) {
        String query = random.nextBoolean() ? "?utm_source=s" + random.nextInt(3) + "&utm_medium=m" : "";
        return TextNode.valueOf("https://shop.example/p/" + random.nextInt(9) + query + (random.nextBoolean() ? "#top" : "")).toString();
    }

    private static String scalar(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> "null";
            case 1 -> random.nextBoolean() ? "true" : "false";
            case 2 -> Integer.toString(random.nextInt(2000) - 1000);
            case 3 -> "1.50e3";
            case 4 -> "\"\"";
            case 5 -> "[1,{\"page\":{}}]";
            default -> TextNode.valueOf(text(random)).toString();
        };
    }

    private static String noise(Random random, int depth) {
        if (depth == 0 || random.nextBoolean()) {
            return scalar(random);
        }
        return "{\"a\":" + noise(random, depth - 1) + ",\"b\":[" + noise(random, depth - 1) + "]}";
    }

    /** The fields in the order given, one of them sometimes twice: a repeated name counts by its last occurrence. */
    private static String object(Random random, List<String> fields) {
        List<String> all = new ArrayList<>(fields);
        if (!all.isEmpty() && random.nextInt(4) == 0) {
            all.add(all.get(random.nextInt(all.size())));
        }
        return "{" + String.join(",", all) + "}";
    }

    private static String text(Random random) {
        String[] pieces = {"/", "x", "é", "\"", "\\", "\n", "?", "=", "&", "utm_source", "😀", " "};
        StringBuilder text = new StringBuilder();
        for (int i = random.nextInt(6); i > 0; i--) {
            text.append(pieces[random.nextInt(pieces.length)]);
        }
        return text.toString();
    }
}
