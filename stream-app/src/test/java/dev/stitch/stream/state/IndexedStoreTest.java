package dev.stitch.stream.state;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The store's own interface shows its entries only, on Kafka Streams' RocksDB store, before and after a commit. */
class IndexedStoreTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "transactional state {0}")
    @ValueSource(booleans = {false, true})
    void rangesOverTheEntriesNeverReachTheIndexBesideThem(boolean transactional) {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "indexed-store-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        config.put(StreamsConfig.TRANSACTIONAL_STATE_STORES_CONFIG, Boolean.toString(transactional));
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>(config, new TaskId(0, 0), dir.toFile());
        SeenMessages store = new SeenMessages(Stores.persistentKeyValueStore("seen").get());
        store.init(context.getStateStoreContext(), store);
        try {
            store.put(SeenBatch.key(0), new byte[8]);
            store.put(SeenBatch.key(1), new byte[8]);
            store.begin(1);
            store.remember("m1".getBytes(StandardCharsets.UTF_8), Sighting.committed(5));

            for (String when : List.of("before the commit", "after it")) {
                assertThat(keys(store.all())).as(when).containsExactly(0L, 1L);
                assertThat(keys(store.range(null, null))).as(when).containsExactly(0L, 1L);
                assertThat(keys(store.range(SeenBatch.key(1), null))).as(when).containsExactly(1L);
                assertThat(keys(store.reverseAll())).as(when).containsExactly(1L, 0L);
                assertThat(store.filling()).as(when).isEqualTo(1);
                assertThat(store.sighting("m1".getBytes(StandardCharsets.UTF_8))).as(when).isEqualTo(Sighting.committed(5));
                store.commit(Map.of());
            }
        } finally {
            store.close();
        }
    }

    private static List<Long> keys(KeyValueIterator<Bytes, byte[]> entries) {
        List<Long> numbers = new ArrayList<>();
        try (entries) {
            entries.forEachRemaining((KeyValue<Bytes, byte[]> entry) -> numbers.add(SeenBatch.number(entry.key)));
        }
        return numbers;
    }
}
