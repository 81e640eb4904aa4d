package dev.stitch.benchmark;

import dev.stitch.stream.state.Catalogue;
import org.HdrHistogram.Histogram;
import org.apache.kafka.streams.StreamsConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Prints the figures of a run, compactly, saying how each was measured. */
final class BenchmarkReport {

    private final PrintStream out;

    BenchmarkReport(PrintStream out) {
        this.out = out;
    }

    void print(BenchmarkOptions options, WarmUp warmUp, int latencyRate, InputLoader.Loaded input, TrafficTally tally, Properties streamsConfig,
               List<ContenderResult> results, List<LargerStateRound> larger) {
        out.println();
        out.println("== stitch benchmark ==");
        out.printf("machine     %d cores%s; %s %s; max heap %s; %s %s%n", Runtime.getRuntime().availableProcessors(),
                cpuModel(), System.getProperty("java.vm.name"), System.getProperty("java.runtime.version"),
                bytes(Runtime.getRuntime().maxMemory()), System.getProperty("os.name"), System.getProperty("os.arch"));
        out.printf("kafka       %s, one broker in this JVM, every topic 2 partitions, in-memory schema registry%n",
                kafkaVersion());
        out.printf("input       %s events, mean JSON %.0f B, mean Avro record %.0f B; %s users, seed %d%n",
                n(input.events()), input.meanJsonBytes(), input.meanRecordBytes(), n(tally.distinctUsers()), options.seed());
        out.printf("            %s anonymous page views, %s identifies server-side (userId + context.anonymousId), "
                        + "%s frontend (userId + anonymousId), %s server-side tracks (userId only)%n",
                n(tally.pages), n(tally.serverIdentifies), n(tally.frontendIdentifies), n(tally.serverTracks));
        out.printf("            record timestamps = simulated arrival times, %s events/s over %s, the last one when generated; "
                        + "produced once in %s%n", n(options.arrivalRate()),
                minutes(input.lastArrivalMs() - input.firstArrivalMs()), seconds(input.took()));
        StreamsConfig config = new StreamsConfig(streamsConfig);
        out.printf("both apps   %s, %s stream thread, commit.interval.ms %d, statestore.cache.max.bytes %s, "
                        + "RocksDB memory bounded (StreamsProperties), same Avro registry serde%n",
                config.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG), config.getInt(StreamsConfig.NUM_STREAM_THREADS_CONFIG),
                config.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG), bytes(config.getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG)));
        out.printf("order       %s; then %d round(s) of both, %s first in round 1%n",
                options.warmUpEvents() == 0 ? "no warm-up" : warmUpSentence(warmUp, Math.min(options.warmUpEvents(), input.events())),
                options.rounds(), options.baselineFirst() ? "baseline" : "stitch");
        out.println();
        printThroughput(results);
        out.println();
        if (!larger.isEmpty()) {
            printLargerState(options, results, larger);
            out.println();
        }
        printLatency(options, latencyRate, results);
        out.println();
        printOutputs(input, results);
    }

    private static String warmUpSentence(WarmUp warmUp, long events) {
        return String.format(Locale.ROOT, "JIT warm-up, not measured: %d pass(es) of both apps over the first %s events under "
                        + "other ids, until the JIT compiled for at most %.0f%% of a pass (the last: %s of %s%s)",
                warmUp.passes(), n(events), 100 * WarmUp.SETTLED_SHARE, seconds(warmUp.lastPassCompiling()),
                seconds(warmUp.lastPassTook()), warmUp.settled() ? "" : ", NOT settled after " + WarmUp.MAX_PASSES + " passes");
    }

    private void printThroughput(List<ContenderResult> results) {
        out.println("throughput: clock from the app's first RUNNING (start-up and first rebalance excluded) until its group's");
        out.println("committed offsets equal the input's end offsets (Admin, polled every 100 ms); each round runs both apps,");
        out.println("one after the other, under new ids, the first app alternating; 'last output at' = when an output topic's");
        out.println("end offset last moved (the stitch app releases its last events one reorder grace later)");
        out.printf("  %-22s %16s %-28s %10s %10s %15s%n", "", "median events/s", "  rounds 1, 2, ... (events/s)",
                "time", "start-up", "last output at");
        for (ContenderResult result : results) {
            out.printf("  %-22s %16s %-28s %10s %10s %15s%n", result.contender().name(),
                    n(Math.round(result.median(ThroughputMeter.Measured::eventsPerSecond))),
                    "  " + String.join(" ", result.rounds().stream()
                            .map(r -> n(Math.round(r.measured().eventsPerSecond()))).toList()),
                    seconds(result.median(m -> m.consumed().toNanos())),
                    seconds(result.median(m -> m.startUp().toNanos())),
                    seconds(result.median(m -> m.lastOutput().toNanos())));
        }
        ContenderResult stitch = named("stitch", results);
        ContenderResult baseline = named("baseline", results);
        List<String> perRound = new ArrayList<>();
        for (int i = 0; i < Math.min(stitch.rounds().size(), baseline.rounds().size()); i++) {
            perRound.add(String.format(Locale.ROOT, "%.2f", stitch.rounds().get(i).measured().eventsPerSecond()
                    / baseline.rounds().get(i).measured().eventsPerSecond()));
        }
        out.printf(Locale.ROOT, "ratio stitch/baseline = %.2f   (of the medians; round by round: %s)%n",
                stitch.median(ThroughputMeter.Measured::eventsPerSecond) / baseline.median(ThroughputMeter.Measured::eventsPerSecond),
                String.join(", ", perRound));
        out.println("work per input event: CPU time from RUNNING until the input's end offsets were committed, median of the rounds");
        out.printf("  %-22s %16s %28s %20s%n", "", "stream thread µs", "whole process µs (broker too)", "JIT ms in the rounds");
        for (ContenderResult result : List.of(stitch, baseline)) {
            out.printf(Locale.ROOT, "  %-22s %16.0f %28.0f %20s%n", result.contender().name(),
                    result.median(ThroughputMeter.Measured::streamThreadMicrosPerEvent),
                    result.median(ThroughputMeter.Measured::processMicrosPerEvent),
                    String.join(", ", result.rounds().stream().map(r -> n(r.measured().cpu().compilingMillis())).toList()));
        }
        out.printf(Locale.ROOT, "work ratio baseline/stitch = %.2f in the stream thread, %.2f in the whole process%n",
                baseline.median(ThroughputMeter.Measured::streamThreadMicrosPerEvent)
                        / stitch.median(ThroughputMeter.Measured::streamThreadMicrosPerEvent),
                baseline.median(ThroughputMeter.Measured::processMicrosPerEvent)
                        / stitch.median(ThroughputMeter.Measured::processMicrosPerEvent));
    }

    private void printLargerState(BenchmarkOptions options, List<ContenderResult> results, List<LargerStateRound> larger) {
        out.printf("larger state: one more round of each app, under a new id whose changelogs held %s stored ids before it%n",
                n(options.storedIdentities()));
        out.printf("started (stitch: %s linked anonymous ids, %d per user, in %s and each grant in %s; baseline: as many persons%n",
                n(options.storedIdentities()), PreloadedState.IDS_PER_USER, Catalogue.IDENTITIES_STORE, Catalogue.USER_LINKS_STORE);
        out.printf("in %s), none of them in the input; a first start restored them with no input left to read; the round%n",
                BaselineTopology.EVENT_COUNTS_STORE);
        out.println("started the app again, on that local state, over the same input, clocked as the rounds above");
        out.printf("  %-22s %12s %16s %8s %14s %12s %10s %s%n", "", "events/s", "median above", "change", "stored in",
                "restored", "restore", "spot check, counts");
        for (LargerStateRound round : larger) {
            ContenderResult usual = named(round.contender().name().split(" ")[0], results);
            double perSecond = round.measured().measured().eventsPerSecond();
            double median = usual.median(ThroughputMeter.Measured::eventsPerSecond);
            out.printf(Locale.ROOT, "  %-22s %12s %16s %+7.1f%% %14s %12s %10s %d/%d found, %s%s%n", round.contender().name(),
                    n(Math.round(perSecond)), n(Math.round(median)), 100 * (perSecond / median - 1), seconds(round.written().took()),
                    n(round.restored()), seconds(round.restoreTook()), round.spotFound(), round.spotChecked(),
                    round.measured().asPredicted() ? "as predicted" : "NOT as predicted " + round.measured().counts(),
                    round.restoredAgain() == 0 ? "" : "; its round's start restored " + n(round.restoredAgain()) + " records AGAIN");
        }
        if (larger.size() == 2) {
            LargerStateRound stitch = larger.stream().filter(r -> r.contender().name().startsWith("stitch")).findFirst().orElseThrow();
            LargerStateRound baseline = larger.stream().filter(r -> r.contender().name().startsWith("baseline")).findFirst().orElseThrow();
            out.printf(Locale.ROOT, "ratio stitch/baseline on the larger state = %.2f%n",
                    stitch.measured().measured().eventsPerSecond() / baseline.measured().measured().eventsPerSecond());
        }
    }

    private void printLatency(BenchmarkOptions options, int latencyRate, List<ContenderResult> results) {
        out.printf("latency: %s new events/s%s for %d s through each running app (after its throughput run); "
                        + "per output record, receive time - record timestamp,%n",
                n(latencyRate), options.latencyRateBasis(), options.latencyDuration().toSeconds());
        out.println("read_committed consumer; the record timestamp is the input's send time, carried by Kafka Streams");
        out.printf("  %-48s %9s %9s %9s %9s %14s %12s%n", "", "p50 ms", "p99 ms", "max ms", "records", "sent (rate)", "ts carried");
        for (ContenderResult result : results) {
            LatencyProbe.Measured latency = result.latency();
            for (Contender.Output output : result.contender().outputs()) {
                LatencyProbe.TopicLatency topic = latency.byTopic().get(output.topic());
                if (topic == null) {
                    continue;
                }
                Histogram h = topic.millis;
                out.printf("  %-48s %9d %9d %9d %9s %14s %12s%n", result.contender().name() + "  " + output.label(),
                        h.getValueAtPercentile(50), h.getValueAtPercentile(99), h.getMaxValue(),
                        n(topic.received.get()) + (topic.received.get() < result.latencyExpected().get(output.topic()) ? "!" : ""),
                        n(latency.sent()) + " (" + n(Math.round(latency.sendRate())) + "/s)",
                        (topic.timestampChecked - topic.timestampMismatches) + "/" + topic.timestampChecked);
            }
        }
        out.println("  (! = fewer records than the generator predicts; 'ts carried' = records, stitched history aside, whose");
        out.println("   timestamp equals their own event's send time; stitched history carries the linking event's time)");
    }

    private void printOutputs(InputLoader.Loaded input, List<ContenderResult> results) {
        out.printf("output of throughput round 1 (%s input events), read_committed counts against what the identity rules predict%n",
                n(input.events()));
        for (ContenderResult result : results) {
            ThroughputRound first = result.rounds().get(0);
            for (Contender.Output output : result.contender().outputs()) {
                long count = first.counts().get(output.topic());
                Long predicted = first.predicted().get(output.topic());
                out.printf("  %-10s %-26s %9s   predicted %9s%s%n", result.contender().name().split(" ")[0], output.topic(),
                        n(count), predicted == null ? "?" : n(predicted),
                        predicted != null && count != predicted ? "   MISMATCH" : "");
            }
        }
        List<String> off = results.stream().flatMap(r -> r.rounds().stream().skip(1)
                        .filter(round -> !round.asPredicted())
                        .map(round -> r.contender().name() + " round " + round.round() + ": " + round.counts()))
                .toList();
        if (results.get(0).rounds().size() > 1) {
            out.println(off.isEmpty() ? "  later rounds: every count as predicted" : "  later rounds NOT as predicted: " + off);
        }
        out.println("written to Kafka per input event in round 1: records by end offsets (transaction markers count too),");
        out.println("bytes as the partitions' size on the broker's disk afterwards (less if Streams already purged consumed");
        out.println("repartition segments)");
        for (ContenderResult result : results) {
            Map<String, OutputCounter.Written> byTopic = result.rounds().get(0).written();
            Map<String, OutputCounter.Written> byKind = new TreeMap<>();
            byTopic.forEach((topic, written) -> byKind.merge(OutputCounter.kind(topic, result.contender().outputTopics()),
                    written, OutputCounter.Written::plus));
            OutputCounter.Written total = byKind.values().stream().reduce(new OutputCounter.Written(0, 0), OutputCounter.Written::plus);
            out.printf(Locale.ROOT, "  %-10s %5.2f records, %6.0f B   (%s)%n", result.contender().name().split(" ")[0],
                    total.records() / (double) input.events(), total.bytes() / (double) input.events(),
                    String.join("; ", byKind.entrySet().stream().map(e -> perEvent(e.getKey(), e.getValue(), input.events())).toList()));
            byTopic.entrySet().stream()
                    .sorted(Map.Entry.<String, OutputCounter.Written>comparingByValue(
                            Comparator.comparingLong(OutputCounter.Written::records)).reversed())
                    .forEach(e -> out.println("      " + perEvent(e.getKey(), e.getValue(), input.events())));
        }
    }

    private static String perEvent(String name, OutputCounter.Written written, long events) {
        return String.format(Locale.ROOT, "%s %.2f, %.0f B", name, written.records() / (double) events, written.bytes() / (double) events);
    }

    /** The result of the application whose name starts with {@code prefix} ("stitch", "baseline"). */
    static ContenderResult named(String prefix, List<ContenderResult> results) {
        return results.stream().filter(r -> r.contender().name().startsWith(prefix)).findFirst().orElseThrow();
    }

    /** The version the Kafka client jar declares about itself. */
    static String kafkaVersion() {
        Properties version = new Properties();
        try (var in = StreamsConfig.class.getClassLoader().getResourceAsStream("kafka/kafka-version.properties")) {
            if (in != null) {
                version.load(in);
            }
        } catch (IOException e) {
            // Unknown then; the figures stand without it.
        }
        return "Kafka " + version.getProperty("version", "(version unknown)");
    }

    static String cpuModel() {
        Path cpuInfo = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(cpuInfo)) {
            return "";
        }
        try (Stream<String> lines = Files.lines(cpuInfo)) {
            return lines.filter(line -> line.startsWith("model name"))
                    .map(line -> " (" + line.substring(line.indexOf(':') + 1).strip() + ")")
                    .findFirst().orElse("");
        } catch (IOException e) {
            return "";
        }
    }

    static String n(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    static String seconds(Duration duration) {
        return seconds(duration.toNanos());
    }

    private static String seconds(double nanos) {
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    static String minutes(long millis) {
        return String.format(Locale.ROOT, "%dm %02ds", millis / 60_000, millis / 1000 % 60);
    }

    private static String bytes(long value) {
        if (value >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", value / (double) (1L << 30));
        }
        return String.format(Locale.ROOT, "%d MiB", value >> 20);
    }
}
