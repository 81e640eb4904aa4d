package dev.stitch.bridge;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Tells why a publish failed: Kafka not taking the events in time (the only reason for a 503, which
 * clients retry), or something about the events themselves, which no retry fixes: a record Kafka
 * refuses for its size or timestamp (a 4xx naming it), or one the bridge could not serialise (a bug:
 * 500). Segment retries every 5xx and 429 for hours, so a data error must never look like an outage.
 */
final class PublishFailures {

    private PublishFailures() {
    }

    /** The refusal for a failure that is about the events, or null when Kafka was unavailable. */
    static Refusal dataRefusal(Throwable failure) {
        Throwable cause = unwrap(failure);
        if (cause instanceof RecordTooLargeException || cause instanceof RecordBatchTooLargeException) {
            return Refusal.tooLarge("record_too_large", null, "Kafka refuses a record of this request as too large ("
                    + cause.getMessage() + "); send smaller events");
        }
        if (cause instanceof InvalidTimestampException) {
            return Refusal.badRequest("invalid_timestamp", null, "Kafka refuses the timestamp of a record of this request ("
                    + cause.getMessage() + ")");
        }
        if (cause instanceof SerializationException) {
            return Refusal.internal("serialization_failed", "the bridge could not encode an event of this request; "
                    + "the events were not stored");
        }
        if (cause instanceof KafkaException || cause instanceof TimeoutException || cause instanceof IllegalStateException) {
            return null; // Kafka away, slow, or closing: the client is to send the same request again.
        }
        return Refusal.internal("internal_error", "the bridge failed unexpectedly while storing the events; they were not stored");
    }

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause
                && (cause instanceof CompletionException || cause instanceof ExecutionException)) {
            cause = cause.getCause();
        }
        return cause;
    }
}
