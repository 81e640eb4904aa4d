package dev.stitch.benchmark;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Where some threads spent their time, from the {@code jdk.ExecutionSample} events of a flight
 * recording: per method, the share of samples it was anywhere on the stack (inclusive; counted once
 * per sample even when it recurses) and the share it was the top frame (self).
 *
 * @param threads   the names of the threads whose samples are counted
 * @param samples   how many samples those threads had
 * @param truncated how many of those stacks JFR cut at its stack depth (64 frames unless the JVM was
 *                  started with {@code -XX:FlightRecorderOptions:stackdepth=N}): their deepest frames,
 *                  the thread's run loop among them, are missing from the inclusive counts
 * @param inclusive samples per frame anywhere on the stack
 * @param self      samples per frame on top of the stack
 */
record ExecutionProfile(Set<String> threads, long samples, long truncated, Map<String, Long> inclusive,
                        Map<String, Long> self) {

    private static final String EXECUTION_SAMPLE = "jdk.ExecutionSample";

    /** A frame and its share of the samples. */
    record FrameShare(String frame, long samples, double share) {
    }

    /** Reads the samples of the threads whose name {@code threadName} accepts. */
    static ExecutionProfile read(Path recording, Predicate<String> threadName) throws IOException {
        Set<String> threads = new TreeSet<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> self = new HashMap<>();
        long samples = 0;
        long truncated = 0;
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent event = file.readEvent();
                if (!event.getEventType().getName().equals(EXECUTION_SAMPLE)) {
                    continue;
                }
                RecordedThread thread = event.getThread("sampledThread");
                String name = thread == null ? null : thread.getJavaName();
                RecordedStackTrace stack = event.getStackTrace();
                if (name == null || stack == null || stack.getFrames().isEmpty() || !threadName.test(name)) {
                    continue;
                }
                threads.add(name);
                samples++;
                truncated += stack.isTruncated() ? 1 : 0;
                List<RecordedFrame> frames = stack.getFrames();
                self.merge(frameName(frames.get(0)), 1L, Long::sum);
                Set<String> onStack = new HashSet<>();
                for (RecordedFrame frame : frames) {
                    if (onStack.add(frameName(frame))) {
                        inclusive.merge(frameName(frame), 1L, Long::sum);
                    }
                }
            }
        }
        return new ExecutionProfile(threads, samples, truncated, inclusive, self);
    }

    List<FrameShare> topInclusive(int count) {
        return top(inclusive, count);
    }

    List<FrameShare> topSelf(int count) {
        return top(self, count);
    }

    void print(PrintStream out, String title, int inclusiveCount, int selfCount) {
        out.printf(Locale.ROOT, "%s: %,d samples of %s%s%n", title, samples, threads.isEmpty() ? "no thread" : String.join(", ", threads),
                truncated == 0 ? "" : String.format(Locale.ROOT, " (%.0f%% of the stacks cut at JFR's stack depth)", 100.0 * truncated / samples));
        if (samples == 0) {
            return;
        }
        out.println("  inclusive (anywhere on the stack)");
        topInclusive(inclusiveCount).forEach(share -> out.printf(Locale.ROOT, "    %5.1f%%  %s%n", 100 * share.share(), share.frame()));
        out.println("  self (top of the stack)");
        topSelf(selfCount).forEach(share -> out.printf(Locale.ROOT, "    %5.1f%%  %s%n", 100 * share.share(), share.frame()));
    }

    private List<FrameShare> top(Map<String, Long> counts, int count) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(count)
                .map(entry -> new FrameShare(entry.getKey(), entry.getValue(), entry.getValue() / (double) samples))
                .toList();
    }

    /** {@code o.a.k.s.p.i.StreamTask.process}: the package abbreviated, the simple class name and the method. */
    static String frameName(RecordedFrame frame) {
        RecordedMethod method = frame.getMethod();
        if (method == null || method.getType() == null) {
            return "(unknown frame)";
        }
        return abbreviated(method.getType().getName()) + "." + method.getName();
    }

    static String abbreviated(String className) {
        // JFR names a lambda's hidden class Outer$$Lambda$1487+0x00007efc745e6d00.1653309853: the numbers say nothing.
        int lambda = className.indexOf("$$Lambda");
        String named = lambda < 0 ? className : className.substring(0, lambda) + "$$Lambda";
        String[] parts = named.split("\\.");
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            name.append(parts[i].isEmpty() ? "" : parts[i].substring(0, 1)).append('.');
        }
        return name.append(parts[parts.length - 1]).toString();
    }

    /** The threads of one Kafka Streams application: {@code <application id>-<uuid>-StreamThread-<n>}. */
    static Predicate<String> streamThreadsOf(String applicationId) {
        return name -> name.contains(applicationId) && name.matches(".*-StreamThread-\\d+");
    }
}
