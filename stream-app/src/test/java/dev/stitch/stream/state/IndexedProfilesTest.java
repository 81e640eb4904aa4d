package dev.stitch.stream.state;

import dev.stitch.schema.internal.TraitValue;
import dev.stitch.schema.internal.UserProfile;
import dev.stitch.serde.SchemaRegistries;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The users-by-trait entries a restore or a standby replica derives from the profiles' changelog: the
 * same as the traits of the profiles it ends with, however the records are split into batches.
 */
class IndexedProfilesTest {

    private static final String TOPIC = "app-profiles-changelog";
    private static final String[] VALUES = {"\"pro\"", "\"free\"", "\" Ada@X.io\"", "\"ada@x.io\"", "42", "{\"city\":\"Oslo\"}"};
    private static final String[] TRAITS = {"email", "plan", "seats"};

    private final Serde<UserProfile> serde = StitchSerdes.using(SchemaRegistries.connect("mock://" + UUID.randomUUID(), null)).userProfile();
    private final IndexedTraits indexed = new IndexedTraits(64);
    private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    private final List<ConsumerRecord<byte[], byte[]>> changelog = new ArrayList<>();

    @Test
    void aRestoreIndexesEachProfileAsItEndsAndNotesThatEveryProfileIsIndexed() {
        Restored replica = new Restored();
        log("user-1", Map.of("email", "\"Ada@X.io\"", "plan", "\"pro\""));
        log("user-2", Map.of("plan", "\"pro\""));
        log("user-1", Map.of("email", "\"bob@x.io\"", "plan", "\"pro\""));
        log("user-2", null);
        replica.read(changelog);

        assertThat(replica.entries()).containsExactlyInAnyOrder("bob@x.io email user-1", "pro plan user-1");
        assertThat(replica.store.index().get(TraitIndex.EXISTING_PROFILES_INDEXED)).isNotNull();

        changelog.clear();
        log("user-3", Map.of("plan", "\"free\""));
        log("user-1", null);
        replica.read(changelog);
        assertThat(replica.entries()).containsExactly("free plan user-3");
    }

    @Test
    void aRestoreOntoProfilesAlreadyStoredLeavesThemToBeIndexedOnce() {
        Restored replica = new Restored();
        replica.store.put(Bytes.wrap("user-old".getBytes(StandardCharsets.UTF_8)), serde.serializer().serialize(TOPIC,
                profile(Map.of("plan", "\"pro\""))));
        log("user-1", Map.of("plan", "\"free\""));
        replica.read(changelog);

        assertThat(replica.entries()).containsExactly("free plan user-1");
        assertThat(replica.store.index().get(TraitIndex.EXISTING_PROFILES_INDEXED)).as("the old profile is not indexed yet").isNull();
    }

    @Test
    void theEntriesAreThoseOfTheLastProfilesHoweverTheRecordsAreBatched() {
        qt().withExamples(200).forAll(longs().all()).check(seed -> {
            Random random = new Random(seed);
            changelog.clear();
            Map<String, Map<String, String>> last = new HashMap<>();
            for (int i = 0; i < 40; i++) {
                String user = "user-" + random.nextInt(5);
                Map<String, String> traits = null;
                if (random.nextInt(5) > 0) {
                    traits = new HashMap<>();
                    for (String trait : TRAITS) {
                        if (random.nextBoolean()) {
                            traits.put(trait, VALUES[random.nextInt(VALUES.length)]);
                        }
                    }
                }
                log(user, traits);
                last.put(user, traits);
            }
            Restored replica = new Restored();
            for (int from = 0; from < changelog.size(); ) {
                int to = Math.min(changelog.size(), from + 1 + random.nextInt(10));
                replica.read(changelog.subList(from, to));
                from = to;
            }
            TreeSet<String> expected = new TreeSet<>();
            last.forEach((user, traits) -> {
                if (traits != null) {
                    traits.forEach((trait, json) -> {
                        String value = indexed.indexed(trait, json);
                        if (value != null) {
                            expected.add(value + " " + trait + " " + user);
                        }
                    });
                }
            });
            return new TreeSet<>(replica.entries()).equals(expected);
        });
    }

    /** A replica of the store, on its own database, reading changelog records through the store's restore callback. */
    private final class Restored {
        private final IndexedProfiles store;
        private final CapturedRestore restore;

        Restored() {
            store = new IndexedProfiles(Stores.inMemoryKeyValueStore("profiles-" + UUID.randomUUID()).get(), serde.deserializer(), indexed,
                    new ProfileStores(serde.deserializer(), indexed));
            // The task's directory names the task only: the store's database is in memory.
            restore = new CapturedRestore(store, context.getStateStoreContext(), new File("task-" + UUID.randomUUID()));
        }

        void read(List<ConsumerRecord<byte[], byte[]>> records) {
            restore.read(records);
        }

        /** Every users-by-trait entry as "value trait userId", in key order, without the note that all are indexed. */
        List<String> entries() {
            List<String> entries = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> all = store.index().all()) {
                all.forEachRemaining(entry -> {
                    UsersByTraitKey.Entry read = UsersByTraitKey.read(entry.key);
                    if (!read.userId().isEmpty()) {
                        entries.add(read.value() + " " + read.trait() + " " + read.userId());
                    }
                });
            }
            return entries;
        }
    }

    /** A profile record on the changelog; a tombstone for null traits. */
    private void log(String userId, Map<String, String> traits) {
        byte[] value = traits == null ? null : serde.serializer().serialize(TOPIC, profile(traits));
        changelog.add(new ConsumerRecord<>(TOPIC, 0, changelog.size(), userId.getBytes(StandardCharsets.UTF_8), value));
    }

    private static UserProfile profile(Map<String, String> traits) {
        Map<String, TraitValue> values = new HashMap<>();
        traits.forEach((name, json) -> values.put(name, new TraitValue(json, 1L)));
        return new UserProfile(values, new ArrayList<>(), new ArrayList<>(), 0L, 0L, null, null);
    }
}
