package dev.stitch.bridge;

/**
 * What one request may hold. The defaults are Segment's own tracking-API limits, so a client that
 * works against Segment works against the bridge.
 *
 * @param maxEventBytes      one event's JSON as sent (32 KB); for the single-event paths, the whole body
 * @param maxBatchBytes      a batch, import or webhook body after decompression (500 KB)
 * @param maxBatchEvents     events in one batch (2,500)
 * @param maxMessageIdLength characters of a {@code messageId} (100)
 * @param maxNestingDepth    nesting of JSON objects and arrays, the batch envelope included (32)
 */
public record BridgeLimits(int maxEventBytes, int maxBatchBytes, int maxBatchEvents, int maxMessageIdLength, int maxNestingDepth) {

    public static final BridgeLimits SEGMENT = new BridgeLimits(32 * 1024, 500 * 1024, 2_500, 100, 32);

    public BridgeLimits {
        if (maxEventBytes < 1 || maxBatchBytes < maxEventBytes || maxBatchEvents < 1 || maxMessageIdLength < 1 || maxNestingDepth < 2) {
            throw new IllegalArgumentException("Inconsistent bridge limits " + this
                    + ": every limit must be positive, a batch at least as large as an event, the nesting depth at least 2.");
        }
    }
}
