package dev.stitch.stream.api;

import java.util.concurrent.CompletionStage;

/** Where the query API sends a privacy request: to the stream, which erases the user (R13). */
public interface ErasureRequests {

    /**
     * Asks for the user's erasure.
     *
     * @return completes with the request's messageId once it is durably on the stream's input
     */
    CompletionStage<String> request(String userId);
}
