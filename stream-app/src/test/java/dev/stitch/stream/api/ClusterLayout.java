package dev.stitch.stream.api;

import dev.stitch.stream.topology.StitchDriver;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A simulated cluster for the query API's tests, as Kafka Streams' metadata would describe it: each
 * partition's data is one {@link StitchDriver}; the layout says which instance holds the active copy
 * of each partition and which hold standby copies, which copies cannot be read just now (being
 * restored), and which partition each key is in. Every instance's {@link StateAccess} reads it at
 * every request, so a test changes the layout as a rebalance or a stop would.
 */
final class ClusterLayout {

    private final Map<Integer, StitchDriver> data = new TreeMap<>();
    private final Map<Integer, HostInfo> active = new HashMap<>();
    private final Map<Integer, Set<HostInfo>> standbys = new HashMap<>();
    private final Set<String> unreadable = new HashSet<>();
    private final Map<String, StitchDriver> ownCopies = new HashMap<>();
    private final Map<String, Integer> partitionOfKey = new HashMap<>();
    private volatile boolean known = true;

    /** Partition {@code partition} holds {@code stores}, its active copy on {@code activeOn}, standbys on {@code standbyOn}. */
    synchronized ClusterLayout partition(int partition, StitchDriver stores, HostInfo activeOn, HostInfo... standbyOn) {
        data.put(partition, stores);
        active.put(partition, activeOn);
        standbys.put(partition, Set.of(standbyOn));
        return this;
    }

    /** {@code key} (of any store) is in {@code partition}; a key not named is in partition 0. */
    synchronized ClusterLayout key(String key, int partition) {
        partitionOfKey.put(key, partition);
        return this;
    }

    /** The copy of {@code partition} on {@code instance} holds {@code stores}, not the partition's data: as a copy behind the others. */
    synchronized ClusterLayout copyOn(HostInfo instance, int partition, StitchDriver stores) {
        ownCopies.put(instance + "/" + partition, stores);
        return this;
    }

    /** The copy of {@code partition} on {@code instance} cannot be read, as while it is restored. */
    synchronized ClusterLayout restoring(HostInfo instance, int partition) {
        unreadable.add(instance + "/" + partition);
        return this;
    }

    /** The metadata is not known, as while the application starts. */
    ClusterLayout unknown() {
        known = false;
        return this;
    }

    /** The state as {@code self} reads it. */
    StateAccess instance(HostInfo self) {
        return new Instance(self);
    }

    private synchronized KeyReplicas replicasOf(int partition) {
        return new KeyReplicas(partition, active.get(partition), standbys.getOrDefault(partition, Set.of()));
    }

    private synchronized StitchDriver copy(HostInfo self, String storeName, int partition, Replica replica) {
        boolean isActive = self.equals(active.get(partition));
        boolean isStandby = standbys.getOrDefault(partition, Set.of()).contains(self);
        if (!isActive && !(replica == Replica.STANDBY && isStandby)) {
            throw new InvalidStateStoreException("no " + replica.label() + " copy of partition " + partition + " of " + storeName
                    + " on " + self);
        }
        if (unreadable.contains(self + "/" + partition)) {
            throw new InvalidStateStoreException("the copy of partition " + partition + " of " + storeName + " is restoring");
        }
        return ownCopies.getOrDefault(self + "/" + partition, data.get(partition));
    }

    private final class Instance implements StateAccess {
        private final HostInfo self;

        Instance(HostInfo self) {
            this.self = self;
        }

        @Override
        public HostInfo self() {
            return self;
        }

        @Override
        public Optional<KeyReplicas> replicas(String storeName, String key) {
            synchronized (ClusterLayout.this) {
                return known ? Optional.of(replicasOf(partitionOfKey.getOrDefault(key, 0))) : Optional.empty();
            }
        }

        @Override
        public Optional<List<KeyReplicas>> replicasOfEveryPartition(String storeName) {
            synchronized (ClusterLayout.this) {
                if (!known) {
                    return Optional.empty();
                }
                List<KeyReplicas> all = new ArrayList<>();
                data.keySet().forEach(partition -> all.add(replicasOf(partition)));
                return Optional.of(all);
            }
        }

        @Override
        public <K, V> ReadOnlyKeyValueStore<K, V> store(String storeName, int partition, Replica replica) {
            return copy(self, storeName, partition, replica).store(storeName);
        }

        @Override
        public <K, V> ReadOnlyKeyValueStore<K, V> localStore(String storeName) {
            throw new InvalidStateStoreException("the simulated cluster reads partitions one by one");
        }

        @Override
        public String state() {
            return known ? "RUNNING" : "REBALANCING";
        }

        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public boolean live() {
            return true;
        }
    }
}
