package dev.stitch.stream.api;

import dev.stitch.stream.topology.StitchDriver;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The query API's view of a {@link StitchDriver}: one instance that owns every key, always running. */
final class DriverStateAccess implements StateAccess {

    private final StitchDriver driver;

    DriverStateAccess(StitchDriver driver) {
        this.driver = driver;
    }

    /** This instance, as the metadata would name it. */
    static final HostInfo SELF = new HostInfo("driver", 0);

    @Override
    public HostInfo self() {
        return SELF;
    }

    @Override
    public Optional<KeyReplicas> replicas(String storeName, String key) {
        return Optional.of(new KeyReplicas(0, SELF, Set.of()));
    }

    @Override
    public Optional<List<KeyReplicas>> replicasOfEveryPartition(String storeName) {
        return Optional.of(List.of(new KeyReplicas(0, SELF, Set.of())));
    }

    @Override
    public <K, V> ReadOnlyKeyValueStore<K, V> store(String storeName, int partition, Replica replica) {
        return driver.store(storeName);
    }

    @Override
    public <K, V> ReadOnlyKeyValueStore<K, V> localStore(String storeName) {
        return driver.store(storeName);
    }

    @Override
    public String state() {
        return "RUNNING";
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
