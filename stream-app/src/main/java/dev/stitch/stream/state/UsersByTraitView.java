package dev.stitch.stream.state;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.io.File;
import java.util.List;

/**
 * The users-by-trait store as the query API and tests see it: the entries {@link IndexedProfiles}
 * keeps beside the task's profiles, read and written there. It has no database, changelog or cache
 * of its own, so it is as current as the profiles on an active task and on a standby alike.
 */
final class UsersByTraitView implements KeyValueStore<Bytes, byte[]> {

    private final String name;
    private final ProfileStores stores;
    private File taskDirectory;
    private boolean open;

    UsersByTraitView(String name, ProfileStores stores) {
        this.name = name;
        this.stores = stores;
    }

    private IndexSpace entries() {
        return stores.index(taskDirectory);
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        taskDirectory = context.stateDir();
        context.register(root, (key, value) -> {
            throw new IllegalStateException("The users-by-trait store has no changelog to restore from");
        });
        open = true;
    }

    @Override
    public byte[] get(Bytes key) {
        return entries().get(key);
    }

    @Override
    public void put(Bytes key, byte[] value) {
        if (value == null) {
            entries().delete(key);
        } else {
            entries().put(key, value);
        }
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        byte[] present = get(key);
        if (present == null) {
            put(key, value);
        }
        return present;
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        entries.forEach(entry -> put(entry.key, entry.value));
    }

    @Override
    public byte[] delete(Bytes key) {
        byte[] present = get(key);
        entries().delete(key);
        return present;
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
        return entries().prefixScan(Bytes.wrap(prefixKeySerializer.serialize(null, prefix)));
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return entries().all();
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        throw new UnsupportedOperationException("The users-by-trait store is read by prefix");
    }

    @Override
    public long approximateNumEntries() {
        return entries().approximateNumEntries();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void close() {
        open = false;
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return QueryResult.forUnknownQueryType(query, this);
    }

    @Override
    public Position getPosition() {
        return Position.emptyPosition();
    }
}
