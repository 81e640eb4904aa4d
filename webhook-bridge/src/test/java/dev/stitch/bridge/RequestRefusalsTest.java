package dev.stitch.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stitch.bridge.BridgeHttp.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.stitch.bridge.BridgeHttp.KEY;
import static dev.stitch.bridge.BridgeHttp.basic;
import static dev.stitch.bridge.BridgeHttp.gzip;
import static dev.stitch.bridge.BridgeHttp.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every refusal: its exact status, error code and field, and that nothing of the request was published. */
class RequestRefusalsTest {

    @RegisterExtension
    final RunningBridge running = RunningBridge.eachTest();

    static Stream<Arguments> badRequests() {
        return Stream.of(
                arguments("malformed JSON", "/v1/track", "{\"userId\":\"u\",,\"event\":\"e\"}", "malformed_json", null),
                arguments("a malformed event in a batch", "/v1/batch", "{\"batch\":[{\"type\":\"track\"},{\"type\":track}]}", "malformed_json", "batch[1]"),
                arguments("content after the JSON", "/v1/track", "{\"userId\":\"u\",\"event\":\"e\"} {}", "malformed_json", null),
                arguments("a truncated body", "/v1/batch", "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\"", "truncated_json", "batch[0]"),
                arguments("an empty body", "/v1/track", "", "empty_body", null),
                arguments("an array on a single-event path", "/v1/track", "[{\"userId\":\"u\",\"event\":\"e\"}]", "not_an_object", null),
                arguments("no userId or anonymousId", "/v1/track", "{\"event\":\"e\"}", "missing_field", "userId"),
                arguments("a blank-free null userId", "/v1/identify", "{\"userId\":null,\"anonymousId\":null}", "missing_field", "userId"),
                arguments("a track without event", "/v1/track", "{\"userId\":\"u\"}", "missing_field", "event"),
                arguments("an alias without previousId", "/v1/alias", "{\"userId\":\"u\"}", "missing_field", "previousId"),
                arguments("a group without groupId", "/v1/group", "{\"userId\":\"u\"}", "missing_field", "groupId"),
                arguments("a type that disagrees with the path", "/v1/track", "{\"type\":\"identify\",\"userId\":\"u\"}", "type_mismatch", "type"),
                arguments("an unknown type in a batch", "/v1/batch", "{\"batch\":[{\"type\":\"purchase\",\"userId\":\"u\"}]}", "unknown_type", "batch[0].type"),
                arguments("no type in a batch", "/v1/batch", "{\"batch\":[{\"userId\":\"u\",\"event\":\"e\"}]}", "missing_field", "batch[0].type"),
                arguments("a delete on the tracking API", "/v1/batch", "{\"batch\":[{\"type\":\"delete\",\"userId\":\"u\"}]}", "unknown_type",
                        "batch[0].type"),
                arguments("a delete notification without userId", "/v1/webhook", "{\"type\":\"delete\",\"anonymousId\":\"a\"}",
                        "missing_field", "userId"),
                arguments("a missing id in a webhook array", "/v1/webhook",
                        "[{\"type\":\"page\",\"userId\":\"u\"},{\"type\":\"page\",\"name\":\"Home\"}]", "missing_field", "[1].userId"),
                arguments("a userId that is an object", "/v1/identify", "{\"userId\":{\"id\":1}}", "invalid_field", "userId"),
                arguments("a timestamp that is not ISO-8601", "/v1/track", "{\"userId\":\"u\",\"event\":\"e\",\"timestamp\":\"yesterday\"}",
                        "invalid_field", "timestamp"),
                arguments("a messageId over 100 characters", "/v1/track", "{\"userId\":\"u\",\"event\":\"e\",\"messageId\":\"" + "m".repeat(101) + "\"}",
                        "message_id_too_long", "messageId"),
                arguments("a batch body without batch", "/v1/import", "{\"context\":{}}", "missing_field", "batch"),
                arguments("a batch that is not an array", "/v1/batch", "{\"batch\":{\"type\":\"track\"}}", "invalid_field", "batch"),
                arguments("a batch element that is not an object", "/v1/batch", "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\"},42]}",
                        "not_an_object", "batch[1]"),
                arguments("a batch context that is not an object", "/v1/batch", "{\"context\":\"web\",\"batch\":[]}", "invalid_field", "context"),
                arguments("a userId over 256 characters", "/v1/track", "{\"userId\":\"" + LONG_ID + "\",\"event\":\"e\"}", "id_too_long", "userId"),
                arguments("an anonymousId over 256 characters", "/v1/page", "{\"anonymousId\":\"" + LONG_ID + "\"}", "id_too_long", "anonymousId"),
                arguments("a context.anonymousId over 256 characters", "/v1/identify",
                        "{\"userId\":\"u\",\"context\":{\"anonymousId\":\"" + LONG_ID + "\"}}", "id_too_long", "context.anonymousId"),
                arguments("a previousId over 256 characters", "/v1/alias", "{\"userId\":\"u\",\"previousId\":\"" + LONG_ID + "\"}",
                        "id_too_long", "previousId"),
                arguments("a groupId over 256 characters", "/v1/group", "{\"userId\":\"u\",\"groupId\":\"" + LONG_ID + "\"}",
                        "id_too_long", "groupId"),
                arguments("a long id in a batch", "/v1/batch", "{\"batch\":[{\"type\":\"page\",\"anonymousId\":\"" + LONG_ID + "\"}]}",
                        "id_too_long", "batch[0].anonymousId"),
                arguments("a placeholder userId as the only id", "/v1/track", "{\"userId\":\"undefined\",\"event\":\"x\"}", "junk_id", "userId"),
                arguments("a placeholder anonymousId as the only id", "/v1/page", "{\"anonymousId\":\" NULL \"}", "junk_id", "anonymousId"),
                arguments("a blank userId beside a placeholder anonymousId", "/v1/track", "{\"userId\":\"  \",\"anonymousId\":\"0\",\"event\":\"x\"}",
                        "junk_id", "userId"),
                arguments("a placeholder context.anonymousId as the only id", "/v1/identify", "{\"context\":{\"anonymousId\":\"[object Object]\"}}",
                        "junk_id", "context.anonymousId"),
                arguments("a timestamp ten minutes and more ahead", "/v1/track", track("\"timestamp\":\"" + NOW.plus(Duration.ofMinutes(11)) + "\""),
                        "timestamp_out_of_range", "timestamp"),
                arguments("a timestamp in 2030", "/v1/track", track("\"timestamp\":\"2030-01-01T00:00:00Z\""), "timestamp_out_of_range", "timestamp"),
                arguments("a timestamp in 1960", "/v1/track", track("\"timestamp\":\"1960-01-01T00:00:00Z\""), "timestamp_out_of_range", "timestamp"),
                arguments("a timestamp 31 days old on a live path", "/v1/track", track("\"timestamp\":\"" + NOW.minus(Duration.ofDays(31)) + "\""),
                        "timestamp_out_of_range", "timestamp"),
                arguments("an originalTimestamp in 2030", "/v1/track", track("\"originalTimestamp\":\"2030-01-01T00:00:00Z\""),
                        "timestamp_out_of_range", "originalTimestamp"),
                arguments("a sentAt in 1960", "/v1/track", track("\"sentAt\":\"1960-01-01T00:00:00Z\""), "timestamp_out_of_range", "sentAt"),
                arguments("a batch sentAt in 2030", "/v1/batch", "{\"sentAt\":\"2030-01-01T00:00:00Z\",\"batch\":[" + track("") + "]}",
                        "timestamp_out_of_range", "batch[0].sentAt"),
                // Each time is inside the window, but the clock-skew correction puts the event 30 days and 4 minutes back.
                arguments("a corrected time out of the window", "/v1/track", track("\"timestamp\":\"" + NOW.minus(Duration.ofDays(30).minusMinutes(5))
                        + "\",\"sentAt\":\"" + NOW.plus(Duration.ofMinutes(9)) + "\""), "timestamp_out_of_range", "timestamp"),
                arguments("a timestamp of year +999999999", "/v1/track", track("\"timestamp\":\"+999999999-01-01T00:00:00Z\""),
                        "invalid_field", "timestamp"),
                arguments("a timestamp of year -999999999", "/v1/track", track("\"timestamp\":\"-999999999-01-01T00:00:00Z\""),
                        "invalid_field", "timestamp"),
                arguments("a timestamp that is a number", "/v1/track", track("\"timestamp\":1700000000000"), "invalid_field", "timestamp"),
                arguments("a webhook receivedAt in 2030", "/v1/webhook",
                        "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\",\"receivedAt\":\"2030-01-01T00:00:00Z\"}", "timestamp_out_of_range", "receivedAt"),
                arguments("a webhook receivedAt in 1960", "/v1/webhook",
                        "[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\",\"receivedAt\":\"1960-01-01T00:00:00Z\"}]", "timestamp_out_of_range", "[0].receivedAt"),
                arguments("a backfill more than ten years old", "/v1/import", "{\"batch\":[" + track("\"timestamp\":\""
                        + NOW.minus(Duration.ofDays(3651)) + "\"") + "]}", "timestamp_out_of_range", "batch[0].timestamp"),
                arguments("a delete of a placeholder userId", "/v1/webhook", "{\"type\":\"delete\",\"userId\":\"undefined\"}", "junk_id", "userId"));
    }

    private static final String LONG_ID = "i".repeat(257);
    private static final Instant NOW = Instant.now();

    /** A track event with these extra fields (none when blank). */
    private static String track(String fields) {
        return "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\"" + (fields.isEmpty() ? "" : "," + fields) + "}";
    }

    static Stream<Arguments> browserRefusals() {
        return Stream.of(
                arguments("an alias merging two user ids", "/v1/alias", "{\"previousId\":\"victim\",\"userId\":\"attacker\"}",
                        "server_key_required", "previousId"),
                arguments("an alias of another anonymous id", "/v1/alias", "{\"anonymousId\":\"anon-1\",\"previousId\":\"anon-2\",\"userId\":\"u\"}",
                        "server_key_required", "previousId"),
                arguments("an alias merging users in a batch", "/v1/batch", "{\"batch\":[{\"type\":\"page\",\"anonymousId\":\"a\"},"
                        + "{\"type\":\"alias\",\"previousId\":\"victim\",\"userId\":\"attacker\"}]}", "server_key_required", "batch[1].previousId"),
                arguments("a delete on the webhook", "/v1/webhook", "{\"type\":\"delete\",\"userId\":\"victim\"}", "server_key_required", null),
                arguments("any event on the webhook", "/v1/webhook", "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\"}",
                        "server_key_required", null),
                arguments("a backfill on the import path", "/v1/import", "{\"batch\":[" + track("") + "]}", "server_key_required", null));
    }

    @ParameterizedTest(name = "403 {3} for {0} with a browser key")
    @MethodSource("browserRefusals")
    void refusesWhatABrowserKeyMayNotSendWith403(String what, String path, String body, String code, String field) {
        Answer answer = running.http.postFromBrowser(path, body);

        assertThat(answer.status()).isEqualTo(403);
        assertRefusal(answer, code, field);
    }

    @Test
    void refusesAnErasureOnTheWebhookWithoutASigningSecretWith403SayingHowToErase() {
        Answer answer = running.http.post("/v1/webhook", "{\"type\":\"delete\",\"userId\":\"victim\"}");

        assertThat(answer.status()).isEqualTo(403);
        assertRefusal(answer, "signature_required", "type");
        assertThat(answer.json().get("message").textValue()).contains("DELETE /v1/users/{userId}", "STITCH_BRIDGE_SIGNING_SECRET");
    }

    @Test
    void refusesAnErasureInAWebhookArrayWithoutASigningSecretNamingIt() {
        Answer answer = running.http.post("/v1/webhook", "[{\"type\":\"page\",\"anonymousId\":\"a\"},{\"type\":\"delete\",\"userId\":\"victim\"}]");

        assertThat(answer.status()).isEqualTo(403);
        assertRefusal(answer, "signature_required", "[1].type");
    }

    @Test
    void acceptsABackfillOfFiveYearsAgoOnTheImportPathOnly() {
        String old = "\"timestamp\":\"" + Instant.now().minus(Duration.ofDays(5 * 365)) + "\"";

        assertThat(running.http.post("/v1/track", track(old)).status()).isEqualTo(400);
        assertThat(running.http.post("/v1/import", "{\"batch\":[" + track(old) + "]}").status()).isEqualTo(200);
    }

    @Test
    void acceptsAnIdOfExactly256Characters() {
        assertThat(running.http.post("/v1/track", "{\"userId\":\"" + "i".repeat(256) + "\",\"event\":\"e\"}").status()).isEqualTo(200);
    }

    @Test
    void acceptsAPlaceholderUserIdBesideARealAnonymousId() {
        assertThat(running.http.post("/v1/track", "{\"userId\":\"undefined\",\"anonymousId\":\"anon-1\",\"event\":\"e\"}").status())
                .isEqualTo(200);
    }

    @Test
    void namesThePlaceholderValueInTheRefusal() {
        Answer answer = running.http.post("/v1/track", "{\"userId\":\"undefined\",\"event\":\"x\"}");

        assertThat(answer.json().get("message").textValue()).contains("\"undefined\"");
    }

    @ParameterizedTest(name = "400 {3} for {0}")
    @MethodSource("badRequests")
    void refusesWith400NamingTheField(String what, String path, String body, String code, String field) {
        Answer answer = running.http.post(path, body);

        assertThat(answer.status()).isEqualTo(400);
        assertRefusal(answer, code, field);
    }

    @Test
    void namesThePathWhereTheJsonNestsTooDeep() {
        Answer answer = running.http.post("/v1/batch", "{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\",\"properties\":" + nested(40) + "}]}");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").textValue()).isEqualTo("too_deep");
        assertThat(answer.json().get("field").textValue()).startsWith("batch[0].properties[0][0]");
        assertThat(answer.json().get("message").textValue()).contains("32 levels");
    }

    @Test
    void acceptsAMessageIdOfExactly100Characters() {
        Answer answer = running.http.post("/v1/track", "{\"userId\":\"u\",\"event\":\"e\",\"messageId\":\"" + "m".repeat(100) + "\"}");

        assertThat(answer.status()).isEqualTo(200);
    }

    @Test
    void refusesInvalidUtf8With400() {
        byte[] body = utf8("{\"userId\":\"u\",\"event\":\"caf__\"}");
        int at = new String(body, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("__");
        body[at] = (byte) 0xC3;
        body[at + 1] = (byte) 0x28; // not a continuation byte

        Answer answer = running.http.post("/v1/track", body, "Authorization", basic(KEY));

        assertThat(answer.status()).isEqualTo(400);
        assertRefusal(answer, "invalid_utf8", null);
        assertThat(answer.json().get("message").textValue()).contains("byte " + at);
    }

    @Test
    void refusesUtf16With400() {
        byte[] body = "{\"userId\":\"u\",\"event\":\"e\"}".getBytes(java.nio.charset.StandardCharsets.UTF_16LE);

        Answer answer = running.http.post("/v1/track", body, "Authorization", basic(KEY));

        assertThat(answer.status()).isEqualTo(400);
        assertRefusal(answer, "malformed_json", null);
    }

    @Test
    void refusesTheWholeBatchWhenOneEventIsBad() {
        Answer answer = running.http.post("/v1/batch", "{\"batch\":["
                + "{\"type\":\"page\",\"anonymousId\":\"anon-1\",\"name\":\"Home\"},"
                + "{\"type\":\"identify\",\"anonymousId\":\"anon-1\",\"userId\":\"user-1\"},"
                + "{\"type\":\"track\",\"userId\":\"user-1\"},"
                + "{\"type\":\"track\",\"userId\":\"user-1\",\"event\":\"Paid\"}]}");

        assertThat(answer.status()).isEqualTo(400);
        assertRefusal(answer, "missing_field", "batch[2].event");
        assertThat(answer.json().get("message").textValue()).startsWith("batch[2]: ");
    }

    @Test
    void acceptsAnEventOfExactly32Kilobytes() {
        String head = "{\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"pad\":\"";
        String tail = "\"}}";
        String body = head + "x".repeat(32 * 1024 - head.length() - tail.length()) + tail;

        assertThat(utf8(body)).hasSize(32 * 1024);
        assertThat(running.http.post("/v1/track", body).status()).isEqualTo(200);
    }

    @Test
    void refusesAnEventOver32KilobytesWith413() {
        Answer answer = running.http.post("/v1/track", event(32 * 1024 + 1));

        assertThat(answer.status()).isEqualTo(413);
        assertRefusal(answer, "event_too_large", null);
        assertThat(answer.json().get("message").textValue()).contains("32 KB");
    }

    @Test
    void refusesAWebhookEventOver32KilobytesWith413() {
        Answer answer = running.http.post("/v1/webhook", "{\"type\":\"track\"," + event(33 * 1024).substring(1));

        assertThat(answer.status()).isEqualTo(413);
        assertRefusal(answer, "event_too_large", null);
    }

    @Test
    void refusesABatchHoldingAnEventOver32KilobytesWith413NamingIt() {
        String small = "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\"}";
        String large = "{\"type\":\"track\"," + event(40 * 1024).substring(1);

        Answer answer = running.http.post("/v1/batch", "{\"batch\":[" + small + "," + large + "]}");

        assertThat(answer.status()).isEqualTo(413);
        assertRefusal(answer, "event_too_large", "batch[1]");
    }

    @Test
    void refusesABatchOver500KilobytesWith413() {
        Answer answer = running.http.post("/v1/batch", batch(20, 26 * 1024));

        assertThat(answer.status()).isEqualTo(413);
        assertRefusal(answer, "batch_too_large", null);
        assertThat(answer.json().get("message").textValue()).contains("500 KB");
    }

    @Test
    void refusesMoreThan2500EventsWith413() {
        Answer answer = running.http.post("/v1/batch", batch(2_501, 0));

        assertThat(answer.status()).isEqualTo(413);
        assertRefusal(answer, "too_many_events", "batch");
        assertThat(answer.json().get("message").textValue()).contains("2,500");
    }

    @Test
    void accepts2500Events() {
        assertThat(running.http.post("/v1/batch", batch(2_500, 0)).status()).isEqualTo(200);
        assertThat(running.publisher.events()).hasSize(2_500);
    }

    @Test
    void refusesAGzipBombWith413WithoutInflatingIt() {
        // About 10 KB compressed, 10 MB once inflated.
        byte[] bomb = gzip(utf8("{\"batch\":[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"" + "0".repeat(10 * 1024 * 1024) + "\"}]}"));
        assertThat(bomb.length).isLessThan(64 * 1024);

        Answer answer = running.http.post("/v1/batch", bomb, "Authorization", basic(KEY), "Content-Encoding", "gzip");

        assertThat(answer.status()).isEqualTo(413);
        assertRefusal(answer, "batch_too_large", null);
        assertThat(answer.json().get("message").textValue()).contains("after decompression");
    }

    @Test
    void refusesAGzippedEventThatInflatesPast32KilobytesWith413() {
        Answer answer = running.http.post("/v1/track", gzip(utf8(event(33 * 1024))), "Authorization", basic(KEY),
                "Content-Encoding", "gzip");

        assertThat(answer.status()).isEqualTo(413);
        assertRefusal(answer, "event_too_large", null);
    }

    @Test
    void refusesABodyFarOverTheLimitWith413() {
        byte[] huge = utf8(batch(200, 24 * 1024)); // about 5 MB

        Answer answer = running.http.post("/v1/batch", huge, "Authorization", basic(KEY));

        assertThat(answer.status()).isEqualTo(413);
        assertRefusal(answer, "batch_too_large", null);
    }

    @Test
    void answers413AtOnceAndClosesTheConnectionWhenTheDeclaredLengthIsPastWhatItDrains() throws IOException {
        try (Socket socket = new Socket("localhost", running.bridge.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(utf8("POST /v1/batch HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + basic(KEY)
                    + "\r\nContent-Type: application/json\r\nContent-Length: 1000000000\r\n\r\n{\"batch\":["));
            socket.getOutputStream().flush();

            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(answer).startsWith("HTTP/1.1 413").contains("\"error\":\"batch_too_large\"");
        }
        assertThat(running.publisher.events()).isEmpty();
    }

    private void assertRefusal(Answer answer, String code, String field) {
        JsonNode json = answer.json();
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        assertThat(json.get("error").textValue()).isEqualTo(code);
        assertThat(json.get("message").textValue()).isNotBlank();
        if (field == null) {
            assertThat(json.has("field")).as("field in %s", json).isFalse();
        } else {
            assertThat(json.get("field").textValue()).isEqualTo(field);
        }
        List<String> names = new ArrayList<>();
        json.fieldNames().forEachRemaining(names::add);
        assertThat(names).isSubsetOf("error", "message", "field");
        assertThat(running.publisher.events()).as("published after a refusal").isEmpty();
    }

    /** A track event of exactly {@code bytes} bytes. */
    private static String event(int bytes) {
        String head = "{\"userId\":\"u\",\"event\":\"e\",\"properties\":{\"pad\":\"";
        String tail = "\"}}";
        return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
    }

    private static String batch(int events, int padding) {
        StringBuilder body = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < events; i++) {
            if (i > 0) {
                body.append(',');
            }
            body.append("{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e").append(i).append('"');
            if (padding > 0) {
                body.append(",\"properties\":{\"pad\":\"").append("x".repeat(padding)).append("\"}");
            }
            body.append('}');
        }
        return body.append("]}").toString();
    }

    private static String nested(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }
}
