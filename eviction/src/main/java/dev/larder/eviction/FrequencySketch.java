package dev.larder.eviction;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A count-min sketch of 4-bit counters estimating how often each key was seen recently, the
 * "TinyLFU" admission filter [1].
 *
 * <p>Sixteen counters share a {@code long}. A key maps to one group of four counters, one per row,
 * in four different words chosen by four independent hashes; its estimate is the minimum of the
 * four. Counters saturate at 15. After {@code 10 x width} increments every counter is halved
 * (the "reset" of [1]), so old popularity fades and the sketch follows a shifting workload.
 *
 * <p>Seeds are drawn at random per instance, so an attacker cannot precompute keys whose hashes
 * collide in the sketch to inflate a victim's or candidate's estimate (hash flooding).
 *
 * <p>Updates are plain, racy read-modify-writes: a lost increment under contention makes an
 * estimate slightly low, which an approximate frequency tolerates; it keeps the read path free of
 * locks and atomic instructions.
 *
 * <p>[1] G. Einziger, R. Friedman, B. Manes: "TinyLFU: A Highly Efficient Cache Admission Policy",
 * ACM Transactions on Storage, 2017.
 */
public final class FrequencySketch {
    /** Halve every counter after this many increments per counter slot: [1] uses 10 x W. */
    static final int RESET_MULTIPLIER = 10;
    private static final long HALF_MASK = 0x7777_7777_7777_7777L;

    private final long[] table;
    private final int wordMask;
    private final long[] seeds = new long[4];
    private final long resetAt;
    private long additions;

    /**
     * @param expectedEntries how many distinct keys the cache holds; the sketch gets about one
     *                        4-bit counter per row per entry (rounded up to a power of two)
     */
    public FrequencySketch(final long expectedEntries) {
        final long counters = Math.max(64, Long.highestOneBit(Math.max(1, Math.min(expectedEntries, 1L << 28)) - 1) << 1);
        this.table = new long[(int) Math.max(4, counters / 16 * 4)]; // 4 rows of `counters` 4-bit cells
        this.wordMask = table.length - 1;
        final ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = 0; i < 4; i++) {
            seeds[i] = rnd.nextLong() | 1L;
        }
        this.resetAt = RESET_MULTIPLIER * Math.max(64, expectedEntries);
    }

    private int word(final long hash, final int row) {
        long h = (hash ^ seeds[row]) * 0x9E37_79B9_7F4A_7C15L;
        h ^= h >>> 29;
        return (int) h & wordMask;
    }

    /** The counter index (0..15) inside a word for a key: same nibble position per key and row. */
    private static int nibble(final long hash, final int row) {
        return (int) ((hash >>> (row * 4 + 40)) & 0xF);
    }

    /**
     * @param hash a key's hash
     * @return the estimated recent frequency, 0..15
     */
    public int frequency(final long hash) {
        int min = 15;
        for (int row = 0; row < 4; row++) {
            final int shift = nibble(hash, row) << 2;
            final int count = (int) ((table[word(hash, row)] >>> shift) & 0xF);
            min = Math.min(min, count);
        }
        return min;
    }

    /**
     * Records one occurrence of a key.
     *
     * @param hash the key's hash
     */
    public void increment(final long hash) {
        boolean added = false;
        for (int row = 0; row < 4; row++) {
            final int w = word(hash, row);
            final int shift = nibble(hash, row) << 2;
            final long v = table[w];
            if (((v >>> shift) & 0xF) != 0xF) {
                table[w] = v + (1L << shift);
                added = true;
            }
        }
        if (added && ++additions >= resetAt) {
            reset();
        }
    }

    /** Halves every counter (the TinyLFU aging step). */
    void reset() {
        for (int i = 0; i < table.length; i++) {
            table[i] = (table[i] >>> 1) & HALF_MASK;
        }
        additions /= 2;
    }

    /** @return counters per row */
    int width() {
        return table.length * 16 / 4;
    }
}
