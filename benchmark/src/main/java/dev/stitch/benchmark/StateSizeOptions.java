package dev.stitch.benchmark;

import dev.stitch.stream.config.StitchSettings;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one state-size measurement does. Each option is read from {@code --name=value} on the command
 * line, else its default.
 *
 * @param identities     people in the identities scenario (0 skips it): each browses anonymously once,
 *                       is identified, and is tracked once from a backend
 * @param buffered       anonymous page views in the buffered-events scenario (0 skips it), of visitors
 *                       who never log in
 * @param pagesPerVisitor page views each of those visitors makes
 * @param seed           seed of the event generator: the same seed gives the same events
 * @param arrivalRate    simulated events per second the record timestamps are spaced at
 * @param partitions     partitions of every topic, as the product creates them
 */
record StateSizeOptions(int identities, int buffered, int pagesPerVisitor, long seed, int arrivalRate, int partitions) {

    private static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("identities", "200000");
        defaults.put("buffered", "500000");
        defaults.put("pages-per-visitor", "10");
        defaults.put("seed", "42");
        defaults.put("arrival-rate", "200");
        defaults.put("partitions", "2");
        return defaults;
    }

    static StateSizeOptions parse(String[] args) {
        Map<String, String> given = new LinkedHashMap<>(DEFAULTS);
        for (String arg : args) {
            int equals = arg.indexOf('=');
            String name = arg.startsWith("--") && equals > 2 ? arg.substring(2, equals) : "";
            if (!DEFAULTS.containsKey(name)) {
                throw new IllegalArgumentException("Unknown argument \"" + arg + "\"; use --name=value with name one of "
                        + DEFAULTS.keySet() + ", e.g. --identities=1000000 --buffered=0.");
            }
            given.put(name, arg.substring(equals + 1).strip().replace("_", ""));
        }
        int maxPages = StitchSettings.defaults().historyMaxEventsPerId();
        StateSizeOptions options = new StateSizeOptions(number(given, "identities", 0, 100_000_000),
                number(given, "buffered", 0, 1_000_000_000), number(given, "pages-per-visitor", 1, maxPages),
                Long.parseLong(given.get("seed")), number(given, "arrival-rate", 1, 100_000),
                number(given, "partitions", 1, 64));
        if (options.identities() == 0 && options.buffered() == 0) {
            throw new IllegalArgumentException("identities and buffered are both 0: there is nothing to measure.");
        }
        if (options.buffered() > 0 && options.buffered() < options.pagesPerVisitor()) {
            throw new IllegalArgumentException("buffered (" + options.buffered() + ") must be at least pages-per-visitor ("
                    + options.pagesPerVisitor() + "), or 0 to skip that scenario.");
        }
        return options;
    }

    /** Visitors of the buffered-events scenario; their page views are {@link #bufferedEvents()}. */
    int anonymousVisitors() {
        return buffered / pagesPerVisitor;
    }

    /** The buffered page views actually sent: a whole number of visitors. */
    int bufferedEvents() {
        return anonymousVisitors() * pagesPerVisitor;
    }

    private static int number(Map<String, String> given, String name, int min, int max) {
        String text = given.get(name);
        try {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return (int) value;
            }
        } catch (NumberFormatException e) {
            // Reported below with the range.
        }
        throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max + ", not \"" + text + "\".");
    }
}
