package dev.stitch.stream.state;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * A store checked on every record, with at most {@link #CAPACITY} of its entries in memory, so that a
 * flood of erasures or merges cannot fill the heap, neither while running nor at start-up.
 *
 * <p>Reads come from memory when they can: while the whole store fits, memory holds every entry and a
 * key it lacks is in no entry, so the common answer (an id never erased, never merged) costs no store
 * read. Once the store outgrows memory, the least recently used entries leave memory and a miss reads
 * the store (RocksDB's bloom filter keeps a read of a missing key cheap). Writes go to both; the store
 * and its changelog keep every entry across restarts and moves.
 */
public final class CachedStore<V> {

    /** Entries held in memory per store instance (one per task): about 150 bytes each for a 36-character id. */
    public static final int CAPACITY = 10_000;

    private final KeyValueStore<String, V> store;
    private final int capacity;
    /** The entries read or written most recently; every one of them is in the store too. */
    private final Map<String, V> recent;
    /** How many entries the store holds; memory holds all of them while it holds this many. */
    private long size;

    public CachedStore(KeyValueStore<String, V> store) {
        this(store, CAPACITY);
    }

    CachedStore(KeyValueStore<String, V> store, int capacity) {
        this.store = store;
        this.capacity = capacity;
        this.recent = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > CachedStore.this.capacity;
            }
        };
        // Counted one entry at a time; only the first ones that fit are kept.
        try (KeyValueIterator<String, V> all = store.all()) {
            while (all.hasNext()) {
                var entry = all.next();
                if (recent.size() < capacity) {
                    recent.put(entry.key, entry.value);
                }
                size++;
            }
        }
    }

    public V get(String key) {
        V value = recent.get(key);
        if (value != null || holdsAll()) {
            return value;
        }
        value = store.get(key);
        if (value != null) {
            recent.put(key, value);
        }
        return value;
    }

    public void put(String key, V value) {
        if (!recent.containsKey(key) && (holdsAll() || store.get(key) == null)) {
            size++;
        }
        store.put(key, value);
        recent.put(key, value);
    }

    public void delete(String key) {
        boolean present = recent.remove(key) != null || (!holdsAll() && store.get(key) != null);
        if (present) {
            store.delete(key);
            size--;
        }
    }

    /**
     * The keys of the store's entries that match, read from the store itself (not from memory), at most
     * {@code limit} of them.
     */
    public List<String> keysWhere(BiPredicate<String, V> matches, int limit) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, V> all = store.all()) {
            while (all.hasNext() && keys.size() < limit) {
                var entry = all.next();
                if (matches.test(entry.key, entry.value)) {
                    keys.add(entry.key);
                }
            }
        }
        return keys;
    }

    /** How many entries the store holds. */
    public long size() {
        return size;
    }

    /** How many entries memory holds: never more than the capacity. */
    int inMemory() {
        return recent.size();
    }

    private boolean holdsAll() {
        return recent.size() == size;
    }
}
