package dev.stitch.benchmark;

import java.time.Duration;

/**
 * How the warm-up went: the passes both applications ran over the first events, and how long the JIT
 * compilers worked during the last one.
 *
 * @param passes            warm-up passes run; 0 when the warm-up was switched off
 * @param lastPassCompiling the JIT compilers' time during the last pass, summed over their threads
 * @param lastPassTook      the last pass's wall-clock time
 */
record WarmUp(int passes, Duration lastPassCompiling, Duration lastPassTook) {

    static final WarmUp NONE = new WarmUp(0, Duration.ZERO, Duration.ZERO);
    /** The JIT counts as settled once a pass kept its compilers busy for at most this share of the pass's time. */
    static final double SETTLED_SHARE = 0.2;
    /** Passes at most, settled or not: the report says which. */
    static final int MAX_PASSES = 6;

    boolean settled() {
        return lastPassCompiling.toNanos() <= SETTLED_SHARE * lastPassTook.toNanos();
    }
}
