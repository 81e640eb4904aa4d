package dev.stitch.stream.api;

import org.apache.kafka.streams.state.HostInfo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Who reads which partition for a search. A search's parts are partitions, not instances: each
 * partition of each store it reads is read once, from its best copy ({@link KeyReplicas#places})
 * that has not failed this search already. A partition with no such copy left makes the plan
 * incomplete, and the search a 503 rather than an answer without that partition.
 *
 * @param parts      what each instance reads, this one first when it reads any
 * @param unreadable the partitions with no copy left, as {@code "partition 2 of identities"}
 */
record SearchPlan(Map<HostInfo, SearchParts> parts, List<String> unreadable) {

    /** One copy of one partition of a store, on one instance. */
    record Copy(HostInfo instance, String store, int partition) {
    }

    /**
     * @param stores the copies of every partition of each store the search reads
     * @param failed the copies that could not be read already in this search
     */
    static SearchPlan of(Map<String, List<KeyReplicas>> stores, HostInfo self, Set<Copy> failed) {
        Map<HostInfo, Map<String, SortedMap<Integer, Replica>>> byInstance = new LinkedHashMap<>();
        byInstance.put(self, new LinkedHashMap<>());
        List<String> unreadable = new ArrayList<>();
        stores.forEach((store, partitions) -> {
            for (KeyReplicas replicas : partitions) {
                Read read = firstReadable(store, replicas, self, failed);
                if (read == null) {
                    unreadable.add("partition " + replicas.partition() + " of " + store);
                } else {
                    byInstance.computeIfAbsent(read.instance(), instance -> new LinkedHashMap<>())
                            .computeIfAbsent(store, name -> new TreeMap<>())
                            .put(replicas.partition(), read.replica());
                }
            }
        });
        Map<HostInfo, SearchParts> parts = new LinkedHashMap<>();
        byInstance.forEach((instance, partitions) -> {
            if (!partitions.isEmpty()) {
                parts.put(instance, new SearchParts(partitions));
            }
        });
        return new SearchPlan(parts, List.copyOf(unreadable));
    }

    private record Read(HostInfo instance, Replica replica) {
    }

    private static Read firstReadable(String store, KeyReplicas replicas, HostInfo self, Set<Copy> failed) {
        for (Location place : replicas.places(self, false)) {
            Read read = null;
            if (place instanceof Location.Local) {
                read = new Read(self, Replica.ACTIVE);
            } else if (place instanceof Location.LocalStandby) {
                read = new Read(self, Replica.STANDBY);
            } else if (place instanceof Location.Remote remote) {
                read = new Read(new HostInfo(remote.host(), remote.port()), Replica.ACTIVE);
            } else if (place instanceof Location.RemoteStandby standby) {
                read = new Read(new HostInfo(standby.host(), standby.port()), Replica.STANDBY);
            }
            if (read != null && !failed.contains(new Copy(read.instance(), store, replicas.partition()))) {
                return read;
            }
        }
        return null;
    }

    /** Every copy a part reads, to be marked failed when its instance cannot answer it. */
    static List<Copy> copiesOf(HostInfo instance, SearchParts part) {
        List<Copy> copies = new ArrayList<>();
        part.partitions().forEach((store, partitions) -> partitions.keySet()
                .forEach(partition -> copies.add(new Copy(instance, store, partition))));
        return copies;
    }

    boolean complete() {
        return unreadable.isEmpty();
    }

    /** Whether some partition is read from a standby copy. */
    boolean anyStandby() {
        return parts.values().stream().anyMatch(SearchParts::anyStandby);
    }
}
