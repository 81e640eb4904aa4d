package dev.stitch.stream.state;

import dev.stitch.schema.internal.TraitValue;
import dev.stitch.schema.internal.UserProfile;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
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
    protected void restoring(Collection<ConsumerRecord<byte[], byte[]>> records) {
        if (restoringIntoEmpty == null) {
            try (KeyValueIterator<Bytes, byte[]> any = all()) {
                restoringIntoEmpty = !any.hasNext();
            }
        }
        Map<Bytes, byte[]> restoredHere = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Bytes key = Bytes.wrap(record.key());
            byte[] replaced = restoredHere.containsKey(key) ? restoredHere.get(key) : stored(key);
            String userId = new String(record.key(), StandardCharsets.UTF_8);
            Map<String, TraitValue> before = replaced == null ? Map.of() : profiles.deserialize(record.topic(), replaced).getTraits();
            if (record.value() == null) {
                traits.removeAll(userId, before);
            } else {
                Map<String, String> beforeJson = new HashMap<>();
                before.forEach((name, value) -> beforeJson.put(name, value.getJson()));
                traits.changed(userId, beforeJson, profiles.deserialize(record.topic(), record.value()).getTraits());
            }
            restoredHere.put(key, record.value());
        }
        if (restoringIntoEmpty) {
            traits.markExistingIndexed();
        }
    }
}
