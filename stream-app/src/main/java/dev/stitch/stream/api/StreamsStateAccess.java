package dev.stitch.stream.api;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * State access through Kafka Streams interactive queries: the metadata says which instance's
 * {@code application.server} processes each partition and which keep standby copies; this instance
 * reads its own copies, the standby ones through Kafka Streams' stale stores.
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
    public HostInfo self() {
        return self;
    }

    @Override
    public Optional<KeyReplicas> replicas(String storeName, String key) {
        try {
            return replicasOf(streams.queryMetadataForKey(storeName, key, KEY_SERIALIZER));
        } catch (IllegalStateException | InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    /**
     * Kafka Streams answers metadata by key only; a partitioner that names the partition asks for that
     * partition's. The first question learns how many partitions the store has.
     */
    @Override
    public Optional<List<KeyReplicas>> replicasOfEveryPartition(String storeName) {
        try {
            AtomicInteger partitions = new AtomicInteger();
            if (replicasOf(streams.queryMetadataForKey(storeName, "", partitionCounter(partitions))).isEmpty()) {
                return Optional.empty();
            }
            List<KeyReplicas> all = new ArrayList<>(partitions.get());
            for (int partition = 0; partition < partitions.get(); partition++) {
                Optional<KeyReplicas> replicas = replicasOf(streams.queryMetadataForKey(storeName, "", partition(partition)));
                if (replicas.isEmpty()) {
                    return Optional.empty();
                }
                all.add(replicas.get());
            }
            return Optional.of(all);
        } catch (IllegalStateException | InvalidStateStoreException e) {
            return Optional.empty();
        }
    }

    private static StreamPartitioner<String, Object> partitionCounter(AtomicInteger partitions) {
        return (topic, key, value, count) -> {
            partitions.set(count);
            return Optional.of(Set.of(0));
        };
    }

    private static StreamPartitioner<String, Object> partition(int partition) {
        return (topic, key, value, count) -> Optional.of(Set.of(partition));
    }

    private static Optional<KeyReplicas> replicasOf(KeyQueryMetadata metadata) {
        if (metadata == null || KeyQueryMetadata.NOT_AVAILABLE.equals(metadata)) {
            return Optional.empty();
        }
        HostInfo active = HostInfo.unavailable().equals(metadata.activeHost()) ? null : metadata.activeHost();
        return Optional.of(new KeyReplicas(metadata.partition(), active, metadata.standbyHosts()));
    }

    @Override
    public <K, V> ReadOnlyKeyValueStore<K, V> store(String storeName, int partition, Replica replica) {
        StoreQueryParameters<ReadOnlyKeyValueStore<K, V>> parameters = StoreQueryParameters
                .fromNameAndType(storeName, QueryableStoreTypes.<K, V>keyValueStore())
                .withPartition(partition);
        return streams.store(replica == Replica.STANDBY ? parameters.enableStaleStores() : parameters);
    }

    @Override
    public <K, V> ReadOnlyKeyValueStore<K, V> localStore(String storeName) {
        return streams.store(StoreQueryParameters.fromNameAndType(storeName, QueryableStoreTypes.<K, V>keyValueStore()));
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
