package dev.stitch.stream.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The API token, checked against {@code Authorization: Bearer <token>} in constant time. */
final class BearerToken {

    private static final String SCHEME = "Bearer ";

    private final byte[] token;

    BearerToken(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the query API needs a token (STITCH_API_TOKEN)");
        }
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    boolean accepts(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return false;
        }
        byte[] given = authorization.substring(SCHEME.length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(given, token);
    }
}
