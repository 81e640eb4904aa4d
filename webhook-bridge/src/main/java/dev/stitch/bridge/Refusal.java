package dev.stitch.bridge;

/**
 * Why a request is not accepted, as the client is told: the HTTP status, a stable error code, a
 * sentence, and the field at fault ({@code batch[3].event}) when there is one. Thrown while a request
 * is read and checked, turned into {@code {"error", "message", "field"}} by {@link Answers}.
 */
final class Refusal extends RuntimeException {

    private final int status;
    private final String code;
    private final String field;
    private final boolean closeConnection;
    private final long retryAfterSeconds;

    private Refusal(int status, String code, String field, String message, boolean closeConnection, long retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
        this.closeConnection = closeConnection;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    private Refusal(int status, String code, String field, String message, boolean closeConnection) {
        this(status, code, field, message, closeConnection, 0);
    }

    /** 400: the request cannot be used as sent; Segment and well-behaved clients do not retry it. */
    static Refusal badRequest(String code, String field, String message) {
        return new Refusal(400, code, field, message, false);
    }

    /** 401: no write key, a wrong one, or a missing or bad webhook signature. */
    static Refusal unauthorized(String code, String message) {
        return new Refusal(401, code, null, message, false);
    }

    /** 403: the key is a valid one, but its kind may not do this (or the bridge is not set up to let anyone do it). */
    static Refusal forbidden(String code, String field, String message) {
        return new Refusal(403, code, field, message, false);
    }

    /** 408: the request did not arrive within the request timeout; its connection is closed. */
    static Refusal requestTimeout(String message) {
        return new Refusal(408, "request_timeout", null, message, true);
    }

    /** 500: a bug, not the client's fault; the message says what failed, without a stack trace. */
    static Refusal internal(String code, String message) {
        return new Refusal(500, code, null, message, false);
    }

    /**
     * 503 with {@code Retry-After}: the bridge cannot take the request now (Kafka, or one of the bounds
     * shared by all requests); the same request may be sent again.
     */
    static Refusal unavailable(String code, String message, long retryAfterSeconds) {
        return new Refusal(503, code, null, message, false, retryAfterSeconds);
    }

    /** 413: over one of the limits, which the message names. */
    static Refusal tooLarge(String code, String field, String message) {
        return new Refusal(413, code, field, message, false);
    }

    /** 415: a Content-Encoding the bridge does not decode. */
    static Refusal unsupportedEncoding(String encoding) {
        return new Refusal(415, "unsupported_encoding", null,
                "the Content-Encoding \"" + encoding + "\" is not supported; send the body as is or gzip-compressed", false);
    }

    /** The same refusal, answered on a connection that is then closed rather than read further. */
    Refusal closingConnection() {
        return new Refusal(status, code, field, getMessage(), true, retryAfterSeconds);
    }

    /** The {@code Retry-After} to send, in seconds; 0 for none. */
    long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    /** The field or path at fault, or null. */
    String field() {
        return field;
    }

    boolean closeConnection() {
        return closeConnection;
    }
}
