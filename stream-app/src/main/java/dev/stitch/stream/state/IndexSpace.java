package dev.stitch.stream.state;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The entries of a store kept under keys that begin with {@code 0xFF}, a byte that neither UTF-8 text
 * nor a batch number begins with: an index living in the database of the data it indexes.
 */
public final class IndexSpace {

    private static final byte PREFIX = (byte) 0xFF;

    private final KeyValueStore<Bytes, byte[]> database;

    IndexSpace(KeyValueStore<Bytes, byte[]> database) {
        this.database = database;
    }

    public byte[] get(Bytes key) {
        return database.get(prefixed(key));
    }

    public void put(Bytes key, byte[] value) {
        database.put(prefixed(key), value);
    }

    public void delete(Bytes key) {
        database.delete(prefixed(key));
    }

    /** The entries whose keys begin with {@code prefix}, in key order, with their keys as given to {@link #put}. */
    public KeyValueIterator<Bytes, byte[]> prefixScan(Bytes prefix) {
        return unprefixed(database.prefixScan(prefixed(prefix), (Serializer<Bytes>) (topic, bytes) -> bytes.get()));
    }

    /** Every entry, in key order: the index's keys are the database's last. */
    public KeyValueIterator<Bytes, byte[]> all() {
        return unprefixed(database.range(prefixed(Bytes.wrap(new byte[0])), null));
    }

    private static KeyValueIterator<Bytes, byte[]> unprefixed(KeyValueIterator<Bytes, byte[]> entries) {
        return new KeyValueIterator<>() {
            @Override
            public boolean hasNext() {
                return entries.hasNext();
            }

            @Override
            public KeyValue<Bytes, byte[]> next() {
                KeyValue<Bytes, byte[]> entry = entries.next();
                return KeyValue.pair(unprefixed(entry.key), entry.value);
            }

            @Override
            public Bytes peekNextKey() {
                return unprefixed(entries.peekNextKey());
            }

            @Override
            public void close() {
                entries.close();
            }
        };
    }

    /** As many as the database's own estimate, which counts the entries it indexes too: an upper bound. */
    public long approximateNumEntries() {
        return database.approximateNumEntries();
    }

    static Bytes prefixed(Bytes key) {
        byte[] bytes = key.get();
        byte[] prefixed = new byte[bytes.length + 1];
        prefixed[0] = PREFIX;
        System.arraycopy(bytes, 0, prefixed, 1, bytes.length);
        return Bytes.wrap(prefixed);
    }

    private static Bytes unprefixed(Bytes key) {
        byte[] bytes = key.get();
        byte[] unprefixed = new byte[bytes.length - 1];
        System.arraycopy(bytes, 1, unprefixed, 0, unprefixed.length);
        return Bytes.wrap(unprefixed);
    }
}
