package dev.stitch.stream.identity;

import dev.stitch.schema.ChangeKind;
import dev.stitch.schema.IdentityChange;
import dev.stitch.schema.internal.EraseUserLinks;
import dev.stitch.schema.internal.EraseUserNames;
import dev.stitch.schema.internal.FollowMergedUser;
import dev.stitch.schema.internal.LinkCommand;
import dev.stitch.schema.internal.MergeUser;
import dev.stitch.schema.internal.UserNameChange;
import dev.stitch.stream.metrics.StitchMetrics;
import dev.stitch.stream.state.Catalogue;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.List;

/**
 * The user-name graph (R8), on one partition so that every merge sees the ones before it: two aliases
 * raced from different partitions, a chain or a cycle all end with each name pointing at one canonical
 * user. Every name points straight at its canonical user, never along a chain.
 *
 * <p>A merge of P into U makes P's canonical user and all its names names of U's canonical user; each
 * gets a MERGED change, which also moves its timeline (the timeline stage) and its anonymous ids (the
 * user's partition, {@link LinkClaims}). An alias between two names of one user changes nothing. An
 * erasure erases the user with every name it has (R13). Aliases of anonymous ids never come here:
 * {@link AliasCheck} links those.
 */
public final class UserMerges implements Processor<String, UserNameChange, String, IdentityOutput> {

    private static final byte[] NAME = new byte[0];

    private ProcessorContext<String, IdentityOutput> context;
    private KeyValueStore<String, String> canonicalByName;
    private KeyValueStore<Bytes, byte[]> namesByUser;
    private StitchMetrics metrics;

    @Override
    public void init(ProcessorContext<String, IdentityOutput> context) {
        this.context = context;
        canonicalByName = context.getStateStore(Catalogue.USER_NAMES_STORE);
        namesByUser = context.getStateStore(Catalogue.NAMES_BY_USER_STORE);
        metrics = StitchMetrics.of(context);
    }

    @Override
    public void process(Record<String, UserNameChange> record) {
        UserNameChange request = record.value();
        IdentityLinker.Output out = (key, value) -> context.forward(new Record<>(key, value, record.timestamp()));
        Object kind = request.getKind();
        if (kind instanceof MergeUser merge) {
            merge(merge, request, out);
        } else if (kind instanceof EraseUserNames erase) {
            erase(erase.getUserId(), request, out);
        } else {
            throw new IllegalStateException("unknown user-name change " + kind);
        }
    }

    /** The alias's previousId, with every name of its user, becomes a name of the alias's user (R8). */
    private void merge(MergeUser merge, UserNameChange request, IdentityLinker.Output out) {
        String from = canonical(merge.getId());
        String into = canonical(merge.getInto());
        if (from.equals(into)) {
            return;
        }
        for (String name : LinkKey.idsOf(namesByUser, from)) {
            namesByUser.delete(LinkKey.of(from, name));
            merge(name, from, into, request, out);
        }
        merge(from, from, into, request, out);
    }

    /** {@code name}, until now a name of {@code from}, becomes a name of {@code into}, with its timeline and anonymous ids. */
    private void merge(String name, String from, String into, UserNameChange request, IdentityLinker.Output out) {
        canonicalByName.put(name, into);
        namesByUser.put(LinkKey.of(into, name), NAME);
        metrics.merged();
        String reason = name.equals(from)
                ? "user " + name + " is merged into user " + into + " by an alias"
                : "user " + name + ", a name of user " + from + ", follows it into user " + into + " by an alias";
        out.send(name, new IdentityOutput.Change(new IdentityChange(name, ChangeKind.MERGED, into, from, reason,
                request.getMessageId(), request.getTimestamp())));
        out.send(name, new IdentityOutput.Claim(new LinkCommand(new FollowMergedUser(into), request.getMessageId(), request.getTimestamp())));
    }

    /** The user and every name it has are erased, each where its own state lives (R13). */
    private void erase(String userId, UserNameChange request, IdentityLinker.Output out) {
        String user = canonical(userId);
        List<String> names = LinkKey.idsOf(namesByUser, user);
        names.add(user);
        long erasedUpTo = request.getTimestamp().toEpochMilli();
        for (String name : names) {
            canonicalByName.delete(name);
            namesByUser.delete(LinkKey.of(user, name));
            metrics.erased();
            out.send(name, new IdentityOutput.Change(Erasure.change(name, name, request.getMessageId(), erasedUpTo)));
            out.send(name, new IdentityOutput.Tombstone());
            out.send(name, new IdentityOutput.Claim(new LinkCommand(new EraseUserLinks(), request.getMessageId(), request.getTimestamp())));
        }
    }

    private String canonical(String id) {
        String canonical = canonicalByName.get(id);
        return canonical == null ? id : canonical;
    }
}
