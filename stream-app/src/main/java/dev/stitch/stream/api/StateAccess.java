package dev.stitch.stream.api;

import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.List;
import java.util.Optional;

/** The application's state as the query API reads it: where a key lives, and the local stores. */
interface StateAccess {

    /** Where {@code key} of {@code storeName} lives. */
    Location locate(String storeName, String key);

    /**
     * The local store of one partition.
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store cannot be read (rebalancing)
     */
    <K, V> ReadOnlyKeyValueStore<K, V> store(String storeName, int partition);

    /**
     * The store of all of this instance's own partitions together, for the look-ups that every
     * instance answers for its part (a search).
     *
     * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store cannot be read (rebalancing)
     */
    <K, V> ReadOnlyKeyValueStore<K, V> localStore(String storeName);

    /** The other instances of the application, as Kafka Streams' metadata names them; empty while they are not known. */
    Optional<List<Location.Remote>> otherInstances();

    /** The application's state, as health answers name it. */
    String state();

    /** Whether the application can serve queries (it is running, or rebalancing for a moment). */
    boolean ready();

    /** Whether the application is alive: false once it failed and stopped, so that it gets restarted. */
    boolean live();
}
