package dev.stitch.bridge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stitch.bridge.BridgeHttp.Answer;
import dev.stitch.bridge.RecordingPublisher.Mode;
import dev.stitch.schema.SegmentEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static dev.stitch.bridge.BridgeHttp.SHOP_ORIGIN;
import static dev.stitch.bridge.BridgeHttp.basic;
import static dev.stitch.bridge.PixelFixtures.BROWSER_TOKEN;
import static dev.stitch.bridge.PixelFixtures.SERVER_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pixel's two paths over real HTTP, with the bodies the real pixel posted (their {@code utc_time} moved
 * to now, so that they lie within the bridge's window) and the keys it was set up with.
 */
class PixelEndpointsTest {

    private static final String BROWSER_PATH = "/api/v1/event";
    private static final String SERVER_PATH = "/api/v1/s2s/event";

    @RegisterExtension
    final RunningBridge running = RunningBridge.eachTest(BridgeConfig.defaults(List.of(SERVER_TOKEN))
            .withBrowserKeys(List.of(BROWSER_TOKEN), List.of(SHOP_ORIGIN))
            .withListenAddress("localhost", 0));

    private static String now(String fixture) {
        return PixelFixtures.bodyAt(fixture, Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(1));
    }

    /** As the pixel posts from a page of the shop: JSON, the key as {@code ?token=}. */
    private Answer fromPage(String query, String body, String contentType) {
        return running.http.send(running.http.request(BROWSER_PATH + query).header("Content-Type", contentType)
                .header("Origin", SHOP_ORIGIN).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private Answer fromPage(String body) {
        return fromPage("?token=" + BROWSER_TOKEN, body, "application/json");
    }

    private Answer fromServer(String token, String body) {
        return running.http.send(running.http.request(SERVER_PATH + "?token=" + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private SegmentEvent published() {
        assertThat(running.publisher.events()).hasSize(1);
        return running.publisher.events().get(0);
    }

    private static JsonNode json(SegmentEvent event) {
        return BridgeHttp.object(event.getJson().toString());
    }

    @Test
    void acceptsTheArrayThePixelPostsWithTheTokenInTheQueryAndAnswersWhatItExpects() {
        Answer answer = fromPage(now("browser-pageview-initial.json"));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.json()).isEqualTo(BridgeHttp.object("{\"success\":true}"));
        SegmentEvent page = published();
        assertThat(page.getType()).hasToString("page");
        assertThat(page.getAnonymousId()).hasToString("671z5e0a5f");
        assertThat(page.getMessageId()).hasToString("6q5b626j4p");
        assertThat(page.getSource()).hasToString("bridge:pixel");
    }

    @Test
    void acceptsTheOneObjectThePixelPostsForADirectPageview() {
        assertThat(fromPage(now("browser-pageview-direct.json")).status()).isEqualTo(200);

        assertThat(published().getUserId()).hasToString("user-42");
    }

    @Test
    void acceptsTheBodyAsTextPlain() {
        assertThat(fromPage("?token=" + BROWSER_TOKEN, now("browser-track.json"), "text/plain;charset=UTF-8").status()).isEqualTo(200);

        assertThat(published().getEvent()).hasToString("signup_clicked");
    }

    @Test
    void acceptsEveryEventOfAnArrayInOrder() {
        ArrayNode body = (ArrayNode) PixelFixtures.json("browser-track.json");
        body.add(PixelFixtures.event("browser-identify.json"));
        body.forEach(event -> ((ObjectNode) event).put("utc_time", Instant.now().minusSeconds(1).toString()));

        assertThat(fromPage(body.toString()).status()).isEqualTo(200);

        assertThat(running.publisher.events()).extracting(event -> event.getType().toString()).containsExactly("track", "identify");
    }

    @Test
    void assignsAMessageIdToAnEventWithoutAnEventId() {
        ObjectNode event = PixelFixtures.event("browser-track.json").put("utc_time", Instant.now().toString());
        event.remove("event_id");

        assertThat(fromPage(event.toString()).status()).isEqualTo(200);

        assertThat(published().getMessageId().toString()).isNotBlank();
    }

    @Test
    void acceptsTheRandomizedPathThePixelPostsToWithItsRandomizeUrlSetting() {
        Answer answer = running.http.send(running.http.request("/api.6s0g4?p_0g3e1=" + BROWSER_TOKEN).header("Content-Type", "application/json")
                .header("Origin", SHOP_ORIGIN).POST(HttpRequest.BodyPublishers.ofString(now("browser-randomized-track.json"))));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Access-Control-Allow-Credentials")).isEqualTo("true");
        assertThat(published().getEvent()).hasToString("signup_clicked");
    }

    @Test
    void refusesAWrongKeyOnTheRandomizedPathWith401() {
        Answer answer = running.http.send(running.http.request("/api.6s0g4?p_0g3e1=pk_wrong").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(now("browser-randomized-track.json"))));

        assertThat(answer.status()).isEqualTo(401);
    }

    @Test
    void answersThePreflightOfTheRandomizedPath() {
        Answer answer = running.http.send(running.http.request("/api.1q4b0?p_371v2=" + BROWSER_TOKEN).header("Origin", SHOP_ORIGIN)
                .header("Access-Control-Request-Method", "POST").method("OPTIONS", HttpRequest.BodyPublishers.noBody()));

        assertThat(answer.status()).isEqualTo(204);
        assertThat(answer.header("Access-Control-Allow-Credentials")).isEqualTo("true");
    }

    @Test
    void takesTheKeyFromTheEventsApiKeyWhenTheQueryHasNone() {
        assertThat(fromPage("", now("browser-track.json"), "application/json").status()).isEqualTo(200);
    }

    @Test
    void keepsNoKeyInThePublishedEvent() {
        fromServer(SERVER_TOKEN, now("server-identify.json"));

        assertThat(published().getJson().toString()).doesNotContain(SERVER_TOKEN).doesNotContain("api_key");
    }

    @Test
    void takesTheConnectionsAddressAsContextIp() {
        fromPage(now("browser-track.json"));

        assertThat(json(published()).get("context").get("ip").textValue()).isEqualTo("127.0.0.1");
    }

    @Test
    void anonymisesContextIpWhenThePixelSendsAStrictIpPolicy() {
        fromPage("?token=" + BROWSER_TOKEN + "&ip_policy=strict", now("browser-track.json"), "application/json");

        assertThat(json(published()).get("context").get("ip").textValue()).isEqualTo("127.0.0.0");
    }

    @Test
    void answersTheBrowserKeysRequestsWithCorsAllowingTheBeaconsCredentials() {
        Answer answer = fromPage(now("browser-beacon-track.json"));

        assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo(SHOP_ORIGIN);
        assertThat(answer.header("Access-Control-Allow-Credentials")).isEqualTo("true");
    }

    @Test
    void answersThePixelsPreflightFromAnAllowedOrigin() {
        Answer answer = preflight(SHOP_ORIGIN);

        assertThat(answer.status()).isEqualTo(204);
        assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo(SHOP_ORIGIN);
        assertThat(answer.header("Access-Control-Allow-Methods")).isEqualTo("POST");
        assertThat(answer.header("Access-Control-Allow-Headers")).containsIgnoringCase("content-type");
        assertThat(answer.header("Access-Control-Allow-Credentials")).isEqualTo("true");
    }

    @Test
    void refusesThePixelsPreflightFromAnotherOriginWith403() {
        Answer answer = preflight("https://evil.example");

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.json().get("error").textValue()).isEqualTo("origin_not_allowed");
        assertThat(answer.header("Access-Control-Allow-Origin")).isNull();
        assertThat(answer.header("Access-Control-Allow-Credentials")).isNull();
    }

    private Answer preflight(String origin) {
        return running.http.send(running.http.request(BROWSER_PATH + "?token=" + BROWSER_TOKEN)
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    }

    @ParameterizedTest(name = "token {0}")
    @ValueSource(strings = {"pk_wrong", "", "sk_capture_keyX"})
    void refusesAWrongTokenWith401BeforeReadingTheBody(String token) {
        Answer answer = fromPage("?token=" + token, now("browser-track.json"), "application/json");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().get("error").textValue()).isEqualTo("invalid_write_key");
        assertThat(running.publisher.events()).isEmpty();
    }

    @Test
    void refusesAnEventWithoutAnyKeyWith401() {
        ObjectNode event = PixelFixtures.event("browser-track.json").put("utc_time", Instant.now().toString());
        event.remove("api_key");

        Answer answer = fromPage("", event.toString(), "application/json");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().get("error").textValue()).isEqualTo("missing_write_key");
        assertThat(answer.json().get("message").textValue()).contains("?token=");
    }

    @Test
    void refusesAJunkAnonymousIdWith400NamingThePixelsField() {
        ArrayNode body = (ArrayNode) PixelFixtures.json("browser-track.json");
        ObjectNode event = (ObjectNode) body.get(0);
        event.put("utc_time", Instant.now().toString());
        ((ObjectNode) event.get("user")).put("anonymous_id", "undefined");

        Answer answer = fromPage(body.toString());

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").textValue()).isEqualTo("junk_id");
        assertThat(answer.json().get("field").textValue()).isEqualTo("[0].user.anonymous_id");
        assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo(SHOP_ORIGIN);
        assertThat(running.publisher.events()).isEmpty();
    }

    @Test
    void refusesAUtcTimeOutsideTheWindowWith400NamingIt() {
        Answer answer = fromPage(PixelFixtures.bodyAt("browser-track.json", Instant.now().minus(400, ChronoUnit.DAYS)));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").textValue()).isEqualTo("timestamp_out_of_range");
        assertThat(answer.json().get("field").textValue()).isEqualTo("[0].utc_time");
    }

    @Test
    void refusesAnIdOverTheLimitWith400NamingThePixelsField() {
        ObjectNode event = PixelFixtures.event("browser-identify.json").put("utc_time", Instant.now().toString());
        ((ObjectNode) event.get("user")).put("id", "u".repeat(257));

        Answer answer = fromPage(event.toString());

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").textValue()).isEqualTo("id_too_long");
        assertThat(answer.json().get("field").textValue()).isEqualTo("user.id");
    }

    @Test
    void refusesAnEventOver32KilobytesWith413() {
        ObjectNode event = PixelFixtures.event("browser-track.json").put("utc_time", Instant.now().toString());
        ((ObjectNode) event.get("event_attributes")).put("blob", "x".repeat(33 * 1024));

        Answer answer = fromPage("[" + event + "]");

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.json().get("error").textValue()).isEqualTo("event_too_large");
        assertThat(answer.json().get("field").textValue()).isEqualTo("[0]");
    }

    @Test
    void refusesABodyOver500KilobytesWith413() {
        ObjectNode event = PixelFixtures.event("browser-track.json").put("utc_time", Instant.now().toString());
        ((ObjectNode) event.get("event_attributes")).put("blob", "x".repeat(20 * 1024));
        ArrayNode body = event.arrayNode();
        for (int i = 0; i < 30; i++) {
            body.add(event);
        }

        Answer answer = fromPage(body.toString());

        assertThat(answer.status()).isEqualTo(413);
        assertThat(answer.json().get("error").textValue()).isEqualTo("batch_too_large");
    }

    @Test
    void answers503WithRetryAfterWhenKafkaCannotTakeTheEvents() {
        running.publisher.mode(Mode.FAIL);

        Answer answer = fromPage(now("browser-track.json"));

        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.header("Retry-After")).isNotNull();
        assertThat(answer.json().get("error").textValue()).isEqualTo("kafka_unavailable");
    }

    @Test
    void acceptsTheServerPathWithAServerKeyAndTheIpTheServerNames() {
        ObjectNode event = PixelFixtures.event("server-track.json").put("utc_time", Instant.now().toString()).put("source_ip", "203.0.113.9");

        Answer answer = fromServer(SERVER_TOKEN, "[" + event + "]");

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Access-Control-Allow-Origin")).isNull();
        SegmentEvent track = published();
        assertThat(track.getUserId()).hasToString("user-42");
        assertThat(track.getSource()).hasToString("bridge:pixel-server");
        assertThat(json(track).get("context").get("ip").textValue()).isEqualTo("203.0.113.9");
        assertThat(json(track).get("channel").textValue()).isEqualTo("server");
    }

    @Test
    void refusesTheBrowserKeyOnTheServerPathWith403() {
        Answer answer = fromServer(BROWSER_TOKEN, now("server-track.json"));

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.json().get("error").textValue()).isEqualTo("server_key_required");
    }

    @Test
    void acceptsTheServerKeyOnTheBrowserPathWithoutCors() {
        Answer answer = running.http.send(running.http.request(BROWSER_PATH).header("Authorization", basic(SERVER_TOKEN))
                .header("Origin", SHOP_ORIGIN).POST(HttpRequest.BodyPublishers.ofString(now("server-track.json"))));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Access-Control-Allow-Origin")).isNull();
    }
}
