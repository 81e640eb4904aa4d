package dev.stitch.stream.identity;

import dev.stitch.schema.IdentityChange;
import dev.stitch.schema.internal.LinkCommand;
import dev.stitch.schema.internal.UserAlias;
import dev.stitch.schema.internal.UserNameChange;
import dev.stitch.stream.state.OutgoingEvent;

import java.util.List;

/** What the identity stage sends on, each kind to its own topic. */
public sealed interface IdentityOutput
        permits IdentityOutput.ToUser, IdentityOutput.ToOwnUser, IdentityOutput.StitchedHistory, IdentityOutput.Anonymous, IdentityOutput.Change, IdentityOutput.Tombstone, IdentityOutput.Claim,
        IdentityOutput.Alias, IdentityOutput.Merge {

    /** An event for a user's timeline; keyed by canonical userId. */
    record ToUser(OutgoingEvent event) implements IdentityOutput {
    }

    /**
     * An event for the user whose id keys the record it came in: it is on the user's partition already,
     * so it reaches the timeline stage without a repartition; keyed by that userId.
     */
    record ToOwnUser(OutgoingEvent event) implements IdentityOutput {
    }

    /**
     * The buffered history a link stitches onto a user (R2), in arrival order, sent on together ahead
     * of the linking event; keyed by canonical userId.
     */
    record StitchedHistory(List<OutgoingEvent> events) implements IdentityOutput {
    }

    /** Activity of a not-yet-linked anonymous id (R11); keyed by that id. */
    record Anonymous(OutgoingEvent event) implements IdentityOutput {
    }

    /** A change of an id's mapping; keyed by that id. */
    record Change(IdentityChange change) implements IdentityOutput {
    }

    /** Removes an erased id's records from the compacted identity-changes topic (R13); keyed by that id. */
    record Tombstone() implements IdentityOutput {
    }

    /** Asks the user's partition to link, move or erase the user's anonymous ids (R7, R8, R13); keyed by the userId. */
    record Claim(LinkCommand command) implements IdentityOutput {
    }

    /** An alias whose previousId is checked on that id's own partition: an anonymous id is linked, a user id merged (R8); keyed by the previousId. */
    record Alias(UserAlias alias) implements IdentityOutput {
    }

    /** Asks the one partition that owns the user-name graph to merge or erase a user (R8, R13); any key. */
    record Merge(UserNameChange change) implements IdentityOutput {
    }
}
