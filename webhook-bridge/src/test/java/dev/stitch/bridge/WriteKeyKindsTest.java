package dev.stitch.bridge;

import dev.stitch.bridge.BridgeHttp.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpRequest;

import static dev.stitch.bridge.BridgeHttp.BROWSER_KEY;
import static dev.stitch.bridge.BridgeHttp.KEY;
import static dev.stitch.bridge.BridgeHttp.SHOP_ORIGIN;
import static dev.stitch.bridge.BridgeHttp.basic;
import static org.assertj.core.api.Assertions.assertThat;

/** Browser keys send what a browser sends and get CORS; server keys send anything and never get CORS. */
class WriteKeyKindsTest {

    @RegisterExtension
    final RunningBridge running = RunningBridge.eachTest();

    @ParameterizedTest(name = "a browser key posts to {0}")
    @ValueSource(strings = {"/v1/track", "/v1/t", "/v1/page", "/v1/p", "/v1/identify", "/v1/screen", "/v1/group"})
    void acceptsWhatABrowserSendsWithABrowserKey(String path) {
        String body = "{\"anonymousId\":\"anon-1\",\"userId\":\"user-1\",\"event\":\"Viewed\",\"groupId\":\"g-1\",\"name\":\"Home\"}";

        Answer answer = running.http.postFromBrowser(path, body);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(running.publisher.events()).hasSize(1);
    }

    @Test
    void acceptsABatchWithTheBrowserKeyInItsBodyAsAnalyticsJsSendsIt() {
        Answer answer = running.http.send(running.http.request("/v1/b").header("Content-Type", "text/plain").header("Origin", SHOP_ORIGIN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"writeKey\":\"" + BROWSER_KEY + "\",\"batch\":["
                        + "{\"type\":\"page\",\"anonymousId\":\"anon-1\",\"name\":\"Home\"}]}")));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo(SHOP_ORIGIN);
    }

    @Test
    void acceptsTheAliasAnalyticsJsSendsForAnAnonymousVisitor() {
        Answer answer = running.http.postFromBrowser("/v1/alias", "{\"anonymousId\":\"anon-1\",\"previousId\":\"anon-1\",\"userId\":\"user-1\"}");

        assertThat(answer.status()).isEqualTo(200);
    }

    @Test
    void acceptsAnAliasOfTheContextAnonymousIdFromABrowserKey() {
        Answer answer = running.http.postFromBrowser("/v1/alias", "{\"context\":{\"anonymousId\":\"anon-1\"},\"previousId\":\"anon-1\",\"userId\":\"user-1\"}");

        assertThat(answer.status()).isEqualTo(200);
    }

    @Test
    void acceptsAnAliasMergingTwoUsersFromAServerKey() {
        assertThat(running.http.post("/v1/alias", "{\"previousId\":\"user-old\",\"userId\":\"user-new\"}").status()).isEqualTo(200);
    }

    @Test
    void answersTheBrowserKeysRequestsWithCorsForTheAllowedOrigin() {
        Answer answer = running.http.postFromBrowser("/v1/page", "{\"anonymousId\":\"anon-1\",\"name\":\"Home\"}");

        assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo(SHOP_ORIGIN);
        assertThat(answer.header("Vary")).contains("Origin");
        assertThat(answer.header("Access-Control-Allow-Credentials")).isNull();
    }

    @Test
    void answersTheBrowserKeysRefusalsWithCorsTooSoThePageCanReadWhy() {
        Answer answer = running.http.postFromBrowser("/v1/track", "{\"anonymousId\":\"anon-1\"}");

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo(SHOP_ORIGIN);
    }

    @Test
    void neverAnswersAServerKeyWithCors() {
        Answer answer = running.http.send(running.http.request("/v1/page").header("Authorization", basic(KEY)).header("Origin", SHOP_ORIGIN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"anonymousId\":\"anon-1\",\"name\":\"Home\"}")));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void doesNotAnswerABrowserKeyWithCorsForAnotherOrigin() {
        Answer answer = running.http.send(running.http.request("/v1/page").header("Authorization", basic(BROWSER_KEY))
                .header("Origin", "https://evil.example").POST(HttpRequest.BodyPublishers.ofString("{\"anonymousId\":\"a\",\"name\":\"Home\"}")));

        assertThat(answer.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void answersAPreflightFromAnAllowedOrigin() {
        Answer answer = preflight(SHOP_ORIGIN);

        assertThat(answer.status()).isEqualTo(204);
        assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo(SHOP_ORIGIN);
        assertThat(answer.header("Access-Control-Allow-Methods")).isEqualTo("POST");
        assertThat(answer.header("Access-Control-Allow-Headers")).contains("Content-Type", "Authorization").doesNotContain("X-Signature");
    }

    @Test
    void refusesAPreflightFromAnotherOriginWith403() {
        Answer answer = preflight("https://evil.example");

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.json().get("error").textValue()).isEqualTo("origin_not_allowed");
        assertThat(answer.header("Access-Control-Allow-Origin")).isNull();
    }

    @Test
    void answersAPreflightFromAnyOriginWhenEveryOriginIsAllowed() {
        try (RunningBridge open = RunningBridge.start(RunningBridge.config().withBrowserKeys(java.util.List.of(BROWSER_KEY),
                BridgeConfig.DEFAULT_BROWSER_ORIGINS))) {
            Answer answer = open.http.send(open.http.request("/v1/t").header("Origin", "https://any.example")
                    .header("Access-Control-Request-Method", "POST").method("OPTIONS", HttpRequest.BodyPublishers.noBody()));

            assertThat(answer.status()).isEqualTo(204);
            assertThat(answer.header("Access-Control-Allow-Origin")).isEqualTo("https://any.example");
        }
    }

    private Answer preflight(String origin) {
        return running.http.send(running.http.request("/v1/t")
                .header("Origin", origin)
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
    }
}
