package dev.stitch.benchmark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What one benchmark run does. Each option is read from {@code --name=value} on the command line, else
 * from the system property {@code benchmark.name}, else its default.
 *
 * @param events          events pre-produced for the throughput phase
 * @param users           distinct known users the visitors log in as
 * @param arrivalRate     simulated arrival rate (events/s) the input records' timestamps are spaced at
 * @param reorderGrace    the stitch topology's reorder grace period (R10)
 * @param latencyRate     events/s produced through the running application in the latency phase; 0 for
 *                        half the stitching application's median events/s in the throughput rounds
 * @param latencyDuration how long the latency phase produces
 * @param seed            seed of the event generator: the same seed gives the same events
 * @param warmUpEvents    input events each topology runs over in each warm-up pass, under a throw-away
 *                        application id, before the measured rounds ({@link WarmUp}: passes until the
 *                        JIT compilers are nearly idle), so that no measured round pays for the JIT; 0 for none
 * @param baselineFirst   whether the baseline runs before the stitching topology in the first round
 * @param rounds          throughput runs of each application, alternating which goes first
 * @param jfr             where to write a flight recording of the measured throughput rounds, whose
 *                        stream threads' hottest frames are printed too; null for none
 * @param storedIdentities linked anonymous ids stored in each application's state before one more
 *                        throughput round on that larger state; 0 for no such round
 */
record BenchmarkOptions(int events, int users, int arrivalRate, Duration reorderGrace, int latencyRate,
                        Duration latencyDuration, long seed, int warmUpEvents, boolean baselineFirst,
                        int rounds, Path jfr, int storedIdentities) {

    private static final Set<String> NAMES = Set.of(
            "events", "users", "arrival-rate", "grace", "latency-rate", "latency-seconds", "seed", "warmup", "first", "rounds",
            "jfr", "stored-identities");

    static BenchmarkOptions parse(String[] args) {
        Map<String, String> given = new HashMap<>();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (!arg.startsWith("--") || equals < 0 || !NAMES.contains(arg.substring(2, equals))) {
                throw new IllegalArgumentException("Unknown argument \"" + arg + "\"; use --name=value with name one of "
                        + NAMES + ", e.g. --events=200000 --grace=5s.");
            }
            given.put(arg.substring(2, equals), arg.substring(equals + 1));
        }
        return new BenchmarkOptions(
                positive(given, "events", 200_000),
                positive(given, "users", 30_000),
                positive(given, "arrival-rate", 200),
                duration(given, "grace", Duration.ofSeconds(5)),
                whole(given, "latency-rate", 0, 0),
                Duration.ofSeconds(positive(given, "latency-seconds", 10)),
                Long.parseLong(value(given, "seed", "42")),
                whole(given, "warmup", 50_000, 0),
                first(given),
                positive(given, "rounds", 3),
                file(given, "jfr"),
                whole(given, "stored-identities", 1_000_000, 0));
    }

    /** The latency phase's rate: as given, else half the stitching application's measured median. */
    int latencyRate(double stitchingMedian) {
        return latencyRate > 0 ? latencyRate : Math.max(1, (int) Math.round(stitchingMedian / 2));
    }

    /** Where the latency phase's rate came from, for the report: empty when it was given. */
    String latencyRateBasis() {
        return latencyRate > 0 ? "" : " (half the stitching median)";
    }

    private static boolean first(Map<String, String> given) {
        String text = value(given, "first", "stitch");
        if (!text.equals("stitch") && !text.equals("baseline")) {
            throw new IllegalArgumentException("first must be stitch or baseline, not \"" + text + "\".");
        }
        return text.equals("baseline");
    }

    private static Path file(Map<String, String> given, String name) {
        String text = value(given, name, "");
        return text.isEmpty() ? null : Path.of(text);
    }

    private static String value(Map<String, String> given, String name, String fallback) {
        return given.getOrDefault(name, System.getProperty("benchmark." + name, fallback)).strip();
    }

    private static int positive(Map<String, String> given, String name, int fallback) {
        return whole(given, name, fallback, 1);
    }

    private static int whole(Map<String, String> given, String name, int fallback, int min) {
        String text = value(given, name, Integer.toString(fallback)).replace("_", "");
        try {
            int number = Integer.parseInt(text);
            if (number >= min) {
                return number;
            }
        } catch (NumberFormatException e) {
            // Reported below with the expected form.
        }
        throw new IllegalArgumentException(name + " must be a whole number of at least " + min + ", not \"" + text + "\".");
    }

    /** "5s", "500ms", "2m", or a plain number of seconds. */
    private static Duration duration(Map<String, String> given, String name, Duration fallback) {
        String text = value(given, name, fallback.toMillis() + "ms").toLowerCase();
        try {
            Duration parsed;
            if (text.endsWith("ms")) {
                parsed = Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
            } else if (text.endsWith("s")) {
                parsed = Duration.ofMillis(Math.round(Double.parseDouble(text.substring(0, text.length() - 1)) * 1000));
            } else if (text.endsWith("m")) {
                parsed = Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1)));
            } else {
                parsed = Duration.ofMillis(Math.round(Double.parseDouble(text) * 1000));
            }
            if (!parsed.isNegative()) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // Reported below with the expected form.
        }
        throw new IllegalArgumentException(name + " must be a duration such as 5s, 500ms or 1m, not \"" + text + "\".");
    }
}
