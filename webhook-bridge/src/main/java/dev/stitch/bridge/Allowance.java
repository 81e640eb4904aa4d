package dev.stitch.bridge;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded amount shared by all requests (bytes held, events queued): taken before use, given back
 * after. Taking more than is left fails and takes nothing.
 */
final class Allowance {

    private final long limit;
    private final AtomicLong taken = new AtomicLong();

    Allowance(long limit) {
        this.limit = limit;
    }

    /** Takes {@code amount} when that stays within the limit; false, taking nothing, otherwise. */
    boolean tryTake(long amount) {
        while (true) {
            long now = taken.get();
            if (now + amount > limit) {
                return false;
            }
            if (taken.compareAndSet(now, now + amount)) {
                return true;
            }
        }
    }

    void giveBack(long amount) {
        taken.addAndGet(-amount);
    }

    long taken() {
        return taken.get();
    }

    long limit() {
        return limit;
    }

    /** What one request holds of the allowance, given back all at once when the request is answered. */
    Holding holding() {
        return new Holding();
    }

    final class Holding {

        private long held;

        boolean tryTake(long amount) {
            if (!Allowance.this.tryTake(amount)) {
                return false;
            }
            held += amount;
            return true;
        }

        void giveBackAll() {
            Allowance.this.giveBack(held);
            held = 0;
        }
    }
}
