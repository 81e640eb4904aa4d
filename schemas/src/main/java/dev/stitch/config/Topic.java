package dev.stitch.config;

/**
 * The topics stitch reads and writes, each with the variable that names it and its default name:
 * the one list the bridge's and the application's configuration read, and that docker-compose.yml,
 * the manifests in deploy/ and the guides are checked against.
 */
public enum Topic {

    /** The input: Segment events, produced by the bridge (or any producer) and read by the application. */
    RAW("STITCH_TOPIC_RAW", "segment.raw"),
    TIMELINE("STITCH_TOPIC_TIMELINE", "stitch.timeline"),
    ANONYMOUS("STITCH_TOPIC_ANONYMOUS", "stitch.anonymous"),
    IDENTITY_CHANGES("STITCH_TOPIC_IDENTITY_CHANGES", "stitch.identity-changes"),
    DEAD_LETTERS("STITCH_TOPIC_DLQ", "stitch.dlq"),
    /** The application's own: a merged user's events on their way to its canonical user. */
    USER_MOVES("STITCH_TOPIC_USER_MOVES", "stitch.user-moves");

    private final String setting;
    private final String defaultName;

    Topic(String setting, String defaultName) {
        this.setting = setting;
        this.defaultName = defaultName;
    }

    /** The environment variable that names the topic. */
    public String setting() {
        return setting;
    }

    public String defaultName() {
        return defaultName;
    }

    /** The name the environment gives the topic, else its default. */
    public String readFrom(EnvironmentReader read) {
        return read.text(setting, defaultName);
    }
}
