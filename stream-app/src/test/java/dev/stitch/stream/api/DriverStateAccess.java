package dev.stitch.stream.api;

import dev.stitch.stream.topology.StitchDriver;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.util.List;
import java.util.Optional;

/** The query API's view of a {@link StitchDriver}: one instance that owns every key, always running. */
final class DriverStateAccess implements StateAccess {

    private final StitchDriver driver;

    DriverStateAccess(StitchDriver driver) {
        this.driver = driver;
    }

    @Override
    public Location locate(String storeName, String key) {
        return new Location.Local(0);
    }

    @Override
    public <K, V> ReadOnlyKeyValueStore<K, V> store(String storeName, int partition) {
        return driver.store(storeName);
    }

    @Override
    public <K, V> ReadOnlyKeyValueStore<K, V> localStore(String storeName) {
        return driver.store(storeName);
    }

    @Override
    public Optional<List<Location.Remote>> otherInstances() {
        return Optional.of(List.of());
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
