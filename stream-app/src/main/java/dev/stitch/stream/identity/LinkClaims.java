package dev.stitch.stream.identity;

import dev.stitch.schema.SegmentEvent;
import dev.stitch.schema.internal.AliasGranted;
import dev.stitch.schema.internal.ClaimAliasedId;
import dev.stitch.schema.internal.ClaimAnonymousId;
import dev.stitch.schema.internal.EraseClaimingId;
import dev.stitch.schema.internal.EraseLinkedId;
import dev.stitch.schema.internal.EraseUserLinks;
import dev.stitch.schema.internal.FollowMergedUser;
import dev.stitch.schema.internal.FollowUser;
import dev.stitch.schema.internal.LinkAnswer;
import dev.stitch.schema.internal.LinkCommand;
import dev.stitch.schema.internal.LinkGranted;
import dev.stitch.schema.internal.LinkRefused;
import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.state.Catalogue;
import dev.stitch.stream.state.ErasureMemory;
import org.apache.kafka.common.serialization.BytesSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.time.Instant;

/**
 * Keyed by userId: decides whether an anonymous id may link to the user (R7). The user's partition
 * holds the one count of the user's anonymous ids, so that links made from many anonymous-id
 * partitions at once cannot pass the limit. Answers on the anonymous id's partition: granted, or refused.
 *
 * <p>The count is of anonymous ids ever granted to the user; an id that later moved to another user
 * (a shared device, R6) still counts, which errs on the side of the limit. It is kept per user id: a
 * user merged from several user ids (R8) holds the grants of each where they were made.
 */
public final class LinkClaims implements Processor<String, LinkCommand, String, LinkAnswer> {

    private static final BytesSerializer PREFIX_SERIALIZER = new BytesSerializer();
    private static final byte[] GRANTED = new byte[0];

    private final int maxIdsPerUser;
    private final boolean suppressErased;
    private final Duration cutOffKept;
    private final Duration sweepInterval;
    private ProcessorContext<String, LinkAnswer> context;
    private KeyValueStore<Bytes, byte[]> granted;
    private ErasureMemory erased;
    private KeyValueStore<String, String> mergedInto;

    public LinkClaims(StitchSettings settings) {
        this.maxIdsPerUser = settings.maxAnonymousIdsPerUser();
        this.suppressErased = settings.suppressErasedUsers();
        this.cutOffKept = settings.erasureCutOffKept();
        this.sweepInterval = settings.historyExpiryScanInterval();
    }

    @Override
    public void init(ProcessorContext<String, LinkAnswer> context) {
        this.context = context;
        granted = context.getStateStore(Catalogue.USER_LINKS_STORE);
        erased = new ErasureMemory(context.getStateStore(Catalogue.ERASED_USERS_STORE));
        mergedInto = context.getStateStore(Catalogue.MERGED_USERS_STORE);
        if (!suppressErased) {
            erased.forgetAfter(context, cutOffKept, sweepInterval);
        }
    }

    @Override
    public void process(Record<String, LinkCommand> record) {
        String userId = record.key();
        LinkCommand command = record.value();
        Object kind = command.getKind();
        if (kind instanceof ClaimAnonymousId claim) {
            claim(userId, claim.getAnonymousId(), claim.getEvent(), false, command, record.timestamp());
        } else if (kind instanceof ClaimAliasedId claim) {
            claim(userId, claim.getAnonymousId(), null, true, command, record.timestamp());
        } else if (kind instanceof FollowMergedUser follow) {
            follow(userId, follow.getInto(), command, record.timestamp());
        } else if (kind instanceof EraseUserLinks) {
            erase(userId, command, record.timestamp());
        } else {
            throw new IllegalStateException("unknown link command " + kind);
        }
    }

    /**
     * Grants or refuses the link of {@code anonymousId} to the user; an alias's claim ({@code aliased}) is
     * an explicit merge, which the limit does not hold back (R8).
     */
    private void claim(String userId, String anonymousId, SegmentEvent event, boolean aliased, LinkCommand command, long time) {
        Long erasedAt = erased.erasedUpTo(userId);
        if (erasedAt != null && (suppressErased || command.getTimestamp().toEpochMilli() <= erasedAt)) {
            // A link to a suppressed user, or one claimed before the user's erasure and arriving after it:
            // the erasure cut off what the pipeline received before it (R13, see ErasureMemory).
            answer(anonymousId, new EraseClaimingId(), userId, command, time);
            return;
        }
        Bytes link = LinkKey.of(userId, anonymousId);
        if (granted.get(link) == null) {
            if (!aliased && grantedCount(userId) >= maxIdsPerUser) {
                // Not naming the user: the change is the anonymous id's, and stays on the compacted topic
                // after the user's erasure, which does not reach ids it never granted (R13).
                String reason = "the user of event " + command.getMessageId() + " already has " + maxIdsPerUser
                        + " anonymous ids, the most allowed (STITCH_MAX_ANONYMOUS_IDS); anonymous id "
                        + anonymousId + " is not linked";
                answer(anonymousId, LinkRefused.newBuilder().setReason(reason).setEvent(event).build(), canonical(userId), command, time);
                return;
            }
            granted.put(link, GRANTED);
        }
        // A user id merged into another (R8) links its anonymous ids to that user. The id's own cut-off goes
        // with the answer: history received before its erasure is erased wherever the id leads now (R13).
        Instant cutOff = erasedAt == null ? null : Instant.ofEpochMilli(erasedAt);
        Object grant = aliased
                ? AliasGranted.newBuilder().setCutOff(cutOff).build()
                : LinkGranted.newBuilder().setEvent(event).setCutOff(cutOff).build();
        answer(anonymousId, grant, canonical(userId), command, time);
    }

    /**
     * A privacy request (R13): each anonymous id granted to the user is sent to be erased on its own
     * partition (or, when it has moved to another user since, to have its change restated without this
     * one), and the user's grants go; the user's cut-off is remembered.
     */
    private void erase(String userId, LinkCommand command, long time) {
        String canonical = canonical(userId);
        for (String anonymousId : LinkKey.idsOf(granted, userId)) {
            granted.delete(LinkKey.of(userId, anonymousId));
            answer(anonymousId, new EraseLinkedId(), canonical, command, time);
        }
        mergedInto.delete(userId);
        erased.remember(userId, command.getTimestamp().toEpochMilli());
    }

    /**
     * The user became a name of another (R8): each anonymous id granted to it is sent to follow, on its
     * own partition, from the user it was linked to until now; later claims link to the new one. The
     * grants stay here, so an erasure of any name finds them.
     */
    private void follow(String userId, String into, LinkCommand command, long time) {
        String from = canonical(userId);
        mergedInto.put(userId, into);
        for (String anonymousId : LinkKey.idsOf(granted, userId)) {
            answer(anonymousId, new FollowUser(from), into, command, time);
        }
    }

    /** Sends {@code kind} about {@code userId} to the partition that owns {@code anonymousId}. */
    private void answer(String anonymousId, Object kind, String userId, LinkCommand command, long time) {
        context.forward(new Record<>(anonymousId, new LinkAnswer(kind, userId, command.getMessageId(), command.getTimestamp()), time));
    }

    /** The user this user id is a name of (R8), else itself. */
    private String canonical(String userId) {
        String into = mergedInto.get(userId);
        return into == null ? userId : into;
    }

    /** Counts the user's links up to the limit: no need to count further. */
    private int grantedCount(String userId) {
        int count = 0;
        try (KeyValueIterator<Bytes, byte[]> links = granted.prefixScan(LinkKey.prefix(userId), PREFIX_SERIALIZER)) {
            while (links.hasNext() && count < maxIdsPerUser) {
                links.next();
                count++;
            }
        }
        return count;
    }
}
