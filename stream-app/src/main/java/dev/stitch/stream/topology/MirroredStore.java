package dev.stitch.stream.topology;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A store small enough to copy into memory, for a check made on every record: reads come from the
 * copy, without a store read; writes go to both, so the store (and its changelog) keeps it across
 * restarts and moves, and the copy is made again from it when the task starts.
 */
public final class MirroredStore<V> {

    private final KeyValueStore<String, V> store;
    private final Map<String, V> copy = new HashMap<>();

    public MirroredStore(KeyValueStore<String, V> store) {
        this.store = store;
        try (KeyValueIterator<String, V> all = store.all()) {
            all.forEachRemaining(entry -> copy.put(entry.key, entry.value));
        }
    }

    public V get(String key) {
        return copy.get(key);
    }

    public void put(String key, V value) {
        store.put(key, value);
        copy.put(key, value);
    }

    public void delete(String key) {
        if (copy.remove(key) != null) {
            store.delete(key);
        }
    }

    public void forEach(BiConsumer<String, V> action) {
        copy.forEach(action);
    }
}
