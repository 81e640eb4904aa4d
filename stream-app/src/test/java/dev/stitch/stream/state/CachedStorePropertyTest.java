package dev.stitch.stream.state;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/** Any sequence of writes, deletes and reads answers as a plain map would, with memory within the capacity. */
class CachedStorePropertyTest {

    @Test
    void answersAsAMapWouldWithinItsCapacity() {
        qt().forAll(lists().of(integers().between(0, 3 * 40 - 1)).ofSizeBetween(0, 200), integers().between(1, 8))
                .check((operations, capacity) -> agreesWithAMap(operations, capacity));
    }

    /** Each operation: its value / 40 says put, delete or get, its value % 40 which of 40 keys. */
    private static boolean agreesWithAMap(List<Integer> operations, int capacity) {
        CachedStore<Long> cached = new CachedStore<>(new CachedStoreTest.CountingStore().store, capacity);
        Map<String, Long> model = new HashMap<>();
        long written = 0;
        for (int operation : operations) {
            String key = "user-" + operation % 40;
            switch (operation / 40) {
                case 0 -> {
                    cached.put(key, ++written);
                    model.put(key, written);
                }
                case 1 -> {
                    cached.delete(key);
                    model.remove(key);
                }
                default -> {
                    Long value = cached.get(key);
                    if (value == null ? model.get(key) != null : !value.equals(model.get(key))) {
                        return false;
                    }
                }
            }
            if (cached.inMemory() > capacity || cached.size() != model.size()) {
                return false;
            }
        }
        return true;
    }
}
