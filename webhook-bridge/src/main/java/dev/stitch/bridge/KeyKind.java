package dev.stitch.bridge;

/** What a write key is for, which decides what a request authenticated by it may do. */
public enum KeyKind {

    /**
     * Public: embedded in web pages (analytics.js, the pixel), so anyone can read it. Answered with CORS
     * for the allowed origins; sends what a browser sends, never an erasure or a merge of two user ids.
     */
    BROWSER,

    /** Secret: kept on servers (Segment's libraries, the webhook destination). Never answered with CORS. */
    SERVER
}
