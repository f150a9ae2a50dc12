package dev.larder.eviction;

/** A reusable batch of sampled entries: parallel arrays, filled by {@link Population#sample}. */
public final class Candidates {
    /** Entry handles. */
    public final long[] handles;
    /** Their access words. */
    public final int[] access;
    /** Milliseconds until each expires, or -1 if it never does; 0 if already expired. */
    public final long[] remainingTtlMs;
    /** How many slots are filled. */
    public int count;

    /**
     * @param capacity the most candidates one sample may hold
     */
    public Candidates(final int capacity) {
        handles = new long[capacity];
        access = new int[capacity];
        remainingTtlMs = new long[capacity];
    }

    /**
     * Appends a candidate if there is room.
     *
     * @return whether it was added
     */
    public boolean add(final long handle, final int accessWord, final long remainingTtl) {
        if (count == handles.length) {
            return false;
        }
        handles[count] = handle;
        access[count] = accessWord;
        remainingTtlMs[count] = remainingTtl;
        count++;
        return true;
    }
}
