package dev.stitch.stream.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The part of a search one instance answers: the partitions of each store it reads, each from its
 * active or its standby copy. Sent to the instance with the forwarded search, in {@link #HEADER}, as
 * {@code store:partition:replica} items separated by commas ({@code identities:0:active,identities:3:standby}).
 */
record SearchParts(Map<String, SortedMap<Integer, Replica>> partitions) {

    static final String HEADER = "X-Stitch-Search-Parts";

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

    String header() {
        return partitions.entrySet().stream()
                .flatMap(store -> store.getValue().entrySet().stream()
                        .map(partition -> store.getKey() + ":" + partition.getKey() + ":" + partition.getValue().label()))
                .collect(Collectors.joining(","));
    }

    /**
     * The part a header names.
     *
     * @param stores the stores a search may read: any other is refused
     * @throws IllegalArgumentException naming the item that is not {@code store:partition:replica}
     */
    static SearchParts parse(String header, Set<String> stores) {
        Map<String, SortedMap<Integer, Replica>> partitions = new LinkedHashMap<>();
        for (String item : header.split(",", -1)) {
            String[] fields = item.trim().split(":", -1);
            if (fields.length != 3 || !stores.contains(fields[0])) {
                throw new IllegalArgumentException(HEADER + " holds '" + item + "', not store:partition:replica of the stores " + stores);
            }
            int partition;
            try {
                partition = Integer.parseInt(fields[1]);
            } catch (NumberFormatException e) {
                partition = -1;
            }
            if (partition < 0) {
                throw new IllegalArgumentException(HEADER + " holds '" + item + "', whose partition is not a whole number from 0");
            }
            Replica replica = switch (fields[2]) {
                case "active" -> Replica.ACTIVE;
                case "standby" -> Replica.STANDBY;
                default -> throw new IllegalArgumentException(HEADER + " holds '" + item + "', whose replica is neither active nor standby");
            };
            partitions.computeIfAbsent(fields[0], store -> new TreeMap<>()).put(partition, replica);
        }
        return new SearchParts(partitions);
    }
}
