package dev.stitch.serde;

/**
 * The subject naming of Confluent's default TopicNameStrategy: a topic's values are registered under
 * {@code <topic>-value}, its keys under {@code <topic>-key}.
 */
public final class SubjectNames {

    private SubjectNames() {
    }

    public static String forTopic(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    public static String valueSubject(String topic) {
        return forTopic(topic, false);
    }

    public static String keySubject(String topic) {
        return forTopic(topic, true);
    }
}
