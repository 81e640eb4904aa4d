package dev.stitch.stream.timeline;

/** What the timeline stage sends on: events for stitch.timeline, and records moving to another user (R8). */
public sealed interface TimelineOutput permits TimelineOutput.Emitted, TimelineOutput.Moved {

    /** An encoded TimelineEvent with its place on the user's timeline; keyed by the user. */
    record Emitted(byte[] event) implements TimelineOutput {
    }

    /**
     * An encoded event, as the timeline stage takes it in (with its order headers), on its way from a
     * user merged into another to that user; keyed by the user it goes to.
     */
    record Moved(byte[] value) implements TimelineOutput {
    }
}
