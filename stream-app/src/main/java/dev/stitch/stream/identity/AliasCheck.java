package dev.stitch.stream.identity;

import dev.stitch.schema.internal.ClaimAliasedId;
import dev.stitch.schema.internal.LinkCommand;
import dev.stitch.schema.internal.MergeUser;
import dev.stitch.schema.internal.UserAlias;
import dev.stitch.schema.internal.UserNameChange;
import dev.stitch.stream.state.Catalogue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keyed by an alias's previousId, on the partition that owns that id's state: an id seen as an
 * anonymous id is claimed for the alias's user like any link (R1, R2, R6; an explicit alias is not
 * held to the limit, R7); any other id is a user id, merged into the alias's user (R8). So the
 * user-name graph holds user ids only, and no id is both an anonymous id and a user's name.
 */
public final class AliasCheck implements Processor<String, UserAlias, String, IdentityOutput> {

    private ProcessorContext<String, IdentityOutput> context;
    private KeyValueStore<String, ?> identities;

    @Override
    public void init(ProcessorContext<String, IdentityOutput> context) {
        this.context = context;
        identities = context.getStateStore(Catalogue.IDENTITIES_STORE);
    }

    @Override
    public void process(Record<String, UserAlias> record) {
        UserAlias alias = record.value();
        if (identities.get(alias.getPreviousId()) != null) {
            LinkCommand claim = new LinkCommand(new ClaimAliasedId(alias.getPreviousId()), alias.getMessageId(), alias.getTimestamp());
            context.forward(record.withKey(alias.getUserId()).withValue(new IdentityOutput.Claim(claim)));
        } else {
            UserNameChange merge = new UserNameChange(new MergeUser(alias.getPreviousId(), alias.getUserId()),
                    alias.getMessageId(), alias.getTimestamp());
            context.forward(record.withValue(new IdentityOutput.Merge(merge)));
        }
    }
}
