package dev.stitch.stream.identity;

import dev.stitch.stream.state.CapturedRestore;
import dev.stitch.stream.state.SeenBatch;
import dev.stitch.stream.state.SeenMessages;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * R9's memory: batches of messageIds with a changelog, and an index beside them that restores and
 * standby replicas keep from that changelog, which together must answer as one store of every id seen
 * within the window would, wherever the task moves.
 */
class DeduplicatorTest {

    private static final Duration WINDOW = Duration.ofHours(24);
    private static final long HOUR = Duration.ofHours(1).toMillis();
    /** Small batches, so that a test of a few hundred ids fills many. */
    private static final int BATCH_BYTES = 256;

    private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    /** What Kafka Streams would write to the store's changelog: each batch put or deleted, in order. */
    private final List<ConsumerRecord<byte[], byte[]>> changelog = new ArrayList<>();
    private int replicas;
    private long offset;

    @Test
    void aRetryWithinTheWindowIsADuplicateAndOneAfterItIsNot() {
        Deduplicator seen = active(replica());

        assertThat(seen.firstSighting("m1", 0, nextRecord())).isTrue();
        assertThat(seen.firstSighting("m1", WINDOW.toMillis(), nextRecord())).isFalse();
        assertThat(seen.firstSighting("m1", WINDOW.toMillis() + 1, nextRecord())).isTrue();
        assertThat(seen.firstSighting("m2", 5, nextRecord())).isTrue();
    }

    @Test
    void aRecordProcessedAgainAfterATransactionThatDidNotCommitIsNotItsOwnDuplicate() {
        Deduplicator seen = active(replica());
        RecordMetadata first = record("segment.raw", 1, 42);

        assertThat(seen.firstSighting("m1", 10, first)).isTrue();
        assertThat(seen.firstSighting("m1", 10, first)).isTrue();
        assertThat(seen.firstSighting("m1", 10, record("segment.raw", 1, 43))).isFalse();
        assertThat(seen.firstSighting("m1", 10, record("segment.raw", 0, 42))).isFalse();
        assertThat(seen.firstSighting("m1", 10, record("stitch-input-by-identity-repartition", 1, 42))).isFalse();
    }

    @Test
    void aStoreRestoredFromTheChangelogAnswersAsBefore() {
        Deduplicator first = active(replica());
        List<RecordMetadata> records = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            records.add(nextRecord());
            assertThat(first.firstSighting("m" + i, i, records.get(i))).isTrue();
        }
        assertThat(changelog).as("changelog records").hasSizeGreaterThan(10);

        Replica restored = replica();
        restored.catchUp();
        Deduplicator taken = active(restored);

        // Each id is known, even to the record that carried it: that record's work was committed with its batch.
        IntStream.range(0, 300).forEach(i -> assertThat(taken.firstSighting("m" + i, i, records.get(i))).as("m" + i).isFalse());
        assertThat(taken.firstSighting("m300", 300, nextRecord())).isTrue();
    }

    @Test
    void aStandbyTakesInWhatTheActiveSawAndTakesOverWithoutWritingOverItsBatches() {
        Replica standby = replica();
        Deduplicator before = active(replica());
        IntStream.range(0, 100).forEach(i -> before.firstSighting("m" + i, i, nextRecord()));
        standby.catchUp();
        IntStream.range(100, 250).forEach(i -> before.firstSighting("m" + i, i, nextRecord()));
        standby.catchUp();

        Deduplicator taken = active(standby);
        IntStream.range(0, 250).forEach(i -> assertThat(taken.firstSighting("m" + i, i, nextRecord())).as("m" + i).isFalse());
        IntStream.range(250, 400).forEach(i -> assertThat(taken.firstSighting("m" + i, i, nextRecord())).isTrue());

        Replica later = replica();
        later.catchUp();
        assertThat(later.batched()).as("ids in batches").hasSize(400);
        Deduplicator third = active(later);
        IntStream.range(0, 400).forEach(i -> assertThat(third.firstSighting("m" + i, i, nextRecord())).as("m" + i).isFalse());
    }

    @Test
    void batchesOlderThanTheWindowGoWithTheirIdsButAnIdSeenAgainStays() {
        Replica replica = replica();
        Deduplicator seen = active(replica);
        IntStream.range(0, 100).forEach(i -> seen.firstSighting("old-" + i, 0, nextRecord()));
        long batchesOfOldIds = count(replica.seen());

        long later = WINDOW.toMillis() + HOUR;
        assertThat(seen.firstSighting("old-7", later, nextRecord())).isTrue(); // outside the window: seen anew
        IntStream.range(0, 600).forEach(i -> seen.firstSighting("new-" + i, later, nextRecord()));

        // The index holds the ids of the batches still stored and no others; of the old ones, at most
        // those of the batch that was being filled when time moved on. So does a replica's, restored.
        Replica restored = replica();
        restored.catchUp();
        for (Replica each : List.of(replica, restored)) {
            assertThat(each.indexed()).isEqualTo(each.batched());
            assertThat(each.indexed().stream().filter(id -> id.startsWith("old-"))).hasSizeLessThan(100 / (int) (batchesOfOldIds - 1))
                    .contains("old-7");
        }
        assertThat(batchesOfOldIds).isGreaterThan(3);
        assertThat(seen.firstSighting("old-7", later + 1, nextRecord())).isFalse();
    }

    @Test
    void aBatchHasItsFixedSizeUnlessOneIdIsLarger() {
        Replica replica = replica();
        Deduplicator seen = active(replica);
        IntStream.range(0, 200).forEach(i -> seen.firstSighting("message-" + i, i, nextRecord()));
        String large = "x".repeat(BATCH_BYTES * 2);
        seen.firstSighting(large, 300, nextRecord());

        List<byte[]> values = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = replica.seen().all()) {
            all.forEachRemaining(batch -> values.add(batch.value));
        }
        assertThat(values).allMatch(value -> value.length == BATCH_BYTES || SeenBatch.entries(value).size() == 1);
        assertThat(values.stream().mapToInt(value -> SeenBatch.entries(value).size()).sum()).isEqualTo(201);
    }

    /**
     * Against a model that remembers every sighting: with times that never go back, the answers are the
     * same through any number of moves of the task to a replica, new or kept from before however far
     * behind, that took in the changelog, and through expired batches.
     */
    @Test
    void answersAsAMemoryOfEverySightingWhereverTheTaskMoves() {
        qt().withExamples(200).forAll(longs().all()).check(seed -> {
            changelog.clear();
            Random random = new Random(seed);
            List<Replica> kept = new ArrayList<>();
            kept.add(replica());
            Deduplicator seen = active(kept.get(0));
            Map<String, Long> firstSeen = new HashMap<>();
            long time = 0;
            for (int step = 0; step < 300; step++) {
                if (random.nextInt(10) == 0) {
                    // A replica reads on as a standby does, some of the time.
                    kept.get(random.nextInt(kept.size())).catchUp();
                }
                if (random.nextInt(40) == 0) {
                    // The task moves: to a new replica, or to one of the earlier ones, which reads what it lacks.
                    int which = random.nextInt(kept.size() + 1);
                    if (which == kept.size()) {
                        kept.add(replica());
                    }
                    kept.get(which).catchUp();
                    seen = active(kept.get(which));
                }
                time += random.nextInt(4) == 0 ? random.nextInt((int) (6 * HOUR)) : random.nextInt(1000);
                String id = "m" + random.nextInt(60);
                Long earlier = firstSeen.get(id);
                boolean expected = earlier == null || time - earlier > WINDOW.toMillis();
                if (expected) {
                    firstSeen.put(id, time);
                }
                if (seen.firstSighting(id, time, nextRecord()) != expected) {
                    return false;
                }
            }
            return true;
        });
    }

    /**
     * One instance's copy of the store: its own database, restored through the store's restore callback
     * from the changelog records it has not read yet.
     */
    private final class Replica {
        private final KeyValueStore<Bytes, byte[]> database;
        private final SeenMessages seen;
        private final CapturedRestore restore;
        private int read;

        Replica(String name) {
            database = Stores.inMemoryKeyValueStore(name).get();
            seen = new SeenMessages(database);
            restore = new CapturedRestore(seen, context.getStateStoreContext(), new File(name));
        }

        SeenMessages seen() {
            return seen;
        }

        void catchUp() {
            restore.read(changelog.subList(read, changelog.size()));
            read = changelog.size();
        }

        /** The messageIds the batches hold. */
        Set<String> batched() {
            Set<String> ids = new HashSet<>();
            try (KeyValueIterator<Bytes, byte[]> all = seen.all()) {
                all.forEachRemaining(batch -> SeenBatch.entries(batch.value).forEach(entry -> ids.add(entry.messageId())));
            }
            return ids;
        }

        /** The messageIds the index holds. */
        Set<String> indexed() {
            Set<String> ids = new HashSet<>();
            try (KeyValueIterator<Bytes, byte[]> all = database.all()) {
                all.forEachRemaining(entry -> {
                    byte[] key = entry.key.get();
                    if (key.length > 1 && key[0] == (byte) 0xFF) {
                        ids.add(new String(key, 1, key.length - 1, StandardCharsets.UTF_8));
                    }
                });
            }
            return ids;
        }
    }

    private Replica replica() {
        return new Replica("seen-" + replicas++);
    }

    /** A deduplicator on the replica's store, whose batch puts and deletes also go to the changelog, as Kafka Streams' would. */
    @SuppressWarnings("unchecked")
    private Deduplicator active(Replica replica) {
        KeyValueStore<Bytes, byte[]> logged = (KeyValueStore<Bytes, byte[]>) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{KeyValueStore.class}, (proxy, method, args) -> {
                    if (method.getName().equals("put") || method.getName().equals("delete")) {
                        byte[] value = method.getName().equals("put") ? (byte[]) args[1] : null;
                        changelog.add(new ConsumerRecord<>("seen-messages-changelog", 0, changelog.size(),
                                ((Bytes) args[0]).get(), value == null ? null : value.clone()));
                    }
                    return method.invoke(replica.seen(), args);
                });
        return new Deduplicator(logged, replica.seen(), WINDOW, BATCH_BYTES);
    }

    private RecordMetadata nextRecord() {
        return record("segment.raw", 0, offset++);
    }

    private static RecordMetadata record(String topic, int partition, long offset) {
        return new RecordMetadata() {
            @Override
            public String topic() {
                return topic;
            }

            @Override
            public int partition() {
                return partition;
            }

            @Override
            public long offset() {
                return offset;
            }
        };
    }

    private static long count(KeyValueStore<?, ?> store) {
        try (KeyValueIterator<?, ?> all = store.all()) {
            long n = 0;
            for (; all.hasNext(); all.next()) {
                n++;
            }
            return n;
        }
    }
}
