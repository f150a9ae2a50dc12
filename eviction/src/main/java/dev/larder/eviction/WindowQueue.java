package dev.larder.eviction;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A bounded, lock-free multi-producer multi-consumer FIFO of (handle, hash) pairs: the admission
 * window's order of arrival. Each cell carries a sequence number that tells producers and
 * consumers whose turn it is (the bounded MPMC queue design described by D. Vyukov).
 */
final class WindowQueue {
    private final int mask;
    private final AtomicLongArray sequence;
    private final long[] handles;
    private final long[] hashes;
    private final AtomicLong head = new AtomicLong();
    private final AtomicLong tail = new AtomicLong();

    WindowQueue(final int capacityPowerOfTwo) {
        if (Integer.bitCount(capacityPowerOfTwo) != 1) {
            throw new IllegalArgumentException("capacity must be a power of two, was " + capacityPowerOfTwo);
        }
        mask = capacityPowerOfTwo - 1;
        sequence = new AtomicLongArray(capacityPowerOfTwo);
        for (int i = 0; i < capacityPowerOfTwo; i++) {
            sequence.set(i, i);
        }
        handles = new long[capacityPowerOfTwo];
        hashes = new long[capacityPowerOfTwo];
    }

    int capacity() {
        return mask + 1;
    }

    /** @return whether the pair was queued (false when full) */
    boolean offer(final long handle, final long hash) {
        for (;;) {
            final long t = tail.get();
            final int cell = (int) t & mask;
            final long seq = sequence.get(cell);
            if (seq == t) {
                if (tail.compareAndSet(t, t + 1)) {
                    handles[cell] = handle;
                    hashes[cell] = hash;
                    sequence.set(cell, t + 1); // publish
                    return true;
                }
            } else if (seq < t) {
                return false; // full
            }
        }
    }

    /**
     * Takes the oldest pair.
     *
     * @param out out[0] = handle, out[1] = hash
     * @return whether a pair was taken
     */
    boolean poll(final long[] out) {
        for (;;) {
            final long h = head.get();
            final int cell = (int) h & mask;
            final long seq = sequence.get(cell);
            if (seq == h + 1) {
                if (head.compareAndSet(h, h + 1)) {
                    out[0] = handles[cell];
                    out[1] = hashes[cell];
                    sequence.set(cell, h + mask + 1); // free the cell for the next lap
                    return true;
                }
            } else if (seq < h + 1) {
                return false; // empty
            }
        }
    }

    long size() {
        return Math.max(0, tail.get() - head.get());
    }
}
