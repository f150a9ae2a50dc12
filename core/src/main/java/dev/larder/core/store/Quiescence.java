package dev.larder.core.store;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Knows when every operation that may still hold a pointer into a replaced index table has
 * finished, so the table's pages can be reused (a two-generation scheme, as in RCU).
 *
 * <p>Operations that write through an index table (writers, pinned and scanning readers) call
 * {@link #enter()} and {@link #exit(int)}: one atomic increment and decrement of a counter striped
 * by thread, of the current generation. {@link #await()} flips the generation and waits until the
 * old one's counters drain to zero. The optimistic read path does not take part: it never writes
 * to index memory, and it rejects anything read from a replaced table by validation.
 *
 * <p>A thread that is itself inside an operation must not wait (it would wait for itself):
 * {@link #inside()} tells, and the caller then defers the reuse instead.
 */
final class Quiescence {
    private static final int STRIPES = 16;
    /** Counters 16 longs (128 bytes) apart: no false sharing between stripes. */
    private static final int PAD = 16;
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private final AtomicLongArray counts = new AtomicLongArray(2 * STRIPES * PAD);
    private volatile int generation;

    private static int stripe() {
        return (int) (Thread.currentThread().getId() & (STRIPES - 1));
    }

    /** @return a token for {@link #exit(int)} */
    int enter() {
        DEPTH.get()[0]++;
        final int stripe = stripe();
        for (;;) {
            final int g = generation;
            final int idx = (g * STRIPES + stripe) * PAD;
            counts.incrementAndGet(idx);
            if (generation == g) {
                return idx;
            }
            counts.decrementAndGet(idx); // flipped meanwhile: count in the new generation instead
        }
    }

    void exit(final int token) {
        counts.decrementAndGet(token);
        DEPTH.get()[0]--;
    }

    /** @return whether the calling thread is inside an operation */
    boolean inside() {
        return DEPTH.get()[0] > 0;
    }

    /** Waits until every operation that entered before this call has exited. */
    synchronized void await() {
        final int old = generation;
        generation = old ^ 1;
        int spins = 0;
        for (;;) {
            long sum = 0;
            for (int s = 0; s < STRIPES; s++) {
                sum += counts.get((old * STRIPES + s) * PAD);
            }
            if (sum == 0) {
                return;
            }
            if (++spins < 100) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(20_000);
            }
        }
    }
}
