package dev.stitch.testing;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.ThrowingRunnable;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/**
 * The tests' one way to wait: ask again until the answer is the expected one, and when the time is
 * up fail with what is awaited and the last answer seen, so a failure says how far things got.
 * Built on Awaitility; probes run on the test's own thread, as the test would run them.
 */
public final class Eventually {

    private static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);

    private final String what;
    private final Duration timeout;
    private final Duration interval;

    private Eventually(String what, Duration timeout, Duration interval) {
        this.what = what;
        this.timeout = timeout;
        this.interval = interval;
    }

    /** @param what what is awaited, as the failure should name it */
    public static Eventually within(Duration timeout, String what) {
        return new Eventually(what, timeout, DEFAULT_INTERVAL);
    }

    /** Asks at this interval instead of every 100 ms: for probes that cost more, such as reading a whole topic. */
    public Eventually every(Duration interval) {
        return new Eventually(what, timeout, interval);
    }

    /** Calls {@code probe} until {@code done} holds of its answer; returns that answer. */
    public <T> T until(Callable<T> probe, Predicate<? super T> done) {
        AtomicReference<Object> last = new AtomicReference<>("nothing yet");
        try {
            return condition().until(() -> {
                T answer = probe.call();
                last.set(answer);
                return answer;
            }, done);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("Not within " + timeout + ": " + what + "; last seen: " + last.get(), e);
        }
    }

    /** Runs {@code assertion} until it passes; the failure carries its last assertion error. */
    public void untilAsserted(ThrowingRunnable assertion) {
        try {
            condition().untilAsserted(assertion);
        } catch (ConditionTimeoutException e) {
            Throwable lastFailure = e.getCause() != null ? e.getCause() : e;
            throw new AssertionError("Not within " + timeout + ": " + what + "; last seen: " + lastFailure.getMessage(), e);
        }
    }

    private ConditionFactory condition() {
        return Awaitility.await(what)
                .atMost(timeout)
                .pollInSameThread()
                .pollDelay(Duration.ZERO)
                .pollInterval(interval);
    }
}
