package dev.stitch.bridge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The accepted write keys with their kinds, and how a request presents one: as the Basic-auth user name
 * ({@code Authorization: Basic base64(key:)}, what Segment's libraries send), as a Bearer token, or as
 * {@code writeKey} in the body (analytics-java, analytics.js batches). A key in the header wins over one
 * in the body.
 *
 * <p>Keys are compared in constant time: each candidate is hashed, and its digest compared with
 * {@link MessageDigest#isEqual} against every accepted key's digest, with no early exit, so neither
 * a key's length nor its position in the list shows in the time an answer takes.
 */
final class WriteKeys {

    private record Known(byte[] digest, KeyKind kind) {
    }

    private final List<Known> known;

    WriteKeys(List<WriteKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("at least one write key is required");
        }
        this.known = keys.stream().map(key -> new Known(digest(key.value()), key.kind())).toList();
    }

    /** The kind of the key, or null when it is not one of the accepted keys. */
    KeyKind kindOf(String key) {
        byte[] candidate = digest(key);
        KeyKind match = null;
        for (Known entry : known) {
            if (MessageDigest.isEqual(entry.digest(), candidate)) {
                match = entry.kind();
            }
        }
        return match;
    }

    /**
     * The key an {@code Authorization} header carries, or null when there is no header.
     *
     * @throws Refusal when the header is there but is neither valid Basic credentials nor a Bearer token
     */
    static String fromHeader(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return null;
        }
        String value = authorization.trim();
        int space = value.indexOf(' ');
        String scheme = (space < 0 ? value : value.substring(0, space)).toLowerCase(Locale.ROOT);
        String credentials = space < 0 ? "" : value.substring(space + 1).trim();
        switch (scheme) {
            case "basic" -> {
                String decoded;
                try {
                    decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw Refusal.unauthorized("invalid_write_key",
                            "the Authorization header's Basic credentials are not valid base64; send base64(\"<write key>:\")");
                }
                int colon = decoded.indexOf(':');
                return colon < 0 ? decoded : decoded.substring(0, colon);
            }
            case "bearer" -> {
                return credentials;
            }
            default -> throw Refusal.unauthorized("invalid_write_key", "the Authorization header must be Basic (the write key as user name) "
                    + "or Bearer (the write key as token)");
        }
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this Java runtime has no SHA-256", e);
        }
    }
}
