package dev.stitch.stream.identity;

import dev.stitch.schema.ChangeKind;
import dev.stitch.schema.IdentityChange;
import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.internal.AliasGranted;
import dev.stitch.schema.internal.EraseClaimingId;
import dev.stitch.schema.internal.EraseLinkedId;
import dev.stitch.schema.internal.FollowUser;
import dev.stitch.schema.internal.IdentityState;
import dev.stitch.schema.internal.LinkAnswer;
import dev.stitch.schema.internal.LinkGranted;
import dev.stitch.schema.internal.LinkRefused;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.metrics.StitchMetrics;
import dev.stitch.stream.state.Catalogue;
import dev.stitch.stream.state.OutgoingEvent;
import dev.stitch.stream.state.StitchSerdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Instant;

/**
 * The identity stage's second input, keyed by anonymous id: the user partition's answer to a link
 * claim. A granted link is made here, on the partition that owns the id's state and history (R1, R2,
 * R6); a refused one is recorded (R7) and the id stays as it was.
 */
public final class LinkAnswers implements Processor<String, LinkAnswer, String, IdentityOutput> {

    private final StitchSettings settings;
    private final StitchSerdes serdes;
    private ProcessorContext<String, IdentityOutput> context;
    private KeyValueStore<String, IdentityState> identities;
    private AnonymousHistoryBuffer history;
    private IdentityLinker linker;
    private StitchMetrics metrics;

    public LinkAnswers(StitchSettings settings, StitchSerdes serdes) {
        this.settings = settings;
        this.serdes = serdes;
    }

    @Override
    public void init(ProcessorContext<String, IdentityOutput> context) {
        this.context = context;
        identities = context.getStateStore(Catalogue.IDENTITIES_STORE);
        history = AnonymousHistoryBuffer.open(context, settings, serdes);
        metrics = StitchMetrics.of(context);
        linker = new IdentityLinker(identities, history, settings.historyRetention(), settings.conflictPolicy(), metrics);
    }

    /**
     * Erases the id with its user: when it maps to the user, or, for a link the user's erasure refused,
     * when it maps to no one yet. An id granted to the user that maps to another user now (a shared
     * device, R6) stays with that user; its latest change may still name the erased one (the conflict
     * that moved it, or refused it), so a fresh LINKED to its user now replaces it on the compacted topic.
     */
    private void erase(String anonymousId, LinkAnswer answer, boolean alsoUnlinked, IdentityLinker.Output out) {
        IdentityState state = identities.get(anonymousId);
        if (state == null) {
            return;
        }
        String owner = state.getUserId();
        String erased = answer.getUserId();
        if (!erased.equals(owner) && !(alsoUnlinked && owner == null)) {
            if (owner != null && !alsoUnlinked) {
                out.send(anonymousId, new IdentityOutput.Change(Erasure.restated(anonymousId, owner, answer.getMessageId(),
                        answer.getTimestamp().toEpochMilli())));
            }
            return;
        }
        history.discard(anonymousId, state);
        identities.delete(anonymousId);
        metrics.erased();
        out.send(anonymousId, new IdentityOutput.Change(Erasure.change(anonymousId, erased, answer.getMessageId(),
                answer.getTimestamp().toEpochMilli())));
        out.send(anonymousId, new IdentityOutput.Tombstone());
    }

    /**
     * The id's user became a name of another user (R8): the id follows, unless it moved to someone else
     * meanwhile (a shared device, R6).
     */
    private void follow(String anonymousId, LinkAnswer answer, String movedFrom, IdentityLinker.Output out) {
        IdentityState state = identities.get(anonymousId);
        if (state == null || !movedFrom.equals(state.getUserId())) {
            return;
        }
        state.setUserId(answer.getUserId());
        identities.put(anonymousId, state);
        metrics.link();
        out.send(anonymousId, new IdentityOutput.Change(new IdentityChange(anonymousId, ChangeKind.LINKED, answer.getUserId(),
                movedFrom, "anonymous id " + anonymousId + " follows user " + movedFrom
                + ", now a name of user " + answer.getUserId(), answer.getMessageId(), answer.getTimestamp())));
    }

    @Override
    public void process(Record<String, LinkAnswer> record) {
        LinkAnswer answer = record.value();
        String anonymousId = record.key();
        long time = record.timestamp();
        IdentityLinker.Output out = (key, value) -> context.forward(new Record<>(key, value, time));
        Object kind = answer.getKind();
        if (kind instanceof LinkGranted granted) {
            link(anonymousId, answer, granted.getCutOff(), time, out);
            toUser(answer, granted.getEvent(), out);
        } else if (kind instanceof AliasGranted granted) {
            // An alias's anonymous id whose unlinked history expired since the alias checked it (R8, R12): nothing to link.
            if (identities.get(anonymousId) != null) {
                link(anonymousId, answer, granted.getCutOff(), time, out);
            }
        } else if (kind instanceof LinkRefused refused) {
            refuse(anonymousId, answer, refused.getReason(), out);
            toUser(answer, refused.getEvent(), out);
        } else if (kind instanceof FollowUser follow) {
            follow(anonymousId, answer, follow.getMovedFrom(), out);
        } else if (kind instanceof EraseLinkedId) {
            erase(anonymousId, answer, false, out);
        } else if (kind instanceof EraseClaimingId) {
            // The user is erased and refused the claim: the id claimed to be the user's before the erasure (or
            // after it, with suppression on), so it goes too, unless it is another user's now. The event
            // that made the claim went with the user.
            erase(anonymousId, answer, true, out);
        } else {
            throw new IllegalStateException("unknown link answer " + kind);
        }
    }

    /** Links the id to the user; history received up to the cut-off of an erasure of the claimed id is erased, not stitched (R13). */
    private void link(String anonymousId, LinkAnswer answer, Instant cutOff, long time, IdentityLinker.Output out) {
        linker.link(anonymousId, answer.getUserId(), answer.getMessageId(), time,
                cutOff == null ? Long.MIN_VALUE : cutOff.toEpochMilli(), out);
    }

    /** The user's limit refused the link (R7): recorded, and the id stays as it was. */
    private void refuse(String anonymousId, LinkAnswer answer, String reason, IdentityLinker.Output out) {
        IdentityState state = identities.get(anonymousId);
        String current = state == null ? null : state.getUserId();
        metrics.refusedLimit();
        out.send(anonymousId, new IdentityOutput.Change(new IdentityChange(anonymousId, ChangeKind.REFUSED_LIMIT, current,
                current, reason, answer.getMessageId(), answer.getTimestamp())));
    }

    /** The event that made the claim is the user's (R4), after the history the link stitched (R2). */
    private static void toUser(LinkAnswer answer, SegmentEvent event, IdentityLinker.Output out) {
        if (event != null) {
            out.send(answer.getUserId(), new IdentityOutput.ToUser(OutgoingEvent.encoded(IdentityLinker.forUser(event, answer.getUserId(), false))));
        }
    }
}
