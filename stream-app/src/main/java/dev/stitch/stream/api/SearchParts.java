package dev.stitch.stream.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The part of a search one instance answers: the partitions of each store it reads, each from its
 * active or its standby copy. Sent to the instance with the forwarded search, in {@link #HEADER}: each
 * store with its partitions, a standby copy's marked {@code s} ({@code identities=0,3s;user-state=1}),
 * a few bytes a partition, so that a part of every partition of a few hundred stays within the 8 KB
 * Vert.x takes of a request's headers.
 */
record SearchParts(Map<String, SortedMap<Integer, Replica>> partitions) {

    static final String HEADER = "X-Stitch-Search-Parts";
    private static final String STANDBY_MARK = "s";

    SearchParts {
        Map<String, SortedMap<Integer, Replica>> copy = new LinkedHashMap<>();
        partitions.forEach((store, replicas) -> copy.put(store, Collections.unmodifiableSortedMap(new TreeMap<>(replicas))));
        partitions = Collections.unmodifiableMap(copy);
    }

    /** The partitions of {@code store} to read, by partition; none when the part holds none of that store. */
    SortedMap<Integer, Replica> of(String store) {
        return partitions.getOrDefault(store, Collections.emptySortedMap());
    }

    /** Whether some partition is read from a standby copy: the answer may be a little behind. */
    boolean anyStandby() {
        return partitions.values().stream().anyMatch(replicas -> replicas.containsValue(Replica.STANDBY));
    }

    /** The part as {@link #HEADER} carries it. */
    String header() {
        return partitions.entrySet().stream()
                .map(store -> store.getKey() + "=" + store.getValue().entrySet().stream()
                        .map(partition -> partition.getKey() + (partition.getValue() == Replica.STANDBY ? STANDBY_MARK : ""))
                        .collect(Collectors.joining(",")))
                .collect(Collectors.joining(";"));
    }

    /**
     * The part a header names.
     *
     * @param stores the stores a search may read: any other is refused
     * @throws IllegalArgumentException naming what is not {@code store=partition,...}
     */
    static SearchParts parse(String header, Set<String> stores) {
        Map<String, SortedMap<Integer, Replica>> partitions = new LinkedHashMap<>();
        for (String item : header.split(";", -1)) {
            String[] store = item.split("=", -1);
            if (store.length != 2 || !stores.contains(store[0]) || partitions.containsKey(store[0])) {
                throw new IllegalArgumentException(HEADER + " holds '" + item + "', not store=partition,... of one of the stores "
                        + new TreeSet<>(stores));
            }
            SortedMap<Integer, Replica> replicas = new TreeMap<>();
            for (String partition : store[1].split(",", -1)) {
                boolean standby = partition.endsWith(STANDBY_MARK);
                String number = standby ? partition.substring(0, partition.length() - 1) : partition;
                if (number.isEmpty() || number.length() > 9 || !number.chars().allMatch(Character::isDigit)) {
                    throw new IllegalArgumentException(HEADER + " holds '" + item + "', whose partition '" + partition
                            + "' is not a whole number from 0 (with " + STANDBY_MARK + " for a standby copy)");
                }
                replicas.put(Integer.parseInt(number), standby ? Replica.STANDBY : Replica.ACTIVE);
            }
            partitions.put(store[0], replicas);
        }
        return new SearchParts(partitions);
    }
}
