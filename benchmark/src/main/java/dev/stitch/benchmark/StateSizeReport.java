package dev.stitch.benchmark;

import dev.stitch.stream.config.StitchSettings;
import dev.stitch.stream.rocksdb.BoundedRocksDbMemory;
import dev.stitch.stream.state.Catalogue;
import org.apache.kafka.streams.StreamsConfig;
import org.rocksdb.RocksDB;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/** Prints what the state-size measurement found, saying how each figure was measured. */
final class StateSizeReport {

    /** Stores that grow with something other than the scenario's unit; summed apart from the rest. */
    private static final Set<String> APART = Set.of(Catalogue.SEEN_MESSAGES_STORE, Catalogue.TIMELINE_STORE);
    private static final double MB = 1e6;

    /** What the per-unit figures of a scenario divide by: "identity", "identities". */
    record Unit(String one, String many) {
    }

    /**
     * One scenario's run and what its stores held afterwards.
     *
     * @param units           how many units the scenario made
     * @param sizesByKind     the events by kind, with their mean JSON size
     * @param changelogBytes  bytes on the broker's disk per store's changelog
     * @param expectedEntries entries each store should hold if every event was processed as the rules say
     */
    record Scenario(String name, Unit unit, long units, String script, String sizesByKind, InputLoader.Loaded loaded,
                    ThroughputMeter.Measured processed, Duration closing, Duration surveying, StoreSurvey.Survey survey,
                    Map<String, Long> changelogBytes, Map<String, Long> expectedEntries) {

        /** The dedup store grows with events, every other store is divided by the scenario's unit. */
        long unitsOf(String store) {
            return store.equals(Catalogue.SEEN_MESSAGES_STORE) ? loaded.events() : units;
        }

        String unitOf(String store) {
            return store.equals(Catalogue.SEEN_MESSAGES_STORE) ? "event" : unit.one();
        }

        StoreSurvey.StoreSize store(String name) {
            return survey.stores().get(name);
        }
    }

    private final PrintStream out;

    StateSizeReport(PrintStream out) {
        this.out = out;
    }

    void print(StateSizeOptions options, Properties streamsConfig, List<Scenario> scenarios, Duration took) {
        StreamsConfig config = new StreamsConfig(streamsConfig);
        StitchSettings settings = StitchSettings.defaults();
        out.println();
        out.println("== stitch state size ==");
        out.printf("machine      %d cores%s; %s %s; max heap %,d MiB%n", Runtime.getRuntime().availableProcessors(),
                BenchmarkReport.cpuModel(), System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                Runtime.getRuntime().maxMemory() >> 20);
        out.printf("kafka        %s, one broker in this JVM, every topic %d partition(s), in-memory schema registry%n",
                BenchmarkReport.kafkaVersion(), options.partitions());
        out.printf("application  StitchTopology with StitchSettings.defaults() (reorder grace %s, dedup window %s, anonymous history "
                        + "%s / %,d events per id), %s, %d stream thread, commit.interval.ms %d, statestore.cache.max.bytes %,d, "
                        + "RocksDB memory %,d MiB shared (BoundedRocksDbMemory)%n",
                human(settings.reorderGrace()), human(settings.dedupWindow()), human(settings.historyRetention()),
                settings.historyMaxEventsPerId(),
                config.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG), config.getInt(StreamsConfig.NUM_STREAM_THREADS_CONFIG),
                config.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG), config.getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG),
                BoundedRocksDbMemory.DEFAULT_TOTAL_BYTES >> 20);
        out.printf("rocksdb      RocksDB %s; the stores' OPTIONS files say: %s%n", RocksDB.rocksdbVersion(),
                scenarios.stream().map(s -> s.survey().tableFormat()).distinct().reduce((a, b) -> a + " | " + b).orElse("-"));
        out.printf("input        seed %d; record timestamps spaced at %,d events/s of simulated time, the last one about now; "
                + "keyed by routing key, as the bridge keys them%n", options.seed(), options.arrivalRate());
        out.println("figures      MB = 10^6 bytes. 'on disk' = every file of the store's RocksDB databases once the application");
        out.println("             closed (memtables flushed), 'sst' = the table files among them; 'compacted' = the table files");
        out.println("             after a full compaction of every database; 'live' = key + value bytes of the entries read back;");
        out.println("             'changelog' = the store's changelog partitions on the broker's disk, as written (not yet");
        out.println("             log-compacted, one replica). B/unit uses the table files, so the fixed files of each");
        out.println("             database (LOG, MANIFEST, OPTIONS) do not count per entry: B per unit = MB per million units.");
        for (Scenario scenario : scenarios) {
            out.println();
            printScenario(scenario);
        }
        out.println();
        printSummary(scenarios);
        out.println();
        out.printf("took         %s in all%n", BenchmarkReport.seconds(took));
    }

    private void printScenario(Scenario s) {
        out.printf("-- %s: %s %s --%n", s.name(), BenchmarkReport.n(s.units()), s.units() == 1 ? s.unit().one() : s.unit().many());
        out.printf("input        %s; %s events: %s%n", s.script(), BenchmarkReport.n(s.loaded().events()), s.sizesByKind());
        out.printf("             mean JSON %.0f B, mean Avro record %.0f B; simulated span %s%n", s.loaded().meanJsonBytes(),
                s.loaded().meanRecordBytes(), BenchmarkReport.minutes(s.loaded().lastArrivalMs() - s.loaded().firstArrivalMs()));
        out.printf("time         produced in %s; consumed in %s (%,.0f events/s; start-up %s not counted); last output %s after "
                        + "start-up; closed in %s; read back and compacted in %s%n",
                BenchmarkReport.seconds(s.loaded().took()), BenchmarkReport.seconds(s.processed().consumed()),
                s.processed().eventsPerSecond(), BenchmarkReport.seconds(s.processed().startUp()),
                BenchmarkReport.seconds(s.processed().lastOutput()), BenchmarkReport.seconds(s.closing()),
                BenchmarkReport.seconds(s.surveying()));
        String row = "  %-26s %4s %12s %12s %9s %9s %9s %10s %10s %9s %10s  %s%n";
        out.printf(row, "store", "dbs", "entries", "expected", "live MB", "disk MB", "sst MB", "compact MB", "changelog",
                "B/unit", "B/unit", "unit");
        out.printf(row, "", "", "", "", "", "", "", "", "MB", "disk sst", "compacted", "");
        StoreSurvey.StoreSize total = new StoreSurvey.StoreSize("all stores", 0, 0, 0, 0, 0, 0);
        long changelogTotal = 0;
        for (StoreSurvey.StoreSize store : s.survey().stores().values()) {
            long units = s.unitsOf(store.store());
            Long expected = s.expectedEntries().get(store.store());
            long changelog = s.changelogBytes().getOrDefault(store.store(), 0L);
            out.printf(row, store.store(), store.databases(), BenchmarkReport.n(store.entries()),
                    expected == null ? "-" : BenchmarkReport.n(expected) + (expected == store.entries() ? "" : " !"),
                    mb(store.liveBytes()), mb(store.diskBytes()), mb(store.sstBytes()), mb(store.compactedSstBytes()),
                    mb(changelog), perUnit(store.sstBytes(), units), perUnit(store.compactedSstBytes(), units), s.unitOf(store.store()));
            total = total.plus(store);
            changelogTotal += changelog;
        }
        out.printf(row, total.store(), total.databases(), BenchmarkReport.n(total.entries()), "", mb(total.liveBytes()),
                mb(total.diskBytes()), mb(total.sstBytes()), mb(total.compactedSstBytes()), mb(changelogTotal),
                perUnit(total.sstBytes(), s.units()), perUnit(total.compactedSstBytes(), s.units()), s.unit().one());
        if (s.survey().stores().values().stream().anyMatch(store -> mismatch(s, store))) {
            out.println("  ! entries differ from what the scenario should leave: read the figures with that in mind");
        }
        out.println();
        printPerMillion(s, total, changelogTotal);
    }

    private void printPerMillion(Scenario s, StoreSurvey.StoreSize total, long changelogTotal) {
        String unit = s.unit().one();
        String line = "  %-26s %9s disk %9s compacted   %s%n";
        out.printf("per million %s, in MB ('disk': table files as the application left them; 'compacted': after a full compaction):%n",
                s.unit().many());
        for (StoreSurvey.StoreSize store : s.survey().stores().values()) {
            if (isHeld(store)) {
                out.printf(line, store.store(), perUnit(store.sstBytes(), s.units()), perUnit(store.compactedSstBytes(), s.units()),
                        String.format(Locale.ROOT, "%s entries per %s, %s B of key + value each", ratio(store.entries(), s.units()),
                                unit, perUnit(store.liveBytes(), store.entries())));
            }
        }
        StoreSurvey.StoreSize held = held(s);
        out.printf(line, "= together", perUnit(held.sstBytes(), s.units()), perUnit(held.compactedSstBytes(), s.units()),
                "what each " + unit + " keeps");
        StoreSurvey.StoreSize timelines = s.store(Catalogue.TIMELINE_STORE);
        if (timelines != null && timelines.entries() > 0) {
            out.printf(line, timelines.store(), perUnit(timelines.sstBytes(), s.units()), perUnit(timelines.compactedSstBytes(), s.units()),
                    String.format(Locale.ROOT, "%s stored events per %s: %s B per stored event on disk, %s compacted;",
                            ratio(timelines.entries(), s.units()), unit, perUnit(timelines.sstBytes(), timelines.entries()),
                            perUnit(timelines.compactedSstBytes(), timelines.entries())));
            out.printf("  %-26s %9s %14s   %s%n", "", "", "", "grows with every event of a known user and is never trimmed");
        }
        StoreSurvey.StoreSize dedup = s.store(Catalogue.SEEN_MESSAGES_STORE);
        if (dedup != null) {
            out.printf(line, dedup.store(), perUnit(dedup.sstBytes(), s.loaded().events()),
                    perUnit(dedup.compactedSstBytes(), s.loaded().events()),
                    "per million EVENTS: holds the messageIds of the last " + human(StitchSettings.defaults().dedupWindow())
                            + " (dedup window), not with the number of " + s.unit().many());
        }
        List<StoreSurvey.StoreSize> emptied = s.survey().stores().values().stream()
                .filter(store -> store.entries() == 0 && reclaimed(store) * 10 >= s.units()).toList();
        if (!emptied.isEmpty()) {
            long sst = emptied.stream().mapToLong(StoreSurvey.StoreSize::sstBytes).sum();
            long compacted = emptied.stream().mapToLong(StoreSurvey.StoreSize::compactedSstBytes).sum();
            out.printf(line, "stores left empty", perUnit(sst, s.units()), perUnit(compacted, s.units()),
                    "delete markers of entries since removed, until compaction drops them: " + emptied.stream()
                            .map(store -> store.store() + " " + perUnit(store.sstBytes(), s.units()))
                            .collect(Collectors.joining(", ")));
        }
        out.printf(line, "all stores", perUnit(total.sstBytes(), s.units()), perUnit(total.compactedSstBytes(), s.units()),
                "for this scenario's events; changelogs as written: " + perUnit(changelogTotal, s.units()) + " MB per million "
                        + s.unit().many() + ", times the replication factor");
        out.printf("  %-26s %s MB in %d databases, not per entry (LOG, MANIFEST, OPTIONS files)%n", "fixed files",
                mb(total.otherBytes()), total.databases());
    }

    /**
     * The figures for the scaling guide: what one identity, one stored timeline event, one buffered
     * event and one remembered messageId cost, each from the scenario that makes them.
     */
    private void printSummary(List<Scenario> scenarios) {
        out.println("summary, table files after close (after full compaction), MB = 10^6 B:");
        String line = "  %-58s %9s MB (%s)   %s%n";
        for (Scenario s : scenarios) {
            StoreSurvey.StoreSize held = held(s);
            out.printf(line, "per million " + s.unit().many() + " (" + s.name() + " scenario)", perUnit(held.sstBytes(), s.units()),
                    perUnit(held.compactedSstBytes(), s.units()), held.store());
        }
        scenarios.stream().map(s -> s.store(Catalogue.TIMELINE_STORE)).filter(t -> t != null && t.entries() > 0).findFirst()
                .ifPresent(timelines -> out.printf(line, "per million stored timeline events (events of known users)",
                        perUnit(timelines.sstBytes(), timelines.entries()), perUnit(timelines.compactedSstBytes(), timelines.entries()),
                        timelines.store()));
        long events = scenarios.stream().mapToLong(s -> s.loaded().events()).sum();
        StoreSurvey.StoreSize dedup = new StoreSurvey.StoreSize(Catalogue.SEEN_MESSAGES_STORE, 0, 0, 0, 0, 0, 0);
        for (Scenario s : scenarios) {
            dedup = s.store(Catalogue.SEEN_MESSAGES_STORE) == null ? dedup : dedup.plus(s.store(Catalogue.SEEN_MESSAGES_STORE));
        }
        out.printf(line, "per million events in the last " + human(StitchSettings.defaults().dedupWindow()) + " (dedup window)",
                perUnit(dedup.sstBytes(), events), perUnit(dedup.compactedSstBytes(), events),
                dedup.store() + ", over all " + BenchmarkReport.n(events) + " events");
    }

    /** The stores that keep entries for the scenario's unit: all but dedup, timelines and the reorder buffer, and those left empty. */
    private static boolean isHeld(StoreSurvey.StoreSize store) {
        return !APART.contains(store.store()) && store.entries() > 0;
    }

    /** The held stores summed, named after them. */
    private static StoreSurvey.StoreSize held(Scenario s) {
        List<StoreSurvey.StoreSize> held = s.survey().stores().values().stream().filter(StateSizeReport::isHeld).toList();
        StoreSurvey.StoreSize sum = new StoreSurvey.StoreSize(held.stream().map(StoreSurvey.StoreSize::store)
                .collect(Collectors.joining(", ")), 0, 0, 0, 0, 0, 0);
        for (StoreSurvey.StoreSize store : held) {
            sum = sum.plus(store);
        }
        return sum;
    }

    private static long reclaimed(StoreSurvey.StoreSize store) {
        return store.sstBytes() - store.compactedSstBytes();
    }

    private static boolean mismatch(Scenario s, StoreSurvey.StoreSize store) {
        Long expected = s.expectedEntries().get(store.store());
        return expected != null && expected != store.entries();
    }

    private static String mb(long bytes) {
        return String.format(Locale.ROOT, "%,.1f", bytes / MB);
    }

    private static String perUnit(long bytes, long units) {
        return units == 0 ? "-" : String.format(Locale.ROOT, "%,.1f", (double) bytes / units);
    }

    /** "5 s", "24 h", "30 d". */
    static String human(Duration duration) {
        if (duration.toSeconds() % 86_400 == 0 && duration.toDays() > 2) {
            return duration.toDays() + " d";
        }
        if (duration.toSeconds() % 3_600 == 0) {
            return duration.toHours() + " h";
        }
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() + " ms";
    }

    private static String ratio(long count, long units) {
        return units == 0 ? "-" : String.format(Locale.ROOT, "%.2f", (double) count / units);
    }
}
