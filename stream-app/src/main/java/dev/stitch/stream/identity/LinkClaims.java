package dev.stitch.stream.identity;

import dev.stitch.schema.internal.LinkClaim;
import dev.stitch.schema.internal.LinkRequest;
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
public final class LinkClaims implements Processor<String, LinkClaim, String, LinkRequest> {

    private static final BytesSerializer PREFIX_SERIALIZER = new BytesSerializer();
    private static final byte[] GRANTED = new byte[0];

    private final int maxIdsPerUser;
    private final boolean suppressErased;
    private final Duration cutOffKept;
    private final Duration sweepInterval;
    private ProcessorContext<String, LinkRequest> context;
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
    public void init(ProcessorContext<String, LinkRequest> context) {
        this.context = context;
        granted = context.getStateStore(Catalogue.USER_LINKS_STORE);
        erased = new ErasureMemory(context.getStateStore(Catalogue.ERASED_USERS_STORE));
        mergedInto = context.getStateStore(Catalogue.MERGED_USERS_STORE);
        if (!suppressErased) {
            erased.forgetAfter(context, cutOffKept, sweepInterval);
        }
    }

    @Override
    public void process(Record<String, LinkClaim> record) {
        String userId = record.key();
        LinkClaim claim = record.value();
        if (claim.getErasure()) {
            erase(userId, claim, record.timestamp());
            return;
        }
        if (claim.getMergeInto() != null) {
            follow(userId, claim, record.timestamp());
            return;
        }
        Long erasedAt = erased.erasedUpTo(userId);
        if (erasedAt != null && (suppressErased || claim.getTimestamp().toEpochMilli() <= erasedAt)) {
            // A link to a suppressed user, or one claimed before the user's erasure and arriving after it:
            // the erasure cut off what the pipeline received before it (R13, see ErasureMemory).
            context.forward(new Record<>(claim.getAnonymousId(), new LinkRequest(userId, claim.getMessageId(), claim.getTimestamp(),
                    "user " + userId + " was erased", claim.getEvent(), true, null, false, null), record.timestamp()));
            return;
        }
        Bytes link = LinkKey.of(userId, claim.getAnonymousId());
        String refusal = null;
        if (granted.get(link) == null) {
            if (!claim.getAlias() && grantedCount(userId) >= maxIdsPerUser) {
                // Not naming the user: the change is the anonymous id's, and stays on the compacted topic
                // after the user's erasure, which does not reach ids it never granted (R13).
                refusal = "the user of event " + claim.getMessageId() + " already has " + maxIdsPerUser
                        + " anonymous ids, the most allowed (STITCH_MAX_ANONYMOUS_IDS); anonymous id "
                        + claim.getAnonymousId() + " is not linked";
            } else {
                granted.put(link, GRANTED);
            }
        }
        // A user id merged into another (R8) links its anonymous ids to that user. The id's own cut-off goes
        // with the answer: history received before its erasure is erased wherever the id leads now (R13).
        context.forward(new Record<>(claim.getAnonymousId(), new LinkRequest(canonical(userId), claim.getMessageId(),
                claim.getTimestamp(), refusal, claim.getEvent(), false, null, claim.getAlias(),
                erasedAt == null ? null : Instant.ofEpochMilli(erasedAt)), record.timestamp()));
    }

    /**
     * A privacy request (R13): each anonymous id granted to the user is sent to be erased on its own
     * partition (or, when it has moved to another user since, to have its change restated without this
     * one), and the user's grants go; the user's cut-off is remembered.
     */
    private void erase(String userId, LinkClaim claim, long time) {
        String canonical = canonical(userId);
        for (String anonymousId : LinkKey.idsOf(granted, userId)) {
            granted.delete(LinkKey.of(userId, anonymousId));
            context.forward(new Record<>(anonymousId, new LinkRequest(canonical, claim.getMessageId(), claim.getTimestamp(),
                    null, null, true, null, false, null), time));
        }
        mergedInto.delete(userId);
        erased.remember(userId, claim.getTimestamp().toEpochMilli());
    }

    /**
     * The user became a name of another (R8): each anonymous id granted to it is sent to follow, on its
     * own partition, from the user it was linked to until now; later claims link to the new one. The
     * grants stay here, so an erasure of any name finds them.
     */
    private void follow(String userId, LinkClaim claim, long time) {
        String from = canonical(userId);
        String into = claim.getMergeInto();
        mergedInto.put(userId, into);
        for (String anonymousId : LinkKey.idsOf(granted, userId)) {
            context.forward(new Record<>(anonymousId, new LinkRequest(into, claim.getMessageId(), claim.getTimestamp(),
                    null, null, false, from, false, null), time));
        }
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
