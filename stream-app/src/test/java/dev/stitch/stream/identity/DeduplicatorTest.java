package dev.stitch.stream.identity;

import dev.stitch.stream.state.SeenBatch;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

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
 * R9's memory: an index without a changelog, and the batches it is rebuilt from, which must answer as
 * one store of every id seen within the window would, whatever the index lost.
 */
class DeduplicatorTest {

    private static final Duration WINDOW = Duration.ofHours(24);
    private static final long HOUR = Duration.ofHours(1).toMillis();
    /** Small batches, so that a test of a few hundred ids fills many. */
    private static final int BATCH_BYTES = 256;

    private final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    private final KeyValueStore<Bytes, byte[]> batches = store("batches", Serdes.Bytes());
    private long offset;

    @Test
    void aRetryWithinTheWindowIsADuplicateAndOneAfterItIsNot() {
        Deduplicator seen = opened(store("index", Serdes.String()));

        assertThat(seen.firstSighting("m1", 0, nextRecord())).isTrue();
        assertThat(seen.firstSighting("m1", WINDOW.toMillis(), nextRecord())).isFalse();
        assertThat(seen.firstSighting("m1", WINDOW.toMillis() + 1, nextRecord())).isTrue();
        assertThat(seen.firstSighting("m2", 5, nextRecord())).isTrue();
    }

    @Test
    void aRecordProcessedAgainAfterATransactionThatDidNotCommitIsNotItsOwnDuplicate() {
        Deduplicator seen = opened(store("index", Serdes.String()));
        RecordMetadata first = record("segment.raw", 1, 42);

        assertThat(seen.firstSighting("m1", 10, first)).isTrue();
        assertThat(seen.firstSighting("m1", 10, first)).isTrue();
        assertThat(seen.firstSighting("m1", 10, record("segment.raw", 1, 43))).isFalse();
        assertThat(seen.firstSighting("m1", 10, record("segment.raw", 0, 42))).isFalse();
        assertThat(seen.firstSighting("m1", 10, record("stitch-input-by-identity-repartition", 1, 42))).isFalse();
    }

    @Test
    void anEmptyIndexIsRebuiltFromTheBatchesAndAnswersAsBefore() {
        Deduplicator first = opened(store("index", Serdes.String()));
        List<RecordMetadata> records = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            records.add(nextRecord());
            assertThat(first.firstSighting("m" + i, i, records.get(i))).isTrue();
        }
        assertThat(count(batches)).as("batches").isGreaterThan(10);

        Deduplicator rebuilt = opened(store("new-index", Serdes.String()));

        // Each id is known, even to the record that carried it: that record's work was committed with its batch.
        IntStream.range(0, 300).forEach(i -> assertThat(rebuilt.firstSighting("m" + i, i, records.get(i))).as("m" + i).isFalse());
        assertThat(rebuilt.firstSighting("m300", 300, nextRecord())).isTrue();
    }

    @Test
    void anIndexBehindTheBatchesTakesInWhatWasSeenSince() {
        KeyValueStore<String, byte[]> stale = store("stale-index", Serdes.String());
        Deduplicator before = opened(stale);
        IntStream.range(0, 100).forEach(i -> before.firstSighting("m" + i, i, nextRecord()));
        // Another instance takes the task over with an index of its own, and sees more.
        Deduplicator elsewhere = opened(store("other-index", Serdes.String()));
        IntStream.range(100, 250).forEach(i -> assertThat(elsewhere.firstSighting("m" + i, i, nextRecord())).isTrue());

        Deduplicator back = opened(stale);

        IntStream.range(0, 250).forEach(i -> assertThat(back.firstSighting("m" + i, i, nextRecord())).as("m" + i).isFalse());
    }

    @Test
    void batchesOlderThanTheWindowGoWithTheirIdsButAnIdSeenAgainStays() {
        KeyValueStore<String, byte[]> index = store("index", Serdes.String());
        Deduplicator seen = opened(index);
        IntStream.range(0, 100).forEach(i -> seen.firstSighting("old-" + i, 0, nextRecord()));
        long batchesOfOldIds = count(batches);

        long later = WINDOW.toMillis() + HOUR;
        assertThat(seen.firstSighting("old-7", later, nextRecord())).isTrue(); // outside the window: seen anew
        IntStream.range(0, 600).forEach(i -> seen.firstSighting("new-" + i, later, nextRecord()));

        // The index holds the ids of the batches still stored and no others; of the old ones, at most
        // those of the batch that was being filled when time moved on.
        Set<String> inBatches = new HashSet<>();
        try (KeyValueIterator<Bytes, byte[]> all = batches.all()) {
            all.forEachRemaining(batch -> SeenBatch.entries(batch.value).forEach(entry -> inBatches.add(entry.messageId())));
        }
        Set<String> inIndex = new HashSet<>(keys(index));
        inIndex.remove(Deduplicator.FILLING);
        assertThat(inIndex).isEqualTo(inBatches);
        assertThat(batchesOfOldIds).isGreaterThan(3);
        assertThat(inIndex.stream().filter(id -> id.startsWith("old-"))).hasSizeLessThan(100 / (int) (batchesOfOldIds - 1)).contains("old-7");
        assertThat(seen.firstSighting("old-7", later + 1, nextRecord())).isFalse();
    }

    @Test
    void aBatchHasItsFixedSizeUnlessOneIdIsLarger() {
        Deduplicator seen = opened(store("index", Serdes.String()));
        IntStream.range(0, 200).forEach(i -> seen.firstSighting("message-" + i, i, nextRecord()));
        String large = "x".repeat(BATCH_BYTES * 2);
        seen.firstSighting(large, 300, nextRecord());

        List<byte[]> values = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = batches.all()) {
            all.forEachRemaining(batch -> values.add(batch.value));
        }
        assertThat(values).allMatch(value -> value.length == BATCH_BYTES || SeenBatch.entries(value).size() == 1);
        assertThat(values.stream().mapToInt(value -> SeenBatch.entries(value).size()).sum()).isEqualTo(201);
    }

    /**
     * Against a model that remembers every sighting: with times that never go back, the answers are the
     * same through any number of index losses, stale indexes and expired batches.
     */
    @Test
    void answersAsAMemoryOfEverySightingWhateverTheIndexLoses() {
        qt().withExamples(200).forAll(longs().all()).check(seed -> {
            Random random = new Random(seed);
            KeyValueStore<Bytes, byte[]> sharedBatches = store("batches-" + seed, Serdes.Bytes());
            List<KeyValueStore<String, byte[]>> indexes = new ArrayList<>();
            indexes.add(store("index-" + seed + "-0", Serdes.String()));
            Deduplicator seen = new Deduplicator(indexes.get(0), sharedBatches, WINDOW, BATCH_BYTES);
            seen.open();
            Map<String, Long> firstSeen = new HashMap<>();
            long time = 0;
            for (int step = 0; step < 300; step++) {
                if (random.nextInt(40) == 0) {
                    // The task starts again: on a new index, or on one of the earlier ones, however far behind.
                    int which = random.nextInt(indexes.size() + 1);
                    if (which == indexes.size()) {
                        indexes.add(store("index-" + seed + "-" + which, Serdes.String()));
                    }
                    seen = new Deduplicator(indexes.get(which), sharedBatches, WINDOW, BATCH_BYTES);
                    seen.open();
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

    private Deduplicator opened(KeyValueStore<String, byte[]> index) {
        Deduplicator deduplicator = new Deduplicator(index, batches, WINDOW, BATCH_BYTES);
        deduplicator.open();
        return deduplicator;
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

    private <K> KeyValueStore<K, byte[]> store(String name, Serde<K> keys) {
        KeyValueStore<K, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys, Serdes.ByteArray())
                .withLoggingDisabled().build();
        store.init(context.getStateStoreContext(), store);
        return store;
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

    private static List<String> keys(KeyValueStore<String, byte[]> index) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> all = index.all()) {
            all.forEachRemaining(entry -> keys.add(entry.key));
        }
        return keys;
    }
}
