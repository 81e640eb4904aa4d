package dev.stitch.stream.config;

import dev.stitch.config.EnvironmentReader;

/**
 * The console's settings: how much of the newest activity each instance keeps in memory.
 *
 * @param activityEvents   events the Events Activity screen keeps, newest first ({@code STITCH_CONSOLE_ACTIVITY_EVENTS},
 *                         500); at start each partition of the output topics is read from this many records before its end
 * @param erasuresRemembered erased ids whose cut-off the feed keeps, so that an erased person's events read later are
 *                         left out too ({@code STITCH_CONSOLE_ERASURES_REMEMBERED}, 10000); at start each partition of
 *                         the identity-changes topic is read from this many records before its end
 */
public record ConsoleConfig(int activityEvents, int erasuresRemembered) {

    public static final int DEFAULT_ACTIVITY_EVENTS = 500;
    public static final int DEFAULT_ERASURES_REMEMBERED = 10_000;

    public static ConsoleConfig defaults() {
        return new ConsoleConfig(DEFAULT_ACTIVITY_EVENTS, DEFAULT_ERASURES_REMEMBERED);
    }

    static ConsoleConfig read(EnvironmentReader read) {
        return new ConsoleConfig(
                read.integer("STITCH_CONSOLE_ACTIVITY_EVENTS", DEFAULT_ACTIVITY_EVENTS, 1, 100_000),
                read.integer("STITCH_CONSOLE_ERASURES_REMEMBERED", DEFAULT_ERASURES_REMEMBERED, 1, 10_000_000));
    }
}
