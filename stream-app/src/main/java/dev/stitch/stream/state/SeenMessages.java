package dev.stitch.stream.state;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

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

    /** The id's latest sighting in the index; null if there is none. */
    public Sighting sighting(String messageId) {
        byte[] stored = index().get(idKey(messageId));
        return stored == null ? null : Sighting.decoded(stored);
    }

    /** Writes the id's sighting into the index, without a changelog record: the batch that holds the id has one. */
    public void remember(String messageId, Sighting sighting) {
        index().put(idKey(messageId), sighting.encoded());
    }

    /** Removes the id from the index unless it was seen again since: then a later batch holds it. */
    public void forget(SeenBatch.Entry entry) {
        Sighting stored = sighting(entry.messageId());
        if (stored != null && stored.time() == entry.time()) {
            index().delete(idKey(entry.messageId()));
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
    protected void restoring(Collection<ConsumerRecord<byte[], byte[]>> records) {
        Map<Bytes, byte[]> restoredHere = new HashMap<>();
        long filling = filling();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Bytes key = Bytes.wrap(record.key());
            if (record.value() == null) {
                byte[] deleted = restoredHere.containsKey(key) ? restoredHere.get(key) : stored(key);
                if (deleted != null) {
                    SeenBatch.entries(deleted).forEach(this::forget);
                }
            } else {
                for (SeenBatch.Entry entry : SeenBatch.entries(record.value())) {
                    remember(entry.messageId(), Sighting.committed(entry.time()));
                }
                filling = Math.max(filling, SeenBatch.number(key));
            }
            restoredHere.put(key, record.value());
        }
        if (filling >= 0) {
            begin(filling);
        }
    }

    private static Bytes idKey(String messageId) {
        return Bytes.wrap(messageId.getBytes(StandardCharsets.UTF_8));
    }
}
