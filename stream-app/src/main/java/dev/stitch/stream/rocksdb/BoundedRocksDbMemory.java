package dev.stitch.stream.rocksdb;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

import java.util.Map;

/**
 * Bounds the memory of every RocksDB store of the application together: one block cache shared by
 * all stores, with the write buffers (memtables) charged to it, and index and filter blocks kept in
 * it too. Without this each store instance (stores x partitions x segments) takes its own cache and
 * memtables, and memory grows with the partition count.
 *
 * <p>The total is read from {@value #TOTAL_BYTES_CONFIG} in the streams configuration, once per JVM.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {

    public static final String TOTAL_BYTES_CONFIG = "stitch.rocksdb.memory.bytes";
    public static final long DEFAULT_TOTAL_BYTES = 256L * 1024 * 1024;
    /** Share of the total that write buffers may take. */
    private static final double WRITE_BUFFER_RATIO = 0.25;
    /** Share of the cache reserved for index and filter blocks, kept at high priority. */
    private static final double HIGH_PRIORITY_RATIO = 0.1;
    private static final long MEMTABLE_BYTES = 16L * 1024 * 1024;
    private static final int MAX_MEMTABLES = 3;

    private static Cache cache;
    private static WriteBufferManager writeBufferManager;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        shareMemory(totalBytes(configs));
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferManager(writeBufferManager);
        options.setWriteBufferSize(MEMTABLE_BYTES);
        options.setMaxWriteBufferNumber(MAX_MEMTABLES);
        options.setTableFormatConfig(table);
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and write-buffer manager are shared by every store: closing them here would pull
        // them from under the stores still open.
    }

    private static synchronized void shareMemory(long totalBytes) {
        if (cache == null) {
            cache = new LRUCache(totalBytes, -1, false, HIGH_PRIORITY_RATIO);
            writeBufferManager = new WriteBufferManager((long) (totalBytes * WRITE_BUFFER_RATIO), cache);
        }
    }

    private static long totalBytes(Map<String, Object> configs) {
        Object value = configs.get(TOTAL_BYTES_CONFIG);
        return value == null ? DEFAULT_TOTAL_BYTES : Long.parseLong(value.toString());
    }
}
