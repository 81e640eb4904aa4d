package dev.stitch.stream.state;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
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
import org.apache.kafka.streams.state.internals.WrappedStateStore;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A store whose database holds, beside its entries, an index of them that has no changelog of its own
 * ({@link IndexSpace}). The processor writes the index as it writes the entries; every restore and
 * every standby replica writes it from the changelog records it reads, before the entries themselves
 * ({@link #restored}). So the index is as complete as the entries wherever the task runs, a standby
 * that takes over is ready at once, and a crash cannot part the two: one database loses a tail of its
 * writes or none.
 *
 * <p>Kafka Streams wraps the store in its layers of metrics, cache and changelog like any other; the
 * store's own interface sees the entries only, whose keys all lie below {@code 0xFE} (UTF-8 text,
 * batch numbers).
 */
public abstract class IndexedStore implements KeyValueStore<Bytes, byte[]> {

    /** Above every entry's key and below every index key. */
    private static final Bytes LAST_ENTRY_KEY = Bytes.wrap(new byte[]{(byte) 0xFE});
    /**
     * Below every key. A range is always given its lower bound: Kafka Streams 4.4's transactional
     * RocksDB store ignores the upper bound of a range without one once the keys are committed.
     */
    private static final Bytes FIRST_KEY = Bytes.wrap(new byte[0]);

    private final KeyValueStore<Bytes, byte[]> inner;
    private final IndexSpace index;

    /** @param inner the database of both: Kafka Streams' RocksDB store, or any store in a test */
    protected IndexedStore(KeyValueStore<Bytes, byte[]> inner) {
        this.inner = inner;
        this.index = new IndexSpace(inner);
    }

    /** The store of this class under the layers Kafka Streams puts around it, as a processor gets it from its context. */
    static <S extends IndexedStore> S within(StateStore store, Class<S> type) {
        StateStore layer = store;
        while (!type.isInstance(layer) && layer instanceof WrappedStateStore<?, ?, ?> wrapping) {
            layer = wrapping.wrapped();
        }
        if (type.isInstance(layer)) {
            return type.cast(layer);
        }
        throw new IllegalArgumentException("The store " + store.name() + " is not a " + type.getSimpleName());
    }

    public IndexSpace index() {
        return index;
    }

    /**
     * Takes one changelog record a restore or a standby reads into the index, before it is written.
     *
     * @param replaced the entry it replaces: as stored, or as an earlier record of the same batch left it; null for none
     * @param value    the entry it writes; null for a deletion
     */
    protected abstract void restored(String topic, Bytes key, byte[] replaced, byte[] value);

    /** Before the records of a batch the restore callback got: nothing by default. */
    protected void beginRestoredBatch() {
    }

    /** After them, before they are written: nothing by default. */
    protected void endRestoredBatch() {
    }

    private void restoring(Collection<ConsumerRecord<byte[], byte[]>> records) {
        beginRestoredBatch();
        Map<Bytes, byte[]> restoredHere = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Bytes key = Bytes.wrap(record.key());
            restored(record.topic(), key, restoredHere.containsKey(key) ? restoredHere.get(key) : inner.get(key), record.value());
            restoredHere.put(key, record.value());
        }
        endRestoredBatch();
    }

    private static Bytes entriesFrom(Bytes from) {
        return from == null ? FIRST_KEY : from;
    }

    private static Bytes entriesUpTo(Bytes to) {
        return to == null || to.compareTo(LAST_ENTRY_KEY) > 0 ? LAST_ENTRY_KEY : to;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        inner.init(new RestoreTap(context, this::restoring), root);
    }

    @Override
    public void put(Bytes key, byte[] value) {
        inner.put(key, value);
    }

    @Override
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        return inner.putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        inner.putAll(entries);
    }

    @Override
    public byte[] delete(Bytes key) {
        return inner.delete(key);
    }

    @Override
    public byte[] get(Bytes key) {
        return inner.get(key);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return inner.range(entriesFrom(from), entriesUpTo(to));
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return inner.reverseRange(entriesFrom(from), entriesUpTo(to));
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return inner.range(FIRST_KEY, LAST_ENTRY_KEY);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return inner.reverseRange(FIRST_KEY, LAST_ENTRY_KEY);
    }

    @Override
    public long approximateNumEntries() {
        return inner.approximateNumEntries();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void flush() {
        inner.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        inner.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return inner.committedOffset(partition);
    }

    @Override
    public boolean managesOffsets() {
        return inner.managesOffsets();
    }

    @Override
    public long approximateNumUncommittedBytes() {
        return inner.approximateNumUncommittedBytes();
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }
}
