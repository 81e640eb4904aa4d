package dev.stitch.stream.state;

import dev.stitch.schema.internal.TraitValue;
import dev.stitch.schema.internal.UserProfile;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Keeps the users-by-trait store in step with the profiles: one entry per indexed trait value of each
 * user, written where the profile changes, so that a look-up by value finds exactly the users whose
 * profile holds it now. Bounded by the profile's own bound on traits and by the indexed value length.
 */
public final class TraitIndex {

    private static final byte[] EMPTY = new byte[0];
    /**
     * Says that the profiles stored before the store existed (an upgrade) were indexed: no trait has an
     * empty indexed value, so this key is no entry's.
     */
    public static final Bytes EXISTING_PROFILES_INDEXED = UsersByTraitKey.of("", "", "");

    private final IndexSpace usersByTrait;
    private final IndexedTraits indexed;

    /** @param usersByTrait the entries, beside the profiles they index ({@link IndexedProfiles}) */
    public TraitIndex(IndexSpace usersByTrait, IndexedTraits indexed) {
        this.usersByTrait = usersByTrait;
        this.indexed = indexed;
    }

    /**
     * The user's traits went from {@code before} (trait name to JSON value) to {@code after}: the
     * entries of values it no longer has go, those of values it now has come.
     */
    public void changed(String userId, Map<String, String> before, Map<String, TraitValue> after) {
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
    public void coverExisting(KeyValueStore<String, UserProfile> profiles) {
        if (usersByTrait.get(EXISTING_PROFILES_INDEXED) != null) {
            return;
        }
        try (KeyValueIterator<String, UserProfile> all = profiles.all()) {
            all.forEachRemaining(profile -> changed(profile.key, Map.of(), profile.value.getTraits()));
        }
        markExistingIndexed();
    }

    /** Notes that every stored profile is indexed: a restore into an empty store indexed each one it restored. */
    void markExistingIndexed() {
        usersByTrait.put(EXISTING_PROFILES_INDEXED, EMPTY);
    }

    /** Trait name to JSON value: the form {@link #changed} takes the traits before a change in. */
    public static Map<String, String> jsonOf(Map<String, TraitValue> traits) {
        Map<String, String> json = new HashMap<>();
        traits.forEach((name, value) -> json.put(name, value.getJson()));
        return json;
    }

    /** The user's profile is gone (merged into another user, or erased): so are its entries. */
    public void removeAll(String userId, Map<String, TraitValue> traits) {
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
