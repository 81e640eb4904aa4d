package dev.stitch.stream.errors;

/**
 * Why a record went to the dead-letter topic, as a short fixed code: the {@code stitch.dlq.code}
 * header and the {@code reason} tag of the dead-letter counter. The {@code stitch.dlq.reason} header
 * says the same in a sentence about the record itself.
 */
public enum DeadLetterReason {

    /** A record without a value (a tombstone) where only records with one are expected. */
    NO_VALUE("no-value"),
    /** A record without a key on a topic where the key says whom the record is about. */
    NO_KEY("no-key"),
    /** Bytes that are not the record the topic carries (not Avro in the registry's wire format, say). */
    UNDECODABLE("undecodable"),
    /** A record on a topic of several kinds whose marker header names none of them. */
    UNKNOWN_KIND("unknown-kind"),
    NO_MESSAGE_ID("no-message-id"),
    NO_IDENTITY("no-identity"),
    DELETE_WITHOUT_USER("delete-without-user"),
    /** An input event larger than {@code STITCH_MAX_EVENT_BYTES}. */
    EVENT_TOO_LARGE("event-too-large"),
    /** An input event with an id longer than {@code STITCH_MAX_ID_LENGTH}. */
    ID_TOO_LONG("id-too-long"),
    /** A record the application would have written (to a topic or a store's changelog) that is larger than Kafka takes. */
    RECORD_TOO_LARGE("record-too-large"),
    /** A record Kafka refused for what it is (not for the state of the cluster). */
    REFUSED_BY_KAFKA("refused-by-kafka"),
    /** A record that could not be serialized for a topic or a store. */
    UNSERIALIZABLE("unserializable"),
    /** A record on which a processor failed. */
    PROCESSING_FAILED("processing-failed");

    private final String code;

    DeadLetterReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
