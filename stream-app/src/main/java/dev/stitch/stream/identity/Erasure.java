package dev.stitch.stream.identity;

import dev.stitch.schema.ChangeKind;
import dev.stitch.schema.IdentityChange;

import java.time.Instant;

/** The identity-changes records of a privacy request (R13), made in one place. */
final class Erasure {

    private Erasure() {
    }

    /** {@code id} (the user itself, or one of its anonymous ids) no longer maps to anyone. */
    static IdentityChange change(String id, String userId, String messageId, long time) {
        String reason = id.equals(userId)
                ? "user " + userId + " is erased by a privacy request, with its timeline, profile and links"
                : "anonymous id " + id + " is erased with user " + userId + " by a privacy request";
        return new IdentityChange(id, ChangeKind.ERASED, null, userId, reason, messageId, Instant.ofEpochMilli(time));
    }

    /**
     * {@code id}, once granted to a user erased now, maps to {@code owner}: its mapping restated without
     * naming the erased user, so that no record left on the compacted topic names it.
     */
    static IdentityChange restated(String id, String owner, String messageId, long time) {
        return new IdentityChange(id, ChangeKind.LINKED, owner, null, "anonymous id " + id + " is linked to user " + owner
                + "; restated because another user it was linked to, or claimed by, was erased by a privacy request",
                messageId, Instant.ofEpochMilli(time));
    }
}
