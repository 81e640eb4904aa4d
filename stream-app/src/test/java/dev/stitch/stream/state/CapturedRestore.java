package dev.stitch.stream.state;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.internals.RecordBatchingStateRestoreCallback;

import java.io.File;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

/**
 * A store initialised outside Kafka Streams with the restore callback it registers kept, so that a
 * test can hand it changelog records as a restore or a standby replica would.
 */
public final class CapturedRestore {

    private RecordBatchingStateRestoreCallback callback;

    /**
     * @param context       the context to initialise with, but for the registration
     * @param taskDirectory what the store is told its task's state directory is
     */
    public CapturedRestore(StateStore store, StateStoreContext context, File taskDirectory) {
        store.init((StateStoreContext) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{StateStoreContext.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("register")) {
                        callback = (RecordBatchingStateRestoreCallback) args[1];
                        return null;
                    }
                    return method.getName().equals("stateDir") ? taskDirectory : method.invoke(context, args);
                }), store);
    }

    /** Restores these records, in one batch. */
    public void read(List<ConsumerRecord<byte[], byte[]>> records) {
        callback.restoreBatch(new ArrayList<>(records));
    }
}
