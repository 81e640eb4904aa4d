package dev.stitch.stream.state;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsMetrics;
import org.apache.kafka.streams.processor.CommitCallback;
import org.apache.kafka.streams.processor.StateRestoreCallback;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;

import java.io.File;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The context a store is initialised with, but for one thing: each batch of changelog records the
 * store's restore callback gets (on a restore, and continuously on a standby replica) is shown to
 * {@code tap} first. Kafka Streams' own stores restore through its internal record-batching callback,
 * the only kind this accepts.
 */
final class RestoreTap implements StateStoreContext {

    private final StateStoreContext context;
    private final Consumer<Collection<ConsumerRecord<byte[], byte[]>>> tap;

    RestoreTap(StateStoreContext context, Consumer<Collection<ConsumerRecord<byte[], byte[]>>> tap) {
        this.context = context;
        this.tap = tap;
    }

    @Override
    public void register(StateStore store, StateRestoreCallback callback) {
        context.register(store, tapped(callback));
    }

    @Override
    public void register(StateStore store, StateRestoreCallback callback, CommitCallback onCommit) {
        context.register(store, tapped(callback), onCommit);
    }

    private StateRestoreCallback tapped(StateRestoreCallback callback) {
        if (!(callback instanceof RecordBatchingStateRestoreCallback batches)) {
            throw new IllegalStateException("A store restoring through " + callback.getClass().getName()
                    + " cannot have its restored records tapped; Kafka Streams' own stores restore in record batches");
        }
        return (RecordBatchingStateRestoreCallback) records -> {
            tap.accept(records);
            batches.restoreBatch(records);
        };
    }

    @Override
    public String applicationId() {
        return context.applicationId();
    }

    @Override
    public TaskId taskId() {
        return context.taskId();
    }

    @Override
    public Optional<RecordMetadata> recordMetadata() {
        return context.recordMetadata();
    }

    @Override
    public Serde<?> keySerde() {
        return context.keySerde();
    }

    @Override
    public Serde<?> valueSerde() {
        return context.valueSerde();
    }

    @Override
    public File stateDir() {
        return context.stateDir();
    }

    @Override
    public StreamsMetrics metrics() {
        return context.metrics();
    }

    @Override
    public Map<String, Object> appConfigs() {
        return context.appConfigs();
    }

    @Override
    public Map<String, Object> appConfigsWithPrefix(String prefix) {
        return context.appConfigsWithPrefix(prefix);
    }
}
