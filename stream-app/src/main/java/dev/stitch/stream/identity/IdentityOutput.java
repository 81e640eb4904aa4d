package dev.stitch.stream.identity;

import dev.stitch.schema.IdentityChange;
import dev.stitch.schema.TimelineEvent;
import dev.stitch.schema.internal.LinkRequest;

/** What the identity stage sends on, each kind to its own topic. */
public sealed interface IdentityOutput
        permits IdentityOutput.ToUser, IdentityOutput.Anonymous, IdentityOutput.Change, IdentityOutput.SecondaryLink {

    /** An event for a user's timeline; keyed by canonical userId. */
    record ToUser(TimelineEvent event) implements IdentityOutput {
    }

    /** Activity of a not-yet-linked anonymous id (R11); keyed by that id. */
    record Anonymous(TimelineEvent event) implements IdentityOutput {
    }

    /** A change of an id's mapping; keyed by that id. */
    record Change(IdentityChange change) implements IdentityOutput {
    }

    /** Link a second anonymous id, owned by another partition; keyed by that id. */
    record SecondaryLink(LinkRequest request) implements IdentityOutput {
    }
}
