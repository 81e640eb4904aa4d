package dev.stitch.benchmark;

import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.ConfigOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.OptionsUtil;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * What the state stores of a closed Kafka Streams application hold on disk, store by store, summed
 * over its tasks (and a window store's segments). Each RocksDB database is measured three ways: its
 * files as the application left them, the entries it holds (read back with the options recorded in
 * its own OPTIONS file), and its files once fully compacted, which drops overwritten values and
 * delete markers. The compaction rewrites the directory: survey a copy you still need.
 */
final class StoreSurvey {

    /** Kafka Streams' own column family of changelog offsets, not store data. */
    private static final String OFFSETS_COLUMN_FAMILY = "offsets";
    private static final String DB_DIR = "rocksdb";

    /**
     * One store over all its databases.
     *
     * @param databases       RocksDB databases: one per task, one per task and segment for a window store
     * @param entries         live entries (keys), all column families but Kafka Streams' offsets
     * @param liveBytes       their key and value bytes as stored: what a compacted changelog carries, about
     * @param sstBytes        table files as left by the application
     * @param otherBytes      its other files as left (MANIFEST, OPTIONS, LOG, CURRENT): per database, not per entry
     * @param compactedSstBytes table files after a full compaction
     */
    record StoreSize(String store, int databases, long entries, long liveBytes, long sstBytes, long otherBytes,
                     long compactedSstBytes) {

        long diskBytes() {
            return sstBytes + otherBytes;
        }

        StoreSize plus(StoreSize other) {
            return new StoreSize(store, databases + other.databases, entries + other.entries, liveBytes + other.liveBytes,
                    sstBytes + other.sstBytes, otherBytes + other.otherBytes, compactedSstBytes + other.compactedSstBytes);
        }
    }

    /**
     * @param stores      by store name, in the order asked for, then any other found on disk
     * @param tableFormat the compression and compaction style the stores were written with, from their OPTIONS files
     */
    record Survey(Map<String, StoreSize> stores, String tableFormat) {
    }

    private StoreSurvey() {
    }

    /**
     * @param applicationDir the application's directory under the state dir ({@code state.dir/application.id})
     * @param storeOrder     the stores to list first, in this order; each is listed even when it left no files
     */
    static Survey of(Path applicationDir, List<String> storeOrder) throws IOException, RocksDBException {
        RocksDB.loadLibrary();
        Map<String, StoreSize> stores = new LinkedHashMap<>();
        storeOrder.forEach(store -> stores.put(store, new StoreSize(store, 0, 0, 0, 0, 0, 0)));
        TreeSet<String> formats = new TreeSet<>();
        for (Path database : databases(applicationDir)) {
            String store = storeName(applicationDir, database);
            long[] files = fileBytes(database);
            long[] content = readAndCompact(database, formats);
            long compactedSst = fileBytes(database)[0];
            stores.merge(store, new StoreSize(store, 1, content[0], content[1], files[0], files[1], compactedSst), StoreSize::plus);
        }
        return new Survey(stores, String.join("; ", formats));
    }

    /** The directories holding a RocksDB database (a CURRENT file), in a stable order. */
    private static List<Path> databases(Path applicationDir) throws IOException {
        try (Stream<Path> files = Files.walk(applicationDir)) {
            return files.filter(path -> path.getFileName().toString().equals("CURRENT") && Files.isRegularFile(path))
                    .map(Path::getParent).sorted().toList();
        }
    }

    /** {@code <task>/rocksdb/<store>} for a key-value store, {@code <task>/rocksdb/<store>/<store>.<segment>} for a window store. */
    private static String storeName(Path applicationDir, Path database) {
        Path relative = applicationDir.relativize(database);
        for (int i = 0; i < relative.getNameCount() - 1; i++) {
            if (relative.getName(i).toString().equals(DB_DIR)) {
                return relative.getName(i + 1).toString();
            }
        }
        return database.getFileName().toString().replaceFirst("\\.\\d+$", "");
    }

    /** Bytes of table files, then of every other file, in the database directory. */
    private static long[] fileBytes(Path database) throws IOException {
        long[] bytes = new long[2];
        try (Stream<Path> files = Files.walk(database)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                bytes[file.getFileName().toString().endsWith(".sst") ? 0 : 1] += Files.size(file);
            }
        }
        return bytes;
    }

    /**
     * Opens the database with its recorded options, counts its entries and their bytes, then compacts
     * every column family fully; returns the count and the bytes.
     */
    private static long[] readAndCompact(Path database, TreeSet<String> formats) throws RocksDBException {
        List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        long[] content = new long[2];
        try (ConfigOptions config = new ConfigOptions(); DBOptions options = new DBOptions()) {
            OptionsUtil.loadLatestOptions(config, database.toString(), options, descriptors);
            try (RocksDB db = RocksDB.open(options, database.toString(), descriptors, handles);
                 CompactRangeOptions compaction = new CompactRangeOptions()
                         .setBottommostLevelCompaction(CompactRangeOptions.BottommostLevelCompaction.kForce)) {
                for (int i = 0; i < handles.size(); i++) {
                    ColumnFamilyDescriptor descriptor = descriptors.get(i);
                    if (!new String(descriptor.getName(), StandardCharsets.UTF_8).equals(OFFSETS_COLUMN_FAMILY)) {
                        formats.add(descriptor.getOptions().compressionType() + ", " + descriptor.getOptions().compactionStyle()
                                + " compaction");
                        count(db, handles.get(i), content);
                    }
                    db.compactRange(handles.get(i), null, null, compaction);
                }
            } finally {
                handles.forEach(ColumnFamilyHandle::close);
                descriptors.forEach(descriptor -> descriptor.getOptions().close());
            }
        }
        return content;
    }

    private static void count(RocksDB db, ColumnFamilyHandle family, long[] content) {
        try (RocksIterator entries = db.newIterator(family)) {
            for (entries.seekToFirst(); entries.isValid(); entries.next()) {
                content[0]++;
                content[1] += entries.key().length + entries.value().length;
            }
        }
    }
}
