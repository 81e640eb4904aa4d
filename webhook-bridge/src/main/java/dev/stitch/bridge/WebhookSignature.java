package dev.stitch.bridge;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code X-Signature} check of Segment's webhook destination: the hex HMAC-SHA1 of the request
 * body with the shared secret. The body is the decompressed body; for a JSON array body, what is
 * signed is its first element exactly as sent, the bytes from its opening brace to its closing brace
 * (what {@code JSON.stringify(events[0])} gives when the array was written compactly).
 */
final class WebhookSignature {

    private static final String ALGORITHM = "HmacSHA1";

    private final SecretKeySpec key;

    WebhookSignature(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /** @throws Refusal when the signature is missing or does not match */
    void verify(byte[] body, RequestDocument.Span signed, String header) {
        if (header == null || header.isBlank()) {
            throw Refusal.unauthorized("missing_signature", "this bridge requires an X-Signature header: the hex HMAC-SHA1 of the body "
                    + "with the webhook's shared secret");
        }
        byte[] presented;
        try {
            presented = HexFormat.of().parseHex(header.trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Refusal.unauthorized("invalid_signature", "the X-Signature header is not a hex HMAC-SHA1");
        }
        if (!MessageDigest.isEqual(sign(body, signed.offset(), signed.length()), presented)) {
            throw Refusal.unauthorized("invalid_signature", "the X-Signature header does not match the body; check the shared secret");
        }
    }

    /** The raw HMAC-SHA1 of {@code length} bytes of {@code body} from {@code offset}. */
    byte[] sign(byte[] body, int offset, int length) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(body, offset, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot compute " + ALGORITHM, e);
        }
    }
}
