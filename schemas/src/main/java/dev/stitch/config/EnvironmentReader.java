package dev.stitch.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed settings from environment variables, collecting every problem so a start-up failure
 * names all wrong variables at once. Shared by every runnable part (stream application, bridge).
 */
public final class EnvironmentReader {

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kb|mb|gb)?");

    private final Map<String, String> env;
    private final List<String> problems = new ArrayList<>();

    public EnvironmentReader(Map<String, String> env) {
        this.env = env;
    }

    /** The trimmed value, or null when unset or blank. */
    public String text(String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    public String text(String name, String fallback) {
        String value = text(name);
        return value == null ? fallback : value;
    }

    public int integer(String name, int fallback, int min, int max) {
        return parse(name, fallback, value -> {
            int number = Integer.parseInt(value);
            if (number < min || number > max) {
                throw new IllegalArgumentException();
            }
            return number;
        }, "a whole number from " + min + " to " + max);
    }

    /** A duration as {@code 500ms}, {@code 5s}, {@code 2m}, {@code 24h}, {@code 30d} or ISO-8601 ({@code PT5S}). */
    public Duration duration(String name, Duration fallback) {
        return parse(name, fallback, EnvironmentReader::parseDuration,
                "a duration such as 500ms, 5s, 2m, 24h, 30d or PT5S");
    }

    /** A duration within [min, max]. */
    public Duration duration(String name, Duration fallback, Duration min, Duration max) {
        return parse(name, fallback, value -> {
            Duration duration = parseDuration(value);
            if (duration.compareTo(min) < 0 || duration.compareTo(max) > 0) {
                throw new IllegalArgumentException();
            }
            return duration;
        }, "a duration from " + min.toMillis() + "ms to " + max.toMillis() + "ms, such as 500ms, 3s or PT3S");
    }

    /** A size in bytes, with an optional kb, mb or gb suffix. */
    public long bytes(String name, long fallback) {
        return parse(name, fallback, value -> {
            Matcher m = SIZE.matcher(value.toLowerCase(Locale.ROOT));
            if (!m.matches()) {
                throw new IllegalArgumentException();
            }
            long number = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "b" : m.group(2);
            return switch (unit) {
                case "kb" -> number << 10;
                case "mb" -> number << 20;
                case "gb" -> number << 30;
                default -> number;
            };
        }, "a size in bytes such as 268435456, 256mb or 1gb");
    }

    public <E extends Enum<E>> E choice(String name, Class<E> type, E fallback) {
        return parse(name, fallback,
                value -> Enum.valueOf(type, value.toUpperCase(Locale.ROOT).replace('-', '_')),
                "one of " + choices(type));
    }

    public List<String> list(String name, List<String> fallback) {
        String value = env.get(name);
        if (value == null) {
            return fallback;
        }
        return List.of(value.split(",")).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** KAFKA_SECURITY_PROTOCOL=SASL_SSL becomes security.protocol=SASL_SSL, and so on; KAFKA_BOOTSTRAP_SERVERS is not one of them. */
    /** {@code true} or {@code false}, in any case. */
    public boolean flag(String name, boolean fallback) {
        return parse(name, fallback, value -> switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(value);
        }, "true or false");
    }

    public Map<String, String> kafkaClientOverrides() {
        Map<String, String> overrides = new TreeMap<>();
        env.forEach((name, value) -> {
            if (name.startsWith("KAFKA_") && !name.equals("KAFKA_BOOTSTRAP_SERVERS")) {
                overrides.put(name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'), value);
            }
        });
        return overrides;
    }

    public void problem(String message) {
        problems.add(message);
    }

    /** @throws IllegalArgumentException listing every problem found, when there is any */
    public void check(String what) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("the " + what + " is not valid:\n  - " + String.join("\n  - ", problems));
        }
    }

    private <T> T parse(String name, T fallback, Function<String, T> parser, String expected) {
        String value = text(name);
        if (value == null) {
            return fallback;
        }
        try {
            return parser.apply(value);
        } catch (RuntimeException e) {
            problems.add(name + "=\"" + value + "\" is not valid: expected " + expected);
            return fallback;
        }
    }

    private static Duration parseDuration(String value) {
        Matcher m = SHORT_DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static <E extends Enum<E>> String choices(Class<E> type) {
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            names.add(constant.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return String.join(", ", names);
    }
}
