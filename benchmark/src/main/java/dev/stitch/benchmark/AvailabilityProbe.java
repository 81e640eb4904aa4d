package dev.stitch.benchmark;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks the query API for a sample of users' timelines every half second throughout the soak, as a
 * client behind a load balancer would: one instance that is up, the next one when it does not answer
 * 200. A user's timeline is unavailable from the first poll no instance answered until the next one
 * that did; before its first 200 (the user's first event still on its way) it does not count. It
 * also counts the 200s a standby copy gave, while the active copy's instance was down or restoring.
 */
final class AvailabilityProbe implements AutoCloseable {

    private static final long PERIOD_MS = 500;

    private final List<SoakInstance> instances;
    private final QueryProbe probe;
    private final List<String> users = new CopyOnWriteArrayList<>();
    private final Map<String, Long> unavailableSince = new HashMap<>();
    private final Map<String, Boolean> everAnswered = new HashMap<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread poller;
    private long longestMs;
    private String longestUser;
    private long polls;
    private long standbyAnswers;
    private int next;

    AvailabilityProbe(List<SoakInstance> instances, QueryProbe probe) {
        this.instances = instances;
        this.probe = probe;
        this.poller = new Thread(this::poll, "soak-availability");
        poller.start();
    }

    /** Adds a user to the sample (the soak adds the first users whose events were acknowledged). */
    void watch(String user) {
        if (!users.contains(user)) {
            users.add(user);
        }
    }

    int watched() {
        return users.size();
    }

    private void poll() {
        while (running.get()) {
            long round = System.currentTimeMillis();
            for (String user : users) {
                try {
                    record(user, answer(user));
                } catch (InterruptedException e) {
                    return;
                }
            }
            try {
                Thread.sleep(Math.max(0, PERIOD_MS - (System.currentTimeMillis() - round)));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The first 200 an instance that is up gave, or null when none did. */
    private QueryProbe.Answer answer(String user) throws InterruptedException {
        for (int tried = 0; tried < instances.size(); tried++) {
            SoakInstance instance = instances.get(next++ % instances.size());
            if (instance.up()) {
                QueryProbe.Answer answer = probe.timeline(instance.apiUrl(), user);
                if (answer.status() == 200) {
                    return answer;
                }
            }
        }
        return null;
    }

    private synchronized void record(String user, QueryProbe.Answer answer) {
        polls++;
        long now = System.nanoTime();
        if (answer != null && answer.standby()) {
            standbyAnswers++;
        }
        if (answer != null) {
            everAnswered.put(user, true);
            Long since = unavailableSince.remove(user);
            if (since != null && (now - since) / 1_000_000 > longestMs) {
                longestMs = (now - since) / 1_000_000;
                longestUser = user;
            }
        } else if (everAnswered.containsKey(user)) {
            unavailableSince.putIfAbsent(user, now);
        }
    }

    /** The longest time, in ms, any watched user's timeline was unavailable (an outage still open counts to now). */
    synchronized long longestUnavailableMs() {
        long longest = longestMs;
        long now = System.nanoTime();
        for (long since : unavailableSince.values()) {
            longest = Math.max(longest, (now - since) / 1_000_000);
        }
        return longest;
    }

    synchronized String longestUser() {
        return longestUser;
    }

    synchronized long polls() {
        return polls;
    }

    /** The polls a standby copy answered 200. */
    synchronized long standbyAnswers() {
        return standbyAnswers;
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        poller.interrupt();
        poller.join(5_000);
    }
}
