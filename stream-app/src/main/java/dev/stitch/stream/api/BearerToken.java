package dev.stitch.stream.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The API token, checked against {@code Authorization: Bearer <token>} in constant time. */
final class BearerToken {

    private static final String SCHEME = "Bearer ";

    /** What a request presented, told apart so that a caller with a stale token is not told it sent none. */
    enum Presented { RIGHT, MISSING, WRONG }

    private final byte[] token;

    BearerToken(String token) {
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("the query API needs a token (STITCH_API_TOKEN)");
        }
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    Presented judge(String authorization) {
        if (authorization == null || authorization.isBlank() || authorization.trim().equalsIgnoreCase(SCHEME.trim())) {
            return Presented.MISSING;
        }
        if (!authorization.regionMatches(true, 0, SCHEME, 0, SCHEME.length())) {
            return Presented.WRONG;
        }
        String given = authorization.substring(SCHEME.length()).trim();
        if (given.isEmpty()) {
            return Presented.MISSING;
        }
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), token) ? Presented.RIGHT : Presented.WRONG;
    }

    /** The sentence a refused request is answered with. */
    static String refusal(Presented presented) {
        return presented == Presented.MISSING
                ? "This request has no API token: send it as 'Authorization: Bearer <token>' (the value of STITCH_API_TOKEN)."
                : "The token sent is not this API's token: send the current value of STITCH_API_TOKEN as 'Authorization: Bearer <token>' "
                        + "(it may have changed since it was copied).";
    }
}
