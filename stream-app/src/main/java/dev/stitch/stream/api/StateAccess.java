package dev.stitch.stream.api;

import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.List;
import java.util.Optional;

/** The application's state as the query API reads it: where each partition's copies live, and the local stores. */
interface StateAccess {

    /** This instance, as the metadata names it ({@code application.server}). */
    HostInfo self();

    /** The copies of the partition that holds {@code key} of {@code storeName}; empty while the metadata is not known. */
    Optional<KeyReplicas> replicas(String storeName, String key);

    /** The copies of every partition of {@code storeName}, by partition; empty while the metadata is not known. */
    Optional<List<KeyReplicas>> replicasOfEveryPartition(String storeName);

    /**
     * Where {@code key} of {@code storeName} can be read, best first ({@link KeyReplicas#places}); a
     * single {@link Location.Unavailable} when nowhere.
     */
    default List<Location> locate(String storeName, String key, boolean forwarded) {
        Optional<KeyReplicas> replicas = replicas(storeName, key);
        if (replicas.isEmpty()) {
            return List.of(new Location.Unavailable("the application is " + state() + " and its partitions are being assigned"));
        }
        List<Location> places = replicas.get().places(self(), forwarded);
        if (places.isEmpty()) {
            return List.of(new Location.Unavailable(forwarded
                    ? "it was forwarded here, where partition " + replicas.get().partition() + " is not (it is moving between instances)"
                    : "no instance holds partition " + replicas.get().partition() + " just now"));
        }
        return places;
    }

    /**
     * The local copy of one partition's store.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while that copy cannot be read
     *         (restoring, rebalancing, or not on this instance)
     */
    <K, V> ReadOnlyKeyValueStore<K, V> store(String storeName, int partition, Replica replica);

    /** The active copy of one partition's store ({@link #store(String, int, Replica)}). */
    default <K, V> ReadOnlyKeyValueStore<K, V> store(String storeName, int partition) {
        return store(storeName, partition, Replica.ACTIVE);
    }

    /**
     * The store of all of this instance's own active partitions together, for a search another
     * instance asks without naming the partitions.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store cannot be read (rebalancing)
     */
    <K, V> ReadOnlyKeyValueStore<K, V> localStore(String storeName);

    /** The application's state, as health answers name it. */
    String state();

    /** Whether the application can serve queries (it is running, or rebalancing for a moment). */
    boolean ready();

    /** Whether the application is alive: false once it failed and stopped, so that it gets restarted. */
    boolean live();
}
