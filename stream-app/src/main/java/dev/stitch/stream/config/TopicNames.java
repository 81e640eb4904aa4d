package dev.stitch.stream.config;

/** The names of the application's input and output topics (DESIGN §4); all configurable. */
public record TopicNames(String raw, String timeline, String anonymous, String identityChanges, String deadLetters) {

    public static TopicNames defaults() {
        return new TopicNames("segment.raw", "stitch.timeline", "stitch.anonymous",
                "stitch.identity-changes", "stitch.dlq");
    }
}
