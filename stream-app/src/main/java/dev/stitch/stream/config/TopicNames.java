package dev.stitch.stream.config;

/**
 * The names of the application's topics (docs/architecture.md#topics); all configurable.
 *
 * @param userMoves the application's own topic, read and written by it: a merged user's timeline and
 *                  later events on their way to its canonical user (R8). It must have as many
 *                  partitions as {@code raw}, since the timeline stage reads it beside a repartition
 *                  topic of that size, partition by partition.
 */
public record TopicNames(String raw, String timeline, String anonymous, String identityChanges, String deadLetters,
                         String userMoves) {

    public static TopicNames defaults() {
        return new TopicNames("segment.raw", "stitch.timeline", "stitch.anonymous",
                "stitch.identity-changes", "stitch.dlq", "stitch.user-moves");
    }
}
