package dev.stitch.stream.api;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * State access through Kafka Streams interactive queries: the metadata says which instance's
 * {@code application.server} owns a key; this instance reads its own partitions' stores.
 */
final class StreamsStateAccess implements StateAccess {

    /** Every store the API reads is partitioned by a string key, produced with the string serializer. */
    private static final Serializer<String> KEY_SERIALIZER = new StringSerializer();

    private final KafkaStreams streams;
    private final HostInfo self;

    StreamsStateAccess(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
    }

    @Override
    public Location locate(String storeName, String key) {
        KeyQueryMetadata owner;
        try {
            owner = streams.queryMetadataForKey(storeName, key, KEY_SERIALIZER);
        } catch (IllegalStateException e) {
            return new Location.Unavailable("the application is " + streams.state());
        }
        if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner)) {
            return new Location.Unavailable("the partitions are being assigned");
        }
        HostInfo active = owner.activeHost();
        if (self.equals(active)) {
            return new Location.Local(owner.partition());
        }
        return new Location.Remote(active.host(), active.port());
    }

    @Override
    public <K, V> ReadOnlyKeyValueStore<K, V> store(String storeName, int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.<K, V>keyValueStore())
                .withPartition(partition));
    }

    @Override
    public <K, V> ReadOnlyKeyValueStore<K, V> localStore(String storeName) {
        return streams.store(StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.<K, V>keyValueStore()));
    }

    @Override
    public Optional<List<Location.Remote>> otherInstances() {
        if (!streams.state().isRunningOrRebalancing()) {
            return Optional.empty();
        }
        Collection<StreamsMetadata> clients = streams.metadataForAllStreamsClients();
        if (clients.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(clients.stream()
                .map(StreamsMetadata::hostInfo)
                .filter(host -> !host.equals(self) && !host.equals(HostInfo.unavailable()))
                .distinct()
                .map(host -> new Location.Remote(host.host(), host.port()))
                .toList());
    }

    @Override
    public String state() {
        return streams.state().name();
    }

    @Override
    public boolean ready() {
        KafkaStreams.State state = streams.state();
        return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    }

    @Override
    public boolean live() {
        return streams.state().isRunningOrRebalancing() || streams.state() == KafkaStreams.State.CREATED;
    }
}
