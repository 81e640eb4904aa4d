package dev.stitch.stream.config;

import dev.stitch.config.Topic;

/**
 * The names of the application's topics (docs/architecture.md#topics); all configurable, each by
 * its {@link Topic} variable.
 *
 * @param userMoves the application's own topic, read and written by it: a merged user's timeline and
 *                  later events on their way to its canonical user (R8). It must have as many
 *                  partitions as {@code raw}, since the timeline stage reads it beside a repartition
 *                  topic of that size, partition by partition.
 */
public record TopicNames(String raw, String timeline, String anonymous, String identityChanges, String deadLetters,
                         String userMoves) {

    public static TopicNames defaults() {
        return new TopicNames(Topic.RAW.defaultName(), Topic.TIMELINE.defaultName(), Topic.ANONYMOUS.defaultName(),
                Topic.IDENTITY_CHANGES.defaultName(), Topic.DEAD_LETTERS.defaultName(), Topic.USER_MOVES.defaultName());
    }
}
