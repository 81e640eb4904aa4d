package dev.stitch.bridge;

import dev.stitch.bridge.BridgeHttp.Answer;
import dev.stitch.schema.SegmentEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.http.HttpRequest;

import static dev.stitch.bridge.BridgeHttp.KEY;
import static dev.stitch.bridge.BridgeHttp.basic;
import static dev.stitch.bridge.BridgeHttp.gzip;
import static dev.stitch.bridge.BridgeHttp.utf8;
import static org.assertj.core.api.Assertions.assertThat;

class TrackingApiPathsTest {

    @RegisterExtension
    final RunningBridge running = RunningBridge.eachTest();

    @ParameterizedTest(name = "{0} takes a {1} without a type")
    @CsvSource({
            "/v1/track, track, '\"event\":\"Signed Up\"'",
            "/v1/t, track, '\"event\":\"Signed Up\"'",
            "/v1/identify, identify, '\"traits\":{\"plan\":\"pro\"}'",
            "/v1/i, identify, '\"traits\":{\"plan\":\"pro\"}'",
            "/v1/page, page, '\"name\":\"Home\"'",
            "/v1/p, page, '\"name\":\"Home\"'",
            "/v1/screen, screen, '\"name\":\"Settings\"'",
            "/v1/s, screen, '\"name\":\"Settings\"'",
            "/v1/group, group, '\"groupId\":\"acme\"'",
            "/v1/g, group, '\"groupId\":\"acme\"'",
            "/v1/alias, alias, '\"previousId\":\"anon-1\"'",
            "/v1/a, alias, '\"previousId\":\"anon-1\"'"})
    void takesTheEventTypeFromThePathWhenTheBodyHasNone(String path, String type, String fields) {
        Answer answer = running.http.post(path, "{\"userId\":\"user-1\"," + fields + "}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json().toString()).isEqualTo("{\"success\":true}");
        assertThat(answer.header("Content-Type")).startsWith("application/json");
        SegmentEvent event = running.publisher.events().get(0);
        assertThat(event.getType()).isEqualTo(type);
        assertThat(event.getUserId()).isEqualTo("user-1");
        assertThat(event.getSource()).startsWith("bridge:");
        assertThat(BridgeHttp.object(event.getJson()).get("type").textValue()).isEqualTo(type);
    }

    @Test
    void acceptsABodyThatNamesThePathsOwnType() {
        Answer answer = running.http.post("/v1/track", "{\"type\":\"track\",\"event\":\"Clicked\",\"anonymousId\":\"anon-1\"}");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(running.publisher.events()).extracting(SegmentEvent::getEvent).containsExactly("Clicked");
    }

    @Test
    void parsesATextPlainBodyAsJsonLikeAnalyticsJsSendsIt() {
        Answer answer = running.http.send(running.http.request("/v1/t")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"event\":\"Viewed\",\"anonymousId\":\"anon-1\",\"writeKey\":\"" + KEY + "\"}")));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(running.publisher.events()).extracting(SegmentEvent::getEvent).containsExactly("Viewed");
    }

    @Test
    void takesABatchOfMixedTypesOnBatchAndItsShortForm() {
        String batch = "{\"batch\":[{\"type\":\"page\",\"anonymousId\":\"anon-1\",\"name\":\"Home\"},"
                + "{\"type\":\"identify\",\"anonymousId\":\"anon-1\",\"userId\":\"user-1\"},"
                + "{\"type\":\"track\",\"userId\":\"user-1\",\"event\":\"Paid\"}]}";

        assertThat(running.http.post("/v1/batch", batch).status()).isEqualTo(200);
        assertThat(running.http.post("/v1/b", batch).status()).isEqualTo(200);

        assertThat(running.publisher.requests()).hasSize(2);
        assertThat(running.publisher.requests().get(0)).extracting(SegmentEvent::getType).containsExactly("page", "identify", "track");
    }

    @Test
    void takesAnImportWithAndWithoutTheTrailingSlashAnalyticsJavaUses() {
        String batch = "{\"batch\":[{\"type\":\"track\",\"userId\":\"user-1\",\"event\":\"Paid\"}],\"writeKey\":\"" + KEY + "\"}";

        assertThat(running.http.post("/v1/import/", utf8(batch), "Content-Type", "application/json; charset=utf-8").status()).isEqualTo(200);
        assertThat(running.http.post("/v1/import", utf8(batch), "Content-Type", "application/json").status()).isEqualTo(200);

        assertThat(running.publisher.events()).hasSize(2);
        assertThat(running.publisher.events().get(0).getSource()).isEqualTo("bridge:import");
    }

    @Test
    void takesOneWebhookEventOrAnArrayOfThem() {
        assertThat(running.http.post("/v1/webhook", "{\"type\":\"track\",\"userId\":\"user-1\",\"event\":\"One\"}").status()).isEqualTo(200);
        assertThat(running.http.post("/v1/webhook", "[{\"type\":\"track\",\"userId\":\"user-1\",\"event\":\"Two\"},"
                + "{\"type\":\"page\",\"anonymousId\":\"anon-1\",\"name\":\"Three\"}]").status()).isEqualTo(200);

        assertThat(running.publisher.requests()).hasSize(2);
        assertThat(running.publisher.events()).extracting(e -> e.getEvent() != null ? e.getEvent() : e.getName())
                .containsExactly("One", "Two", "Three");
        assertThat(running.publisher.events()).allSatisfy(e -> assertThat(e.getSource()).isEqualTo("bridge:webhook"));
    }

    @Test
    void refusesSegmentsUserDeletionNotificationWithoutASigningSecret() {
        Answer answer = running.http.post("/v1/webhook", "{\"type\":\"delete\",\"userId\":\"user-1\",\"messageId\":\"del-1\"}");

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.json().get("error").textValue()).isEqualTo("signature_required");
        assertThat(answer.json().get("message").textValue()).contains("DELETE /v1/users/{userId}");
        assertThat(running.publisher.events()).isEmpty();
    }

    @Test
    void acceptsAnEmptyBatchWithoutPublishingAnything() {
        assertThat(running.http.post("/v1/batch", "{\"batch\":[]}").status()).isEqualTo(200);

        assertThat(running.publisher.events()).isEmpty();
    }

    @Test
    void decompressesAGzipBody() {
        byte[] body = gzip(utf8("{\"batch\":[{\"type\":\"track\",\"userId\":\"user-1\",\"event\":\"Zipped\"}]}"));

        Answer answer = running.http.post("/v1/batch", body, "Authorization", basic(KEY), "Content-Encoding", "gzip",
                "Content-Type", "application/json");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(running.publisher.events()).extracting(SegmentEvent::getEvent).containsExactly("Zipped");
    }

    @Test
    void refusesABodyThatSaysGzipButIsNot() {
        Answer answer = running.http.post("/v1/track", utf8("{\"event\":\"x\",\"userId\":\"u\"}"), "Authorization", basic(KEY),
                "Content-Encoding", "gzip");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").textValue()).isEqualTo("malformed_gzip");
        assertThat(running.publisher.events()).isEmpty();
    }

    @Test
    void refusesAnEncodingItCannotDecode() {
        Answer answer = running.http.post("/v1/track", utf8("{\"event\":\"x\",\"userId\":\"u\"}"), "Authorization", basic(KEY),
                "Content-Encoding", "br");

        assertThat(answer.status()).isEqualTo(415);
        assertThat(answer.json().get("error").textValue()).isEqualTo("unsupported_encoding");
    }

    @Test
    void answersAnUnknownPathWith404Json() {
        Answer answer = running.http.post("/v1/unknown", "{}");

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.json().get("error").textValue()).isEqualTo("not_found");
        assertThat(answer.json().get("message").textValue()).contains("/v1/track", "/v1/batch", "/v1/webhook");
    }

    @Test
    void answersAWrongMethodWith405Json() {
        Answer onEvents = running.http.get("/v1/track");
        Answer onHealth = running.http.post("/health/live", "{}");

        assertThat(onEvents.status()).isEqualTo(405);
        assertThat(onEvents.json().get("error").textValue()).isEqualTo("method_not_allowed");
        assertThat(onEvents.header("Allow")).isEqualTo("POST");
        assertThat(onHealth.status()).isEqualTo(405);
        assertThat(onHealth.header("Allow")).isEqualTo("GET");
    }
}
