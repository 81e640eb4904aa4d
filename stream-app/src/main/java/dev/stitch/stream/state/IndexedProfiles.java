package dev.stitch.stream.state;

import dev.stitch.schema.internal.TraitValue;
import dev.stitch.schema.internal.UserProfile;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The users' profiles, keyed by userId as Kafka Streams' string serde writes it, and beside them in
 * the same database the users-by-trait entries of their indexed traits ({@link TraitIndex}), with no
 * changelog of their own: a restore or a standby derives them from each profile it reads and the one
 * that profile replaces ({@link IndexedStore}). The query API reads them through {@link UsersByTraitView}.
 */
public final class IndexedProfiles extends IndexedStore {

    private final Deserializer<UserProfile> profiles;
    private final TraitIndex traits;
    private final ProfileStores open;
    private File taskDirectory;
    /** Whether the database held no profile when the first restored records came: then the restore indexes every one. */
    private Boolean restoringIntoEmpty;

    IndexedProfiles(KeyValueStore<Bytes, byte[]> inner, Deserializer<UserProfile> profiles, IndexedTraits indexed, ProfileStores open) {
        super(inner);
        this.profiles = profiles;
        this.traits = new TraitIndex(index(), indexed);
        this.open = open;
    }

    /** This store under the layers Kafka Streams puts around it, as a processor gets it from its context. */
    public static IndexedProfiles within(StateStore store) {
        return within(store, IndexedProfiles.class);
    }

    public TraitIndex traits() {
        return traits;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        super.init(context, root);
        taskDirectory = context.stateDir();
        open.opened(taskDirectory, this);
    }

    @Override
    public void close() {
        open.closed(taskDirectory, this);
        super.close();
    }

    @Override
    protected void beginRestoredBatch() {
        if (restoringIntoEmpty == null) {
            try (KeyValueIterator<Bytes, byte[]> any = all()) {
                restoringIntoEmpty = !any.hasNext();
            }
        }
    }

    /** The restored profile's entries replace those of the profile it replaces. */
    @Override
    protected void restored(String topic, Bytes key, byte[] replaced, byte[] value) {
        String userId = new String(key.get(), StandardCharsets.UTF_8);
        Map<String, TraitValue> before = replaced == null ? Map.of() : profiles.deserialize(topic, replaced).getTraits();
        if (value == null) {
            traits.removeAll(userId, before);
        } else {
            traits.changed(userId, TraitIndex.jsonOf(before), profiles.deserialize(topic, value).getTraits());
        }
    }

    @Override
    protected void endRestoredBatch() {
        if (restoringIntoEmpty) {
            traits.markExistingIndexed();
        }
    }
}
