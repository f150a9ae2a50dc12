package dev.larder.eviction;

import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A bounded, lock-free multi-producer multi-consumer FIFO of records (entry handle, key hash, access
 * word at the time of queueing): the order in which entries arrived in a region of
 * {@link WTinyLfu}. Each cell carries a sequence number that tells producers and consumers whose
 * turn it is (the bounded MPMC queue design described by D. Vyukov).
 */
final class WindowQueue {
    private final int mask;
    private final AtomicLongArray sequence;
    private final long[] handles;
    private final long[] hashes;
    private final int[] words;
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
        words = new int[capacityPowerOfTwo];
    }

    int capacity() {
        return mask + 1;
    }

    /** @return whether the record was queued (false when full) */
    boolean offer(final long handle, final long hash, final int word) {
        for (;;) {
            final long t = tail.get();
            final int cell = (int) t & mask;
            final long seq = sequence.get(cell);
            if (seq == t) {
                if (tail.compareAndSet(t, t + 1)) {
                    handles[cell] = handle;
                    hashes[cell] = hash;
                    words[cell] = word;
                    sequence.set(cell, t + 1); // publish
                    return true;
                }
            } else if (seq < t) {
                return false; // full
            }
        }
    }

    /**
     * Takes the oldest record.
     *
     * @param out out[0] = handle, out[1] = hash, out[2] = access word
     * @return whether a record was taken
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
                    out[2] = words[cell];
                    sequence.set(cell, h + mask + 1); // free the cell for the next lap
                    return true;
                }
            } else if (seq < h + 1) {
                return false; // empty
            }
        }
    }

    /**
     * Reads the oldest record without taking it. Another consumer may take it meanwhile; the record
     * read is then one that was at the head, which callers re-validate anyway.
     *
     * @param out out[0] = handle, out[1] = hash, out[2] = access word
     * @return whether there was one
     */
    boolean peek(final long[] out) {
        for (;;) {
            final long h = head.get();
            final int cell = (int) h & mask;
            final long seq = sequence.get(cell);
            if (seq == h + 1) {
                out[0] = handles[cell];
                out[1] = hashes[cell];
                out[2] = words[cell];
                VarHandle.loadLoadFence(); // the reads above complete before the re-check below
                if (sequence.get(cell) == seq) {
                    return true; // the cell was not freed (or refilled) while it was read
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
