package dev.stitch.stream.state;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The memory of R9: the {@link SeenBatch batches} of messageIds, which are what the changelog carries
 * (a batch a key, so a commit writes each batch it touched once), and the index beside them in the
 * same database, from each messageId to its {@link Sighting}, with no changelog of its own
 * ({@link IndexedStore}). The active task writes an id's sighting at once; its writes of batches
 * reach this store when Kafka Streams' record cache flushes them, and the changelog from here.
 */
public final class SeenMessages extends IndexedStore {

    /** The index key of the number of the latest batch begun: no messageId is empty. */
    private static final Bytes FILLING = Bytes.wrap(new byte[0]);

    /** The greatest batch number among those begun and those restored in the batch being restored. */
    private long restoredUpTo;

    public SeenMessages(KeyValueStore<Bytes, byte[]> inner) {
        super(inner);
    }

    /** Kafka Streams' persistent store of this name, with the index beside its batches. */
    public static KeyValueBytesStoreSupplier supplier(String name) {
        return IndexedSupplier.of(Stores.persistentKeyValueStore(name), SeenMessages::new);
    }

    /** This store under the layers Kafka Streams puts around it, as a processor gets it from its context. */
    public static SeenMessages within(StateStore store) {
        return within(store, SeenMessages.class);
    }

    /** The latest sighting in the index of the messageId whose UTF-8 this is; null if there is none. */
    public Sighting sighting(byte[] messageId) {
        byte[] stored = index().get(Bytes.wrap(messageId));
        return stored == null ? null : Sighting.decoded(stored);
    }

    /** Writes the id's sighting into the index, without a changelog record: the batch that holds the id has one. */
    public void remember(byte[] messageId, Sighting sighting) {
        index().put(Bytes.wrap(messageId), sighting.encoded());
    }

    /** Removes the id from the index unless it was seen again since: then a later batch holds it. */
    public void forget(SeenBatch.Entry entry) {
        byte[] messageId = utf8(entry.messageId());
        Sighting stored = sighting(messageId);
        if (stored != null && stored.time() == entry.time()) {
            index().delete(Bytes.wrap(messageId));
        }
    }

    /** The number of the latest batch begun, or -1 before the first. */
    public long filling() {
        byte[] stored = index().get(FILLING);
        return stored == null ? -1 : ByteBuffer.wrap(stored).getLong();
    }

    /** Notes that batch {@code number} is begun, so that a restart begins a later one. */
    public void begin(long number) {
        index().put(FILLING, ByteBuffer.allocate(Long.BYTES).putLong(number).array());
    }

    /**
     * A batch's ids are indexed as seen committed (later batches hold later sightings, so the last write
     * wins), and a deleted batch's ids leave the index with it.
     */
    @Override
    protected void restored(String topic, Bytes key, byte[] replaced, byte[] value) {
        if (value != null) {
            for (SeenBatch.Entry entry : SeenBatch.entries(value)) {
                remember(utf8(entry.messageId()), Sighting.committed(entry.time()));
            }
            restoredUpTo = Math.max(restoredUpTo, SeenBatch.number(key));
        } else if (replaced != null) {
            SeenBatch.entries(replaced).forEach(this::forget);
        }
    }

    @Override
    protected void beginRestoredBatch() {
        restoredUpTo = filling();
    }

    /** The latest batch restored is the latest begun, so that the task, once it runs here, begins a later one. */
    @Override
    protected void endRestoredBatch() {
        if (restoredUpTo >= 0) {
            begin(restoredUpTo);
        }
    }

    private static byte[] utf8(String messageId) {
        return messageId.getBytes(StandardCharsets.UTF_8);
    }
}
