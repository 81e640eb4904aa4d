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

    private Refusal(int status, String code, String field, String message, boolean closeConnection) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
        this.closeConnection = closeConnection;
    }

    /** 400: the request cannot be used as sent; Segment and well-behaved clients do not retry it. */
    static Refusal badRequest(String code, String field, String message) {
        return new Refusal(400, code, field, message, false);
    }

    /** 401: no write key, a wrong one, or a bad webhook signature. */
    static Refusal unauthorized(String code, String message) {
        return new Refusal(401, code, null, message, false);
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
        return new Refusal(status, code, field, getMessage(), true);
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
