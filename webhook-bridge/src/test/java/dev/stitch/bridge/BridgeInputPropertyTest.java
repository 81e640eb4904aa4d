package dev.stitch.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.bridge.BridgeHttp.Answer;
import dev.stitch.schema.SegmentEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import static dev.stitch.bridge.BridgeHttp.BROWSER_KEY;
import static dev.stitch.bridge.BridgeHttp.KEY;
import static dev.stitch.bridge.BridgeHttp.basic;
import static org.quicktheories.QuickTheory.qt;

/**
 * Whatever a client posts, over real HTTP, the bridge answers one of its documented statuses with a
 * JSON body naming what was wrong, and what it accepts is timestamped by its own clock, with ids
 * within the limit and times within the window. Generated: JSON of any shape (objects, arrays, deep
 * nesting, unicode, huge numbers, arbitrary strings in the id and timestamp fields), arbitrary bytes,
 * content types and ways of presenting a key.
 */
class BridgeInputPropertyTest {

    private static final Set<Integer> DOCUMENTED = Set.of(200, 400, 401, 403, 413, 429, 503);
    private static final List<String> PATHS = List.of("/v1/track", "/v1/t", "/v1/identify", "/v1/page", "/v1/screen", "/v1/group",
            "/v1/alias", "/v1/a", "/v1/batch", "/v1/b", "/v1/import", "/v1/webhook", "/api/v1/event", "/api/v1/s2s/event", "/api.x1y2z");
    private static final List<String> CONTENT_TYPES = List.of("application/json", "text/plain", "text/plain;charset=UTF-8",
            "application/x-www-form-urlencoded", "image/png", "", "application/json; charset=latin1");
    private static final List<String> TYPES = List.of("track", "identify", "page", "screen", "group", "alias", "delete", "Track", "", "x");
    private static final List<String> FIELDS = List.of("type", "userId", "anonymousId", "previousId", "groupId", "event", "name",
            "messageId", "timestamp", "originalTimestamp", "sentAt", "receivedAt", "context", "properties", "traits", "integrations",
            "batch", "writeKey");
    private static final List<String> STRINGS = List.of("u-1", "anon-1", "undefined", "null", " ", "", "0", "[object Object]",
            "é😀ü", "\u0000", "\u202Eevil", "i".repeat(257), "i".repeat(256), "2026-02-30T00:00:00Z", "yesterday");

    private static RunningBridge running;

    @BeforeAll
    static void start() {
        running = RunningBridge.start();
    }

    @AfterAll
    static void stop() {
        running.close();
    }

    @Test
    void answersAnyJsonWithADocumentedStatusAndAcceptsOnlyWhatIsWithinTheBounds() {
        qt().withExamples(400).forAll(requests()).checkAssert(BridgeInputPropertyTest::postAndCheck);
    }

    @Test
    void answersAnyBytesWithADocumentedStatus() {
        Gen<byte[]> bytes = in -> {
            byte[] body = new byte[(int) in.next(Constraint.between(0, 300))];
            for (int i = 0; i < body.length; i++) {
                body[i] = (byte) in.next(Constraint.between(-128, 127));
            }
            return body;
        };
        Gen<Post> posts = in -> new Post(pick(in, PATHS), bytes.generate(in), pick(in, CONTENT_TYPES), (int) in.next(Constraint.between(0, 4)));
        qt().withExamples(300).forAll(posts).checkAssert(BridgeInputPropertyTest::postAndCheck);
    }

    /** A request: where, the body, its content type and how the key is presented (0 server Basic, 1 Bearer, 2 browser, 3 wrong, 4 none). */
    record Post(String path, byte[] body, String contentType, int auth) {
        @Override
        public String toString() {
            return "POST " + path + " auth=" + auth + " type=" + contentType + " body=" + new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static Gen<Post> requests() {
        return in -> {
            String path = pick(in, PATHS);
            // Mostly a server key, so that what is accepted gets far enough to be checked.
            int auth = chance(in, 70) ? 0 : (int) in.next(Constraint.between(1, 5));
            long shape = in.next(Constraint.between(0, 99));
            String body = switch (shape < 50 ? 0 : shape < 80 ? 1 : shape < 90 ? 2 : 3) {
                case 0 -> event(in, 0, auth == 5);
                case 1 -> "{\"batch\":[" + events(in, auth == 5) + "]" + (in.next(Constraint.between(0, 1)) == 0 ? "" : ",\"sentAt\":" + time(in))
                        + (auth == 5 ? ",\"writeKey\":\"" + KEY + "\"" : "") + "}";
                case 2 -> "[" + events(in, false) + "]";
                default -> value(in, 0);
            };
            return new Post(path, BridgeHttp.utf8(body), pick(in, CONTENT_TYPES), auth == 5 ? 4 : auth);
        };
    }

    private static String events(RandomnessSource in, boolean withKey) {
        List<String> events = new ArrayList<>();
        long count = in.next(Constraint.between(0, 4));
        for (int i = 0; i < count; i++) {
            events.add(event(in, 1, withKey));
        }
        return String.join(",", events);
    }

    /**
     * An event object: each of Segment's fields present or not, most with plausible values (so that many
     * are accepted), then a few fields of any name with any value.
     */
    private static String event(RandomnessSource in, int depth, boolean withKey) {
        List<String> members = new ArrayList<>();
        // Events of a batch or an array need their type; a single event's path gives it.
        if (chance(in, depth > 0 ? 85 : 30)) {
            members.add("\"type\":" + (in.next(Constraint.between(0, 5)) == 0 ? value(in, depth + 1) : quote(pick(in, TYPES))));
        }
        for (String field : List.of("userId", "anonymousId", "previousId", "groupId")) {
            if (chance(in, 50)) {
                members.add(quote(field) + ":" + id(in));
            }
        }
        for (String field : List.of("event", "name")) {
            if (chance(in, 70)) {
                members.add(quote(field) + ":" + (chance(in, 10) ? value(in, depth + 1) : "\"Viewed\""));
            }
        }
        for (String field : List.of("timestamp", "originalTimestamp", "sentAt", "receivedAt")) {
            if (in.next(Constraint.between(0, 2)) == 0) {
                members.add(quote(field) + ":" + time(in));
            }
        }
        if (in.next(Constraint.between(0, 2)) == 0) {
            members.add("\"context\":" + (in.next(Constraint.between(0, 3)) == 0 ? value(in, depth + 1) : "{\"anonymousId\":" + id(in) + "}"));
        }
        long extra = chance(in, 70) ? 0 : in.next(Constraint.between(1, 2));
        for (int i = 0; i < extra; i++) {
            String field = in.next(Constraint.between(0, 1)) == 0 ? pick(in, FIELDS) : randomString(in);
            members.add(quote(field) + ":" + value(in, depth + 1));
        }
        if (withKey) {
            members.add("\"writeKey\":\"" + KEY + "\"");
        }
        return "{" + String.join(",", members) + "}";
    }

    /** Mostly a usable id; else a placeholder, a long one, unicode, or a value of any type. */
    private static String id(RandomnessSource in) {
        if (chance(in, 60)) {
            return quote(pick(in, List.of("u-1", "anon-1", "u-2", "anon-2")));
        }
        return chance(in, 25) ? value(in, 3) : quote(pick(in, STRINGS));
    }

    /** A time near now, far away, out of any range, malformed, or not a string. */
    private static String time(RandomnessSource in) {
        Instant now = Instant.now();
        return switch ((int) in.next(Constraint.between(0, 11))) {
            case 0, 10, 11 -> quote(now.minusSeconds(in.next(Constraint.between(0, 86_400))).toString());
            case 1 -> quote(now.plus(Duration.ofMinutes(in.next(Constraint.between(0, 60)))).toString());
            case 2 -> quote(now.minus(Duration.ofDays(in.next(Constraint.between(0, 5_000)))).toString());
            case 3 -> quote("+999999999-01-01T00:00:00Z");
            case 4 -> quote("-999999999-12-31T23:59:59Z");
            case 5 -> quote("2030-01-01T00:00:00+14:00");
            case 6 -> quote("1960-01-01T00:00:00Z");
            case 7 -> String.valueOf(in.next(Constraint.none()));
            case 8 -> quote(randomString(in));
            default -> value(in, 2);
        };
    }

    /** Any JSON value, nesting at most a few levels past the bridge's depth limit. */
    private static String value(RandomnessSource in, int depth) {
        int kind = (int) in.next(Constraint.between(0, depth > 36 ? 4 : 7));
        return switch (kind) {
            case 0 -> "null";
            case 1 -> in.next(Constraint.between(0, 1)) == 0 ? "true" : "false";
            case 2 -> pick(in, List.of("0", "-0", "1e999999", "-1E-999999", "123456789012345678901234567890123456789",
                    "0.1000000000000000000000000001", String.valueOf(in.next(Constraint.none()))));
            case 3 -> quote(randomString(in));
            case 4 -> quote(pick(in, STRINGS));
            case 5 -> {
                List<String> items = new ArrayList<>();
                long count = in.next(Constraint.between(0, 3));
                for (int i = 0; i < count; i++) {
                    items.add(value(in, depth + 1));
                }
                yield "[" + String.join(",", items) + "]";
            }
            case 6 -> in.next(Constraint.between(0, 3)) == 0 ? "[".repeat(40) + "]".repeat(40) : event(in, depth + 1, false);
            default -> {
                List<String> members = new ArrayList<>();
                long count = in.next(Constraint.between(0, 3));
                for (int i = 0; i < count; i++) {
                    members.add(quote(randomString(in)) + ":" + value(in, depth + 1));
                }
                yield "{" + String.join(",", members) + "}";
            }
        };
    }

    /** Up to 40 code points from all of Unicode, lone surrogates and control characters included. */
    private static String randomString(RandomnessSource in) {
        StringBuilder text = new StringBuilder();
        long length = in.next(Constraint.between(0, 40));
        for (int i = 0; i < length; i++) {
            text.appendCodePoint((int) in.next(Constraint.between(0, Character.MAX_CODE_POINT)));
        }
        return text.toString();
    }

    private static String quote(String text) {
        StringBuilder json = new StringBuilder("\"");
        text.chars().forEach(c -> {
            if (c == '"' || c == '\\') {
                json.append('\\').append((char) c);
            } else if (c < 0x20) {
                json.append(String.format("\\u%04x", c));
            } else {
                json.append((char) c);
            }
        });
        return json.append('"').toString();
    }

    private static boolean chance(RandomnessSource in, int percent) {
        return in.next(Constraint.between(0, 99)) < percent;
    }

    private static <T> T pick(RandomnessSource in, List<T> from) {
        return from.get((int) in.next(Constraint.between(0, from.size() - 1)));
    }

    private static void postAndCheck(Post post) {
        int publishedBefore = running.publisher.requests().size();
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        HttpRequest.Builder request = running.http.request(post.path()).POST(HttpRequest.BodyPublishers.ofByteArray(post.body()));
        if (!post.contentType().isEmpty()) {
            request.header("Content-Type", post.contentType());
        }
        switch (post.auth()) {
            case 0 -> request.header("Authorization", basic(KEY));
            case 1 -> request.header("Authorization", "Bearer " + KEY);
            case 2 -> request.header("Authorization", basic(BROWSER_KEY));
            case 3 -> request.header("Authorization", basic("wk-wrong"));
            default -> { }
        }
        Answer answer = running.http.send(request);
        Instant after = Instant.now();

        if (!DOCUMENTED.contains(answer.status())) {
            throw new AssertionError("undocumented status " + answer.status() + ": " + answer.body());
        }
        JsonNode json = parse(answer);
        if (answer.status() == 200) {
            if (!json.path("success").asBoolean(false)) {
                throw new AssertionError("200 without success: " + answer.body());
            }
        } else {
            checkRefusal(answer, json);
        }
        List<List<SegmentEvent>> requests = running.publisher.requests();
        List<Instant> timestamps = running.publisher.recordTimestamps();
        if (answer.status() != 200 && requests.size() != publishedBefore) {
            throw new AssertionError("published although answered " + answer.status() + ": " + answer.body());
        }
        for (int i = publishedBefore; i < requests.size(); i++) {
            Instant timestamp = timestamps.get(i);
            if (timestamp.isBefore(before) || timestamp.isAfter(after)) {
                throw new AssertionError("record timestamp " + timestamp + " is not the bridge's clock (" + before + " to " + after + ")");
            }
            for (SegmentEvent event : requests.get(i)) {
                checkAccepted(event, post.path().equals("/v1/import"), before, after);
            }
        }
    }

    private static void checkRefusal(Answer answer, JsonNode json) {
        if (!json.path("error").isTextual() || json.path("message").asText("").isBlank()) {
            throw new AssertionError("a refusal without error and message: " + answer.body());
        }
        for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!Set.of("error", "message", "field").contains(name)) {
                throw new AssertionError("a refusal with the field " + name + ": " + answer.body());
            }
        }
        if (answer.status() == 503 && answer.header("Retry-After") == null) {
            throw new AssertionError("a 503 without Retry-After: " + answer.body());
        }
    }

    private static void checkAccepted(SegmentEvent event, boolean backfill, Instant before, Instant after) {
        for (CharSequence id : new CharSequence[] {event.getUserId(), event.getAnonymousId(), event.getContextAnonymousId(),
                event.getPreviousId(), event.getGroupId()}) {
            if (id != null && id.length() > 256) {
                throw new AssertionError("accepted an id of " + id.length() + " characters: " + event);
            }
        }
        TimestampWindow window = TimestampWindow.DEFAULTS;
        Instant earliest = before.minus(backfill ? window.maxImportAge() : window.maxAge());
        Instant latest = after.plus(window.maxFuture());
        if (event.getTimestamp().isBefore(earliest) || event.getTimestamp().isAfter(latest)) {
            throw new AssertionError("accepted an event time out of the window: " + event.getTimestamp());
        }
    }

    private static JsonNode parse(Answer answer) {
        if (answer.header("Content-Type") == null || !answer.header("Content-Type").startsWith("application/json")) {
            throw new AssertionError("not JSON (" + answer.header("Content-Type") + "): " + answer.body());
        }
        try {
            return dev.stitch.events.SegmentEventParser.JSON.readTree(answer.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + answer.body(), e);
        }
    }
}
