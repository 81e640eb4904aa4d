package dev.stitch.stream.identity;

import dev.stitch.schema.internal.LinkClaim;
import dev.stitch.schema.internal.MergeRequest;
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
public final class AliasCheck implements Processor<String, MergeRequest, String, IdentityOutput> {

    private ProcessorContext<String, IdentityOutput> context;
    private KeyValueStore<String, ?> identities;

    @Override
    public void init(ProcessorContext<String, IdentityOutput> context) {
        this.context = context;
        identities = context.getStateStore(Catalogue.IDENTITIES_STORE);
    }

    @Override
    public void process(Record<String, MergeRequest> record) {
        MergeRequest alias = record.value();
        if (identities.get(alias.getId()) != null) {
            context.forward(record.withKey(alias.getInto()).withValue(new IdentityOutput.Claim(new LinkClaim(alias.getId(),
                    alias.getMessageId(), alias.getTimestamp(), null, false, null, true))));
        } else {
            context.forward(record.withValue(new IdentityOutput.Merge(alias)));
        }
    }
}
