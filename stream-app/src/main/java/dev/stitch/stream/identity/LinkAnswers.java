package dev.stitch.stream.identity;

import dev.stitch.schema.ChangeKind;
import dev.stitch.schema.IdentityChange;
import dev.stitch.schema.internal.IdentityState;
import dev.stitch.schema.internal.LinkRequest;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.metrics.StitchMetrics;
import dev.stitch.stream.state.Catalogue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The identity stage's second input, keyed by anonymous id: the user partition's answer to a link
 * claim. A granted link is made here, on the partition that owns the id's state and history (R1, R2,
 * R6); a refused one is recorded (R7) and the id stays as it was.
 */
public final class LinkAnswers implements Processor<String, LinkRequest, String, IdentityOutput> {

    private final StitchSettings settings;
    private ProcessorContext<String, IdentityOutput> context;
    private KeyValueStore<String, IdentityState> identities;
    private AnonymousHistoryBuffer history;
    private IdentityLinker linker;
    private StitchMetrics metrics;

    public LinkAnswers(StitchSettings settings) {
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, IdentityOutput> context) {
        this.context = context;
        identities = context.getStateStore(Catalogue.IDENTITIES_STORE);
        history = AnonymousHistoryBuffer.open(context, settings.historyMaxEventsPerId());
        metrics = StitchMetrics.of(context);
        linker = new IdentityLinker(identities, history, settings.historyRetention(), settings.conflictPolicy(), metrics);
    }

    /**
     * Erases the id with its user: when it maps to the user, or, for a link the user's erasure refused,
     * when it maps to no one yet. An id granted to the user that maps to another user now (a shared
     * device, R6) stays with that user; its latest change may still name the erased one (the conflict
     * that moved it, or refused it), so a fresh LINKED to its user now replaces it on the compacted topic.
     */
    private void erase(String anonymousId, LinkRequest answer, boolean alsoUnlinked, IdentityLinker.Output out) {
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
        history.drain(anonymousId, state);
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
    private void follow(String anonymousId, LinkRequest answer, IdentityLinker.Output out) {
        IdentityState state = identities.get(anonymousId);
        if (state == null || !answer.getMovedFrom().equals(state.getUserId())) {
            return;
        }
        state.setUserId(answer.getUserId());
        identities.put(anonymousId, state);
        metrics.link();
        out.send(anonymousId, new IdentityOutput.Change(new IdentityChange(anonymousId, ChangeKind.LINKED, answer.getUserId(),
                answer.getMovedFrom(), "anonymous id " + anonymousId + " follows user " + answer.getMovedFrom()
                + ", now a name of user " + answer.getUserId(), answer.getMessageId(), answer.getTimestamp())));
    }

    @Override
    public void process(Record<String, LinkRequest> record) {
        LinkRequest answer = record.value();
        String anonymousId = record.key();
        long time = record.timestamp();
        IdentityLinker.Output out = (key, value) -> context.forward(new Record<>(key, value, time));
        if (answer.getErasure()) {
            // The user is erased; a refused claim means the id claimed to be the user's before the erasure
            // (or after it, with suppression on): it goes too, unless it is another user's now. The event
            // that made the claim went with the user.
            erase(anonymousId, answer, answer.getRefusal() != null, out);
            return;
        }
        if (answer.getMovedFrom() != null) {
            follow(anonymousId, answer, out);
            return;
        }
        IdentityState state = identities.get(anonymousId);
        if (answer.getAlias() && state == null) {
            // An alias's anonymous id whose unlinked history expired since the alias checked it (R8, R12): nothing to link.
            return;
        }
        String current = state == null ? null : state.getUserId();
        if (answer.getRefusal() == null) {
            linker.link(anonymousId, answer.getUserId(), answer.getMessageId(), time,
                    answer.getCutOff() == null ? Long.MIN_VALUE : answer.getCutOff().toEpochMilli(), out);
        } else {
            metrics.refusedLimit();
            out.send(anonymousId, new IdentityOutput.Change(new IdentityChange(anonymousId, ChangeKind.REFUSED_LIMIT, current,
                    current, answer.getRefusal(), answer.getMessageId(), answer.getTimestamp())));
        }
        // The event that made the claim is the user's (R4), after the history the link stitched (R2).
        if (answer.getEvent() != null) {
            out.send(answer.getUserId(), new IdentityOutput.ToUser(IdentityLinker.forUser(answer.getEvent(), answer.getUserId(), false)));
        }
    }
}
