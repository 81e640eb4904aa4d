package dev.stitch.bridge;

import dev.stitch.bridge.BridgeHttp.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static dev.stitch.bridge.BridgeHttp.KEY;
import static dev.stitch.bridge.BridgeHttp.OTHER_KEY;
import static dev.stitch.bridge.BridgeHttp.basic;
import static dev.stitch.bridge.BridgeHttp.utf8;
import static org.assertj.core.api.Assertions.assertThat;

class WriteKeyAuthenticationTest {

    private static final String TRACK = "{\"userId\":\"user-1\",\"event\":\"Paid\"}";

    @RegisterExtension
    final RunningBridge running = RunningBridge.eachTest();

    @Test
    void acceptsTheWriteKeyAsTheBasicAuthUserName() {
        assertThat(running.http.post("/v1/track", utf8(TRACK), "Authorization", basic(KEY)).status()).isEqualTo(200);
    }

    @Test
    void acceptsBasicCredentialsWithAPassword() {
        String credentials = java.util.Base64.getEncoder().encodeToString(utf8(KEY + ":ignored"));

        assertThat(running.http.post("/v1/track", utf8(TRACK), "Authorization", "Basic " + credentials).status()).isEqualTo(200);
    }

    @Test
    void acceptsTheWriteKeyAsABearerToken() {
        assertThat(running.http.post("/v1/track", utf8(TRACK), "Authorization", "Bearer " + KEY).status()).isEqualTo(200);
    }

    @Test
    void acceptsTheWriteKeyInTheBodyOfAnEventAndOfABatch() {
        Answer event = running.http.post("/v1/track", utf8("{\"userId\":\"user-1\",\"event\":\"Paid\",\"writeKey\":\"" + KEY + "\"}"));
        Answer batch = running.http.post("/v1/batch", utf8("{\"writeKey\":\"" + KEY + "\",\"batch\":[" + "{\"type\":\"track\",\"userId\":\"u\",\"event\":\"e\"}]}"));

        assertThat(event.status()).isEqualTo(200);
        assertThat(batch.status()).isEqualTo(200);
    }

    @Test
    void acceptsEveryConfiguredKey() {
        assertThat(running.http.post("/v1/track", utf8(TRACK), "Authorization", basic(OTHER_KEY)).status()).isEqualTo(200);
        assertThat(running.http.post("/v1/track", utf8(TRACK), "Authorization", "Bearer " + OTHER_KEY).status()).isEqualTo(200);

        assertThat(running.publisher.events()).hasSize(2);
    }

    @Test
    void neverPublishesTheWriteKeySentInTheBody() {
        running.http.post("/v1/track", utf8("{\"userId\":\"user-1\",\"event\":\"Paid\",\"writeKey\":\"" + KEY + "\"}"));

        assertThat(running.publisher.events().get(0).getJson()).doesNotContain("writeKey").doesNotContain(KEY);
    }

    @Test
    void refusesAWrongKeyWith401() {
        Answer answer = running.http.post("/v1/track", utf8(TRACK), "Authorization", basic("wk-wrong"));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().get("error").textValue()).isEqualTo("invalid_write_key");
        assertThat(answer.header("WWW-Authenticate")).startsWith("Basic");
        assertThat(running.publisher.events()).isEmpty();
    }

    @Test
    void refusesAWrongKeyInTheBodyWith401() {
        Answer answer = running.http.post("/v1/track", utf8("{\"userId\":\"u\",\"event\":\"e\",\"writeKey\":\"wk-wrong\"}"));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().get("error").textValue()).isEqualTo("invalid_write_key");
        assertThat(running.publisher.events()).isEmpty();
    }

    @Test
    void refusesAKeyThatIsOnlyAPrefixOfAnAcceptedOne() {
        Answer answer = running.http.post("/v1/track", utf8(TRACK), "Authorization", "Bearer " + KEY.substring(0, 4));

        assertThat(answer.status()).isEqualTo(401);
    }

    @Test
    void refusesARequestWithoutAnyKeyWith401() {
        Answer answer = running.http.post("/v1/track", utf8(TRACK), "Content-Type", "application/json");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().get("error").textValue()).isEqualTo("missing_write_key");
        assertThat(answer.json().get("message").textValue()).contains("Basic", "Bearer", "writeKey");
        assertThat(running.publisher.events()).isEmpty();
    }

    @Test
    void letsTheHeaderKeyWinOverTheBodyKey() {
        Answer answer = running.http.post("/v1/track", utf8("{\"userId\":\"u\",\"event\":\"e\",\"writeKey\":\"" + KEY + "\"}"),
                "Authorization", basic("wk-wrong"));

        assertThat(answer.status()).isEqualTo(401);
    }

    @Test
    void refusesAnAuthorizationHeaderOfAnotherScheme() {
        Answer answer = running.http.post("/v1/track", utf8(TRACK), "Authorization", "Digest username=\"" + KEY + "\"");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().get("error").textValue()).isEqualTo("invalid_write_key");
    }

    @Test
    void refusesBasicCredentialsThatAreNotBase64() {
        Answer answer = running.http.post("/v1/track", utf8(TRACK), "Authorization", "Basic %%%");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().get("message").textValue()).contains("base64");
    }

    @Test
    void checksTheHeaderKeyBeforeReadingTheJson() {
        Answer answer = running.http.post("/v1/track", utf8("{not json"), "Authorization", basic("wk-wrong"));

        assertThat(answer.status()).isEqualTo(401);
    }
}
