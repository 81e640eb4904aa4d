package dev.stitch.bridge;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How far from the bridge's own clock an event's times may be. A time outside the window is a client's
 * bug (an unset clock, a wrong unit, a year typed by hand), never an event: it would misplace the event
 * in its person's timeline, and Kafka refuses records too far ahead of the broker's clock.
 *
 * @param maxAge       how far in the past on the live paths ({@code STITCH_TIMESTAMP_MAX_AGE}, 30d: as long as
 *                     unlinked anonymous history is kept, and longer than mobile SDKs hold events offline)
 * @param maxImportAge how far in the past on {@code /v1/import}, the backfill path of analytics-java
 *                     ({@code STITCH_TIMESTAMP_MAX_IMPORT_AGE}, 3650d: ten years of history)
 * @param maxFuture    how far ahead of the bridge's clock, for clients whose clock runs fast
 *                     ({@code STITCH_TIMESTAMP_MAX_FUTURE}, 10m)
 */
public record TimestampWindow(Duration maxAge, Duration maxImportAge, Duration maxFuture) {

    public static final TimestampWindow DEFAULTS = new TimestampWindow(Duration.ofDays(30), Duration.ofDays(3650), Duration.ofMinutes(10));

    public TimestampWindow {
        Objects.requireNonNull(maxAge, "maxAge");
        Objects.requireNonNull(maxImportAge, "maxImportAge");
        Objects.requireNonNull(maxFuture, "maxFuture");
        if (maxAge.isNegative() || maxFuture.isNegative() || maxImportAge.compareTo(maxAge) < 0) {
            throw new IllegalArgumentException("Inconsistent timestamp window " + this
                    + ": the ages and the future skew must not be negative, the import age at least the live one.");
        }
    }

    /**
     * Why {@code time} is outside the window around {@code now}, as a sentence; null when it is inside.
     *
     * @param backfill whether the event came on the backfill path, which allows the larger past
     */
    String problem(Instant time, Instant now, boolean backfill) {
        Duration past = backfill ? maxImportAge : maxAge;
        if (time.isAfter(now.plus(maxFuture))) {
            return "is more than " + describe(maxFuture) + " ahead of the bridge's clock (" + now + ")";
        }
        if (time.isBefore(now.minus(past))) {
            return "is more than " + describe(past) + " before the bridge's clock (" + now + ")"
                    + (backfill ? "" : "; send older history to /v1/import");
        }
        return null;
    }

    private static String describe(Duration duration) {
        if (duration.toDays() > 0 && duration.equals(Duration.ofDays(duration.toDays()))) {
            return duration.toDays() + " days";
        }
        if (duration.toMinutes() > 0 && duration.equals(Duration.ofMinutes(duration.toMinutes()))) {
            return duration.toMinutes() + " minutes";
        }
        return duration.toMillis() + " ms";
    }
}
