package dev.stitch.stream.timeline;

import dev.stitch.stream.config.TopicNames;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * What the timeline stage sends on, each already encoded: events for stitch.timeline, records
 * moving to another user (R8), for the user-moves topic, and records it cannot use, for the
 * dead-letter topic. One sink writes them all, each to its topic.
 */
public sealed interface TimelineOutput permits TimelineOutput.Emitted, TimelineOutput.Moved, TimelineOutput.DeadLetter {

    /** The bytes as they are, whichever the kind. */
    Serde<TimelineOutput> BYTES = Serdes.serdeFrom(
            (topic, output) -> output.value(),
            (topic, bytes) -> {
                throw new UnsupportedOperationException("the timeline stage's outputs are written, never read back as such");
            });

    byte[] value();

    /** Emitted events go to the timeline topic, moving ones to the user-moves topic, dead letters to theirs. */
    static TopicNameExtractor<String, TimelineOutput> topic(TopicNames topics) {
        return (key, output, recordContext) -> {
            if (output instanceof Moved) {
                return topics.userMoves();
            }
            return output instanceof DeadLetter ? topics.deadLetters() : topics.timeline();
        };
    }

    /** An encoded TimelineEvent with its place on the user's timeline; keyed by the user. */
    record Emitted(byte[] value) implements TimelineOutput {
    }

    /**
     * An encoded event, as the timeline stage takes it in (with its order headers), on its way from a
     * user merged into another to that user; keyed by the user it goes to.
     */
    record Moved(byte[] value) implements TimelineOutput {
    }

    /** The bytes of a record the stage cannot use, as they came; the reason travels in the record headers. */
    record DeadLetter(byte[] value) implements TimelineOutput {
    }
}
