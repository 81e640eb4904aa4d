package dev.stitch.benchmark;

import java.time.Duration;

/**
 * What one soak run does, from {@code --minutes N} and {@code --rate N} (or {@code --name=value}).
 *
 * @param duration how long traffic is sent (10 minutes)
 * @param rate     events per second sent through the bridge (200)
 * @param sample   users whose timelines are polled on the query API throughout (20)
 */
record SoakOptions(Duration duration, int rate, int sample) {

    static SoakOptions parse(String[] args) {
        double minutes = 10;
        int rate = 200;
        int sample = 20;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
            String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1)
                    : i + 1 < args.length ? args[++i] : "";
            try {
                switch (name) {
                    case "--minutes" -> minutes = Double.parseDouble(value);
                    case "--rate" -> rate = Integer.parseInt(value);
                    case "--sample" -> sample = Integer.parseInt(value);
                    default -> throw new IllegalArgumentException("Unknown argument \"" + arg
                            + "\"; the options are --minutes N (10), --rate EVENTS_PER_SECOND (200), --sample USERS (20).");
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + " takes a number, not \"" + value + "\".");
            }
        }
        if (minutes < 1 || minutes > 24 * 60) {
            throw new IllegalArgumentException("--minutes must be from 1 to 1440 (the restarts need room), not " + minutes + ".");
        }
        if (rate < 1 || rate > 5_000) {
            throw new IllegalArgumentException("--rate must be from 1 to 5000 events per second, not " + rate + ".");
        }
        if (sample < 1 || sample > 1_000) {
            throw new IllegalArgumentException("--sample must be from 1 to 1000 users, not " + sample + ".");
        }
        return new SoakOptions(Duration.ofMillis((long) (minutes * 60_000)), rate, sample);
    }
}
