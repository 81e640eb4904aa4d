package dev.stitch.stream.state;

import dev.stitch.schema.internal.UserProfile;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

import java.io.File;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The profiles store and the users-by-trait store that reads its index, made together for one
 * topology: each task's users-by-trait store finds the profiles store of the same task, by the task's
 * state directory, among those open.
 */
public final class ProfileStores {

    private final Deserializer<UserProfile> profiles;
    private final IndexedTraits indexed;
    private final Map<File, IndexedProfiles> open = new ConcurrentHashMap<>();

    public ProfileStores(Deserializer<UserProfile> profiles, IndexedTraits indexed) {
        this.profiles = profiles;
        this.indexed = indexed;
    }

    public KeyValueBytesStoreSupplier profiles() {
        return IndexedSupplier.of(Stores.persistentKeyValueStore(Catalogue.PROFILE_STORE),
                database -> new IndexedProfiles(database, profiles, indexed, this));
    }

    /** To be built without a changelog or cache: it has no database of its own. */
    public KeyValueBytesStoreSupplier usersByTrait() {
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return Catalogue.USERS_BY_TRAIT_STORE;
            }

            @Override
            public UsersByTraitView get() {
                return new UsersByTraitView(Catalogue.USERS_BY_TRAIT_STORE, ProfileStores.this);
            }

            @Override
            public String metricsScope() {
                return "index";
            }
        };
    }

    void opened(File taskDirectory, IndexedProfiles store) {
        open.put(taskDirectory, store);
    }

    void closed(File taskDirectory, IndexedProfiles store) {
        open.remove(taskDirectory, store);
    }

    /** The users-by-trait entries of the task whose state directory this is. */
    IndexSpace index(File taskDirectory) {
        IndexedProfiles store = taskDirectory == null ? null : open.get(taskDirectory);
        if (store == null) {
            // As for any store that moves or restores: the query API answers that it cannot read it now.
            throw new InvalidStateStoreException("The profiles store of the task in " + taskDirectory + " is not open");
        }
        return store.index();
    }
}
