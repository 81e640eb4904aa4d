package dev.stitch.stream.api;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/** Whatever partitions of the search's stores a part holds, the instance it is sent to reads back exactly that part. */
class SearchPartsPropertyTest {

    private static final List<String> STORES = List.copyOf(new java.util.TreeSet<>(UserSearch.SEARCH_STORES));

    /** One item: a store, a partition, and whether its standby copy is read. */
    private record Item(int store, int partition, boolean standby) {
    }

    private static final Gen<Item> ITEMS = integers().between(0, STORES.size() - 1)
            .zip(integers().between(0, 5_000), integers().between(0, 1), (store, partition, standby) -> new Item(store, partition, standby == 1));

    @Test
    void aPartReadsBackFromItsHeaderAsItWasSent() {
        qt().forAll(lists().of(ITEMS).ofSizeBetween(1, 40)).check(items -> {
            Map<String, SortedMap<Integer, Replica>> partitions = new LinkedHashMap<>();
            items.forEach(item -> partitions.computeIfAbsent(STORES.get(item.store()), store -> new TreeMap<>())
                    .put(item.partition(), item.standby() ? Replica.STANDBY : Replica.ACTIVE));
            SearchParts sent = new SearchParts(partitions);
            SearchParts read = SearchParts.parse(sent.header(), UserSearch.SEARCH_STORES);
            return read.partitions().equals(sent.partitions()) && read.anyStandby() == items.stream().anyMatch(Item::standby);
        });
    }
}
