package dev.stitch.stream.state;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.function.Function;

/** Supplies an {@link IndexedStore} over each database another supplier makes, under that supplier's name and metrics. */
final class IndexedSupplier {

    private IndexedSupplier() {
    }

    static KeyValueBytesStoreSupplier of(KeyValueBytesStoreSupplier databases, Function<KeyValueStore<Bytes, byte[]>, IndexedStore> store) {
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return databases.name();
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return store.apply(databases.get());
            }

            @Override
            public String metricsScope() {
                return databases.metricsScope();
            }
        };
    }
}
