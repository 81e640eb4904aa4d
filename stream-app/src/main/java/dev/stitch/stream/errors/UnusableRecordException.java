package dev.stitch.stream.errors;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record the application refuses to read or write for what it is: one it reads without a key or a
 * value, or one it would write that is larger than Kafka takes. A {@link SerializationException}, so
 * that Kafka Streams hands it to the exception handlers, which send the record to the dead-letter topic.
 */
public final class UnusableRecordException extends SerializationException {

    private static final long serialVersionUID = 1L;

    private final DeadLetterReason reason;

    public UnusableRecordException(DeadLetterReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public DeadLetterReason reason() {
        return reason;
    }

    /** The reason of the first UnusableRecordException among the causes of {@code error}, or null. */
    static DeadLetterReason reasonIn(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof UnusableRecordException unusable) {
                return unusable.reason;
            }
        }
        return null;
    }
}
