package dev.larder.core.store;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Knows when every operation that may still hold a pointer into a replaced index table has
 * finished, so the table's pages can be reused (a two-generation scheme, as in RCU).
 *
 * <p>Operations that write through an index table (writers, pinned and scanning readers) call
 * {@link #enter(Scratch.Frames)} and {@link #exit(int, Scratch.Frames)}: one atomic increment and decrement of a counter striped
 * by thread, of the current generation. {@link #await()} flips the generation and waits until the
 * old one's counters drain to zero. The optimistic read path does not take part: it never writes
 * to index memory, and it rejects anything read from a replaced table by validation.
 *
 * <p>A thread that is itself inside an operation must not wait (it would wait for itself):
 * {@link #inside(Scratch.Frames)} tells, and the caller then defers the reuse instead. The
 * per-thread depth and stripe live in the thread's {@link Scratch.Frames}, which the hot paths
 * already hold, so entering costs no thread-local lookup of its own.
 */
final class Quiescence {
    static final int STRIPES = 16;
    /** Counters 16 longs (128 bytes) apart: no false sharing between stripes. */
    private static final int PAD = 16;

    private final AtomicLongArray counts = new AtomicLongArray(2 * STRIPES * PAD);
    private volatile int generation;

    /**
     * @param self the calling thread's state
     * @return a token for {@link #exit(int, Scratch.Frames)}
     */
    int enter(final Scratch.Frames self) {
        self.inside++;
        final int stripe = self.stripe;
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

    /**
     * @param token what {@link #enter(Scratch.Frames)} returned
     * @param self  the calling thread's state, as given to {@code enter}
     */
    void exit(final int token, final Scratch.Frames self) {
        counts.decrementAndGet(token);
        self.inside--;
    }

    /**
     * @param self the calling thread's state
     * @return whether the calling thread is inside an operation
     */
    static boolean inside(final Scratch.Frames self) {
        return self.inside > 0;
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
