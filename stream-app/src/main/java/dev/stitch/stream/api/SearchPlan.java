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
 * on an instance that did not fail this search already. A partition no such copy is left of makes
 * the plan incomplete, and the search a 503 rather than an answer without it.
 *
 * @param parts      what each instance reads, this one first when it reads any
 * @param unreadable the partitions with no copy left, as {@code "partition 2 of identities"}
 */
record SearchPlan(Map<HostInfo, SearchParts> parts, List<String> unreadable) {

    /**
     * @param stores the copies of every partition of each store the search reads
     * @param failed the instances that could not answer their part already
     */
    static SearchPlan of(Map<String, List<KeyReplicas>> stores, HostInfo self, Set<HostInfo> failed) {
        Map<HostInfo, Map<String, SortedMap<Integer, Replica>>> byInstance = new LinkedHashMap<>();
        byInstance.put(self, new LinkedHashMap<>());
        List<String> unreadable = new ArrayList<>();
        stores.forEach((store, partitions) -> {
            for (KeyReplicas replicas : partitions) {
                Read read = firstReadable(replicas.places(self, false), self, failed);
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

    private static Read firstReadable(List<Location> places, HostInfo self, Set<HostInfo> failed) {
        for (Location place : places) {
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
            if (read != null && !failed.contains(read.instance())) {
                return read;
            }
        }
        return null;
    }

    boolean complete() {
        return unreadable.isEmpty();
    }

    /** Whether some partition is read from a standby copy. */
    boolean anyStandby() {
        return parts.values().stream().anyMatch(SearchParts::anyStandby);
    }
}
