package dev.stitch.bridge;

import dev.stitch.bridge.BridgeHttp.Answer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static dev.stitch.bridge.BridgeHttp.KEY;
import static dev.stitch.bridge.BridgeHttp.basic;
import static dev.stitch.bridge.BridgeHttp.gzip;
import static dev.stitch.bridge.BridgeHttp.utf8;
import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignatureTest {

    private static final String SECRET = "shared-secret";
    private static final String EVENT = "{\"type\":\"track\",\"userId\":\"user-1\",\"event\":\"Paid\"}";
    private static final String SECOND = "{\"type\":\"page\",\"anonymousId\":\"anon-1\",\"name\":\"Home\"}";

    @RegisterExtension
    final RunningBridge running = RunningBridge.eachTest(RunningBridge.config().withSigningSecret(SECRET));

    @Test
    void acceptsAWebhookEventSignedOverItsBody() {
        Answer answer = postWebhook(utf8(EVENT), "X-Signature", hmacSha1Hex(EVENT));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(running.publisher.events()).hasSize(1);
    }

    @Test
    void acceptsAnUppercaseHexSignature() {
        assertThat(postWebhook(utf8(EVENT), "X-Signature", hmacSha1Hex(EVENT).toUpperCase()).status()).isEqualTo(200);
    }

    @Test
    void acceptsAWebhookArraySignedOverItsWholeBody() {
        String body = "[" + EVENT + "," + SECOND + "]";

        Answer answer = postWebhook(utf8(body), "X-Signature", hmacSha1Hex(body));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(running.publisher.events()).hasSize(2);
    }

    @Test
    void acceptsAOneEventArraySignedOverItsElementAsSent() {
        String first = "{ \"type\": \"track\", \"userId\": \"user-1\", \"event\": \"Paid\" }";

        Answer answer = postWebhook(utf8("[\n  " + first + "\n]"), "X-Signature", hmacSha1Hex(first));

        assertThat(answer.status()).isEqualTo(200);
        assertThat(running.publisher.events()).hasSize(1);
    }

    @Test
    void refusesAnArraySignedOverItsFirstElementOnlyWith403() {
        String first = "{ \"type\": \"track\", \"userId\": \"user-1\", \"event\": \"Paid\" }";
        String body = "[\n  " + first + ",\n  " + SECOND + "\n]";

        Answer answer = postWebhook(utf8(body), "X-Signature", hmacSha1Hex(first));

        assertThat(answer.status()).isEqualTo(403);
        assertThat(answer.json().get("error").textValue()).isEqualTo("unsigned_events");
        assertThat(answer.json().get("field").textValue()).isEqualTo("[1]");
        assertThat(running.publisher.events()).isEmpty();
    }

    @Test
    void takesASignedUserDeletionNotification() {
        String delete = "{\"type\":\"delete\",\"userId\":\"user-1\",\"messageId\":\"del-1\"}";

        assertThat(postWebhook(utf8(delete), "X-Signature", hmacSha1Hex(delete)).status()).isEqualTo(200);

        assertThat(running.publisher.events()).singleElement().satisfies(event -> {
            assertThat(event.getType()).isEqualTo("delete");
            assertThat(event.getUserId()).isEqualTo("user-1");
            assertThat(event.getMessageId()).isEqualTo("del-1");
        });
    }

    @Test
    void refusesASignedDeletionOfAPlaceholderUserId() {
        String delete = "{\"type\":\"delete\",\"userId\":\"undefined\"}";

        Answer answer = postWebhook(utf8(delete), "X-Signature", hmacSha1Hex(delete));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.json().get("error").textValue()).isEqualTo("junk_id");
        assertThat(answer.json().get("field").textValue()).isEqualTo("userId");
    }

    @Test
    void checksTheSignatureOfTheDecompressedBody() {
        Answer answer = postWebhook(gzip(utf8(EVENT)), "X-Signature", hmacSha1Hex(EVENT), "Content-Encoding", "gzip");

        assertThat(answer.status()).isEqualTo(200);
    }

    @Test
    void refusesABadSignatureWith401AndPublishesNothing() {
        Answer answer = postWebhook(utf8(EVENT), "X-Signature", hmacSha1Hex(EVENT.replace("Paid", "Free")));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().get("error").textValue()).isEqualTo("invalid_signature");
        assertThat(running.publisher.events()).isEmpty();
    }

    @Test
    void refusesASignatureThatIsNotHex() {
        Answer answer = postWebhook(utf8(EVENT), "X-Signature", "not-hex");

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().get("error").textValue()).isEqualTo("invalid_signature");
    }

    @Test
    void refusesAMissingSignatureWith401() {
        Answer answer = postWebhook(utf8(EVENT));

        assertThat(answer.status()).isEqualTo(401);
        assertThat(answer.json().get("error").textValue()).isEqualTo("missing_signature");
        assertThat(running.publisher.events()).isEmpty();
    }

    @Test
    void doesNotAskTrackingApiClientsForASignature() {
        assertThat(running.http.post("/v1/track", "{\"userId\":\"user-1\",\"event\":\"Paid\"}").status()).isEqualTo(200);
    }

    private Answer postWebhook(byte[] body, String... headers) {
        String[] all = new String[headers.length + 2];
        all[0] = "Authorization";
        all[1] = basic(KEY);
        System.arraycopy(headers, 0, all, 2, headers.length);
        return running.http.post("/v1/webhook", body, all);
    }

    private static String hmacSha1Hex(String signed) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(utf8(SECRET), "HmacSHA1"));
            return HexFormat.of().formatHex(mac.doFinal(utf8(signed)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
