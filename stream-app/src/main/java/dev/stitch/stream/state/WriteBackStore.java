package dev.stitch.stream.state;

import dev.stitch.stream.errors.UnusableRecordException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.InternalProcessorContext;
import org.apache.kafka.streams.processor.internals.ProcessorRecordContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

/**
 * A write-back cache of decoded values in front of a store that its processor reads and writes for
 * nearly every record (a user's state, a user's profile): a get answers with a copy of the value held
 * in memory and a put holds the value it is given, so neither encodes nor decodes anything. What
 * changed is written down to the store beneath, each key once, when Kafka Streams flushes its caches
 * before a commit, under the record context it was put in, as Kafka Streams' own record cache does;
 * the store beneath has no cache of its own. A value put is the store's from then on: the caller does
 * not change it afterwards. A reader may change the copy it got; nothing of that is kept unless it
 * puts it, so a record whose processing fails half-way leaves the held values as they were.
 *
 * <p>Bounded: the values held take at most {@link #MAX_BYTES} of estimated heap per store (one per
 * task); the least recently used go first, written down first when changed. A value that may be near
 * the most bytes a record may take is written down at once, so that one too large is refused while its
 * record is processed, a dead letter as with any store, not at the commit.
 *
 * <p>Only the thread that writes (the one processing the task) adds what it reads: the query API's
 * threads read what is held and, for the rest, the store beneath, adding nothing, since a standby
 * replica's store beneath changes under it as its changelog is read. Reads of a range from the
 * processing thread write every change down first; from another thread they read the store beneath
 * as of the last commit. A task that moves, is recycled or closed forgets everything held.
 */
public final class WriteBackStore<K, V> extends WrappedStateStore<KeyValueStore<K, V>, K, V>
        implements KeyValueStore<K, V> {

    /** Estimated heap of the values held per store instance. */
    public static final long MAX_BYTES = 8L * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(WriteBackStore.class);
    /** The entry that holds a key and its value, roughly, beside what they take themselves. */
    private static final int ENTRY_BYTES = 80;

    /** A key's value as held: null when the store beneath has none, or is to have none. */
    private static final class Held<K, V> {
        final K key;
        V value;
        /** Whether the value is still to be written down, and the record context it was put in. */
        boolean changed;
        ProcessorRecordContext putIn;
        int bytes;

        Held(K key) {
            this.key = key;
        }
    }

    private final DecodedValues<V> values;
    private final ToIntFunction<K> keyBytes;
    private final long maxBytes;
    private final int maxRecordBytes;
    /** In order of use, least recent first. */
    private final LinkedHashMap<K, Held<K, V>> held = new LinkedHashMap<>(16, 0.75f, true);
    /** The entries changed since the last write-down, so that a commit does not look through all held. */
    private final List<Held<K, V>> changed = new ArrayList<>();
    private long heldBytes;
    /** The context's record context is set around each write-down; null for a context without one. */
    private InternalProcessorContext<?, ?> recordContexts;
    /** The thread that last wrote: the one processing the task. */
    private Thread processing;

    /** @param maxRecordBytes the most bytes a value, with its record's headers, may take in the store beneath */
    WriteBackStore(KeyValueStore<K, V> beneath, DecodedValues<V> values, ToIntFunction<K> keyBytes, long maxBytes, int maxRecordBytes) {
        super(beneath);
        this.values = values;
        this.keyBytes = keyBytes;
        this.maxBytes = maxBytes;
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * A builder of this store in front of the one {@code beneath} builds, whose own cache it turns off.
     *
     * @param keyBytes about how many bytes of heap a key takes
     */
    public static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> beneath, DecodedValues<V> values,
                                                                   ToIntFunction<K> keyBytes, int maxRecordBytes) {
        return builder(beneath, values, keyBytes, maxRecordBytes, MAX_BYTES);
    }

    static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> beneath, DecodedValues<V> values,
                                                            ToIntFunction<K> keyBytes, int maxRecordBytes, long maxBytes) {
        return new Builder<>(beneath.withCachingDisabled(), values, keyBytes, maxRecordBytes, maxBytes);
    }

    /** About how many bytes of heap a string key takes. */
    public static int stringKeyBytes(String key) {
        return 40 + 2 * key.length();
    }

    @Override
    public synchronized void init(StateStoreContext context, StateStore root) {
        forgetAll();
        recordContexts = context instanceof InternalProcessorContext<?, ?> internal ? internal : null;
        super.init(context, root);
    }

    @Override
    public synchronized V get(K key) {
        Held<K, V> entry = held.get(key);
        if (entry != null) {
            return entry.value == null ? null : values.copy(entry.value);
        }
        V stored = wrapped().get(key);
        if (Thread.currentThread() != processing) {
            return stored;
        }
        hold(key, stored, false);
        return stored == null ? null : values.copy(stored);
    }

    @Override
    public synchronized void put(K key, V value) {
        processing = Thread.currentThread();
        if (value != null && values.maxEncodedBytes(value) + headerBytes() > maxRecordBytes) {
            wrapped().put(key, value);
            hold(key, value, false);
            return;
        }
        hold(key, value, true);
    }

    @Override
    public synchronized V putIfAbsent(K key, V value) {
        V before = get(key);
        if (before == null) {
            put(key, value);
        }
        return before;
    }

    @Override
    public synchronized void putAll(List<KeyValue<K, V>> entries) {
        entries.forEach(entry -> put(entry.key, entry.value));
    }

    @Override
    public synchronized V delete(K key) {
        V before = get(key);
        if (before != null) {
            put(key, null);
        }
        return before;
    }

    @Override
    public synchronized KeyValueIterator<K, V> range(K from, K to) {
        writeDownForProcessing();
        return wrapped().range(from, to);
    }

    @Override
    public synchronized KeyValueIterator<K, V> reverseRange(K from, K to) {
        writeDownForProcessing();
        return wrapped().reverseRange(from, to);
    }

    @Override
    public synchronized KeyValueIterator<K, V> all() {
        writeDownForProcessing();
        return wrapped().all();
    }

    @Override
    public synchronized KeyValueIterator<K, V> reverseAll() {
        writeDownForProcessing();
        return wrapped().reverseAll();
    }

    @Override
    public synchronized <PS extends Serializer<P>, P> KeyValueIterator<K, V> prefixScan(P prefix, PS prefixKeySerializer) {
        writeDownForProcessing();
        return wrapped().prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries();
    }

    /** Before a commit: every change goes down to the store beneath, and so to its changelog. */
    @Override
    public synchronized void flushCache() {
        writeDownAll();
        super.flushCache();
    }

    /** On a recycle of the task: what is held may be out of date from now on. */
    @Override
    public synchronized void clearCache() {
        forgetAll();
        super.clearCache();
    }

    /** A clean close commits first; a dirty one must not write down what was not committed. */
    @Override
    public synchronized void close() {
        forgetAll();
        super.close();
    }

    private void hold(K key, V value, boolean changes) {
        Held<K, V> entry = held.get(key);
        if (entry == null) {
            entry = new Held<>(key);
            held.put(key, entry);
        } else {
            heldBytes -= entry.bytes;
        }
        entry.value = value;
        if (changes) {
            if (!entry.changed) {
                changed.add(entry);
            }
            entry.changed = true;
            entry.putIn = recordContexts == null ? null : recordContexts.recordContext();
        } else {
            // The store beneath holds this value: read from it, or just written to it.
            entry.changed = false;
            entry.putIn = null;
        }
        entry.bytes = ENTRY_BYTES + keyBytes.applyAsInt(key) + (value == null ? 0 : values.estimatedBytes(value));
        heldBytes += entry.bytes;
        makeRoom();
    }

    private void makeRoom() {
        Iterator<Map.Entry<K, Held<K, V>>> leastRecent = held.entrySet().iterator();
        while (heldBytes > maxBytes && held.size() > 1) {
            Map.Entry<K, Held<K, V>> eldest = leastRecent.next();
            writeDown(eldest.getKey(), eldest.getValue());
            heldBytes -= eldest.getValue().bytes;
            leastRecent.remove();
        }
    }

    /** At least the bytes the current record's headers add to a value written now (the serde counts them). */
    private int headerBytes() {
        if (recordContexts == null || recordContexts.recordContext() == null) {
            return 0;
        }
        int bytes = 0;
        for (Header header : recordContexts.headers()) {
            bytes += 3 * header.key().length() + (header.value() == null ? 0 : header.value().length);
        }
        return bytes;
    }

    private void writeDownForProcessing() {
        if (Thread.currentThread() == processing) {
            writeDownAll();
        }
    }

    private void writeDownAll() {
        for (Held<K, V> entry : changed) {
            // An entry that left memory was written down as it left.
            if (!writeDown(entry.key, entry) && held.remove(entry.key, entry)) {
                heldBytes -= entry.bytes;
            }
        }
        changed.clear();
    }

    /** @return false when the store beneath refused the value: it keeps the one it had, and so must memory */
    private boolean writeDown(K key, Held<K, V> entry) {
        if (!entry.changed) {
            return true;
        }
        ProcessorRecordContext current = entry.putIn == null ? null : recordContexts.recordContext();
        if (entry.putIn != null) {
            recordContexts.setRecordContext(entry.putIn);
        }
        boolean written = true;
        try {
            wrapped().put(key, entry.value);
        } catch (UnusableRecordException e) {
            // Values near the bound were written at their put: this is one whose size the bound misjudged.
            LOG.error("A value of store {} for key {} was refused at the commit and dropped: {}", name(), key, e.getMessage());
            written = false;
        } finally {
            if (entry.putIn != null) {
                recordContexts.setRecordContext(current);
            }
        }
        entry.changed = false;
        entry.putIn = null;
        return written;
    }

    private void forgetAll() {
        held.clear();
        changed.clear();
        heldBytes = 0;
        processing = null;
    }

    private static final class Builder<K, V> implements StoreBuilder<KeyValueStore<K, V>> {

        private final StoreBuilder<KeyValueStore<K, V>> beneath;
        private final DecodedValues<V> values;
        private final ToIntFunction<K> keyBytes;
        private final int maxRecordBytes;
        private final long maxBytes;

        Builder(StoreBuilder<KeyValueStore<K, V>> beneath, DecodedValues<V> values, ToIntFunction<K> keyBytes, int maxRecordBytes,
                long maxBytes) {
            this.beneath = beneath;
            this.values = values;
            this.keyBytes = keyBytes;
            this.maxRecordBytes = maxRecordBytes;
            this.maxBytes = maxBytes;
        }

        /** This store is the cache: the one beneath stays without its own. */
        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
            beneath.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
            beneath.withLoggingDisabled();
            return this;
        }

        @Override
        public KeyValueStore<K, V> build() {
            return new WriteBackStore<>(beneath.build(), values, keyBytes, maxBytes, maxRecordBytes);
        }

        @Override
        public Map<String, String> logConfig() {
            return beneath.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return beneath.loggingEnabled();
        }

        @Override
        public String name() {
            return beneath.name();
        }
    }
}
