package dev.stitch.stream.state;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A store checked per record, with a bounded part of it in memory: right answers, bounded memory, cheap misses. */
class CachedStoreTest {

    /** An in-memory store that counts its reads of single keys. */
    static final class CountingStore {
        final AtomicInteger reads = new AtomicInteger();
        final KeyValueStore<String, Long> store;

        @SuppressWarnings("unchecked")
        CountingStore() {
            KeyValueStore<String, Long> real = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("cut-offs"),
                    Serdes.String(), Serdes.Long()).withLoggingDisabled().build();
            real.init(new MockProcessorContext<>().getStateStoreContext(), real);
            store = (KeyValueStore<String, Long>) Proxy.newProxyInstance(KeyValueStore.class.getClassLoader(),
                    new Class<?>[]{KeyValueStore.class}, (proxy, method, args) -> {
                        if (method.getName().equals("get")) {
                            reads.incrementAndGet();
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }

    @Test
    void whileTheStoreFitsInMemoryAnIdItLacksIsAnsweredWithoutAStoreRead() {
        CountingStore counting = new CountingStore();
        CachedStore<Long> cached = new CachedStore<>(counting.store, 3);
        cached.put("user-1", 10L);
        cached.put("user-2", 20L);
        int readsAfterWrites = counting.reads.get();

        assertThat(cached.get("user-1")).isEqualTo(10L);
        assertThat(cached.get("never-erased")).isNull();
        assertThat(counting.reads.get()).isEqualTo(readsAfterWrites);
    }

    @Test
    void atStartUpOnlyTheCapacityIsLoadedAndEveryEntryIsStillFound() {
        CountingStore counting = new CountingStore();
        for (int i = 0; i < 50; i++) {
            counting.store.put("user-" + i, (long) i);
        }

        CachedStore<Long> cached = new CachedStore<>(counting.store, 10);

        assertThat(cached.inMemory()).isEqualTo(10);
        assertThat(cached.size()).isEqualTo(50);
        for (int i = 0; i < 50; i++) {
            assertThat(cached.get("user-" + i)).isEqualTo(i);
            assertThat(cached.inMemory()).isLessThanOrEqualTo(10);
        }
        assertThat(cached.get("never-erased")).as("a miss beyond the capacity reads the store").isNull();
    }

    @Test
    void deletesBringTheStoreBackIntoMemoryAndKeysWhereReadsTheStoreItself() {
        CountingStore counting = new CountingStore();
        CachedStore<Long> cached = new CachedStore<>(counting.store, 2);
        for (int i = 0; i < 5; i++) {
            cached.put("user-" + i, (long) i);
        }
        assertThat(cached.keysWhere((id, cutOff) -> cutOff < 3, 10)).containsExactlyInAnyOrder("user-0", "user-1", "user-2");
        assertThat(cached.keysWhere((id, cutOff) -> true, 2)).hasSize(2);

        cached.keysWhere((id, cutOff) -> cutOff < 3, 10).forEach(cached::delete);
        cached.delete("never-there");

        assertThat(cached.size()).isEqualTo(2);
        assertThat(counting.store.approximateNumEntries()).isEqualTo(2);
        assertThat(cached.get("user-3")).isEqualTo(3L);
        assertThat(cached.get("user-4")).isEqualTo(4L);
        int reads = counting.reads.get();
        assertThat(cached.get("user-0")).as("memory holds the whole store again").isNull();
        assertThat(counting.reads.get()).isEqualTo(reads);
    }
}
