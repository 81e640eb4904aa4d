package dev.stitch.stream.timeline;

import dev.stitch.schema.internal.TraitValue;
import dev.stitch.schema.internal.UserProfile;
import dev.stitch.stream.state.IndexedTraits;
import dev.stitch.stream.state.UsersByTraitKey;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.Map;
import java.util.Objects;

/**
 * Keeps the users-by-trait store in step with the profiles: one entry per indexed trait value of each
 * user, written where the profile changes, so that a look-up by value finds exactly the users whose
 * profile holds it now. Bounded by the profile's own bound on traits and by the indexed value length.
 */
final class TraitIndex {

    private static final byte[] EMPTY = new byte[0];
    /**
     * Says that the profiles stored before the store existed (an upgrade) were indexed: no trait has an
     * empty indexed value, so this key is no entry's.
     */
    static final Bytes EXISTING_PROFILES_INDEXED = UsersByTraitKey.of("", "", "");

    private final KeyValueStore<Bytes, byte[]> usersByTrait;
    private final IndexedTraits indexed;

    TraitIndex(KeyValueStore<Bytes, byte[]> usersByTrait, IndexedTraits indexed) {
        this.usersByTrait = usersByTrait;
        this.indexed = indexed;
    }

    /**
     * The user's traits went from {@code before} (trait name to JSON value) to {@code after}: the
     * entries of values it no longer has go, those of values it now has come.
     */
    void changed(String userId, Map<String, String> before, Map<String, TraitValue> after) {
        before.forEach((trait, json) -> {
            TraitValue now = after.get(trait);
            if (now == null || !now.getJson().equals(json)) {
                remove(userId, trait, json, now == null ? null : now.getJson());
            }
        });
        after.forEach((trait, now) -> {
            String was = before.get(trait);
            if (!now.getJson().equals(was)) {
                add(userId, trait, now.getJson());
            }
        });
    }

    /**
     * Indexes the profiles stored before this store existed, once: after an upgrade, their traits are
     * found before their next identify call. Afterwards, one read says it was done.
     */
    void coverExisting(KeyValueStore<String, UserProfile> profiles) {
        if (usersByTrait.get(EXISTING_PROFILES_INDEXED) != null) {
            return;
        }
        try (KeyValueIterator<String, UserProfile> all = profiles.all()) {
            all.forEachRemaining(profile -> changed(profile.key, Map.of(), profile.value.getTraits()));
        }
        usersByTrait.put(EXISTING_PROFILES_INDEXED, EMPTY);
    }

    /** The user's profile is gone (merged into another user, or erased): so are its entries. */
    void removeAll(String userId, Map<String, TraitValue> traits) {
        traits.forEach((trait, value) -> remove(userId, trait, value.getJson(), null));
    }

    private void add(String userId, String trait, String json) {
        String value = indexed.indexed(trait, json);
        if (value != null) {
            usersByTrait.put(UsersByTraitKey.of(value, trait, userId), EMPTY);
        }
    }

    /** Removes the entry of an old value, unless the new one indexes the same ({@code " Ada@x"} and {@code "ada@x"}). */
    private void remove(String userId, String trait, String json, String newJson) {
        String value = indexed.indexed(trait, json);
        if (value != null && (newJson == null || !Objects.equals(value, indexed.indexed(trait, newJson)))) {
            usersByTrait.delete(UsersByTraitKey.of(value, trait, userId));
        }
    }
}
