package dev.larder.eviction;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A count-min sketch of 4-bit counters estimating how often each key was seen recently, the
 * "TinyLFU" admission filter [1].
 *
 * <p>Sixteen counters share a {@code long}. A key maps to one block of eight {@code long}s (64
 * bytes, one cache line when aligned, at most two otherwise), and inside it to four counters, one
 * per row: row {@code r} uses one of the words {@code 2r} and {@code 2r + 1} of the block and one
 * of its sixteen nibbles, chosen by a second hash. The estimate is the minimum of the four.
 * Keeping a key's counters together makes a read's increment touch one line instead of four
 * scattered ones (the block layout Caffeine adopted in 2021); keys that share a block share more
 * of their counters than with four independent words, which costs a little accuracy (the error
 * bound test measures it). Counters saturate at 15. After {@code 10 x width} increments every counter is halved
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

    /**
     * Words skipped at the start of the table so that blocks start on a 64-byte line when the
     * array itself does: a {@code long[]}'s elements start 16 bytes into the object (HotSpot on 64
     * bits, with compressed class pointers, the default), and a large table is a G1 humongous
     * object, which starts on a region boundary and is never moved. Without the skip every block
     * straddles two lines, and an increment misses twice. Where the array lands elsewhere the
     * blocks are aligned or not by chance, as they would be without the skip.
     */
    static final int LINE_SKIP = (64 - 16) / 8;

    private final long[] table;
    private final int blockMask;
    /** Random per instance (hash flooding): one picks a key's block, the other its counters in it. */
    private final long blockSeed;
    private final long counterSeed;
    private final long resetAt;
    private long additions;

    /**
     * @param expectedEntries how many distinct keys the cache holds; the sketch gets about one
     *                        4-bit counter per row per entry (rounded up to a power of two)
     */
    public FrequencySketch(final long expectedEntries) {
        this(expectedEntries, ThreadLocalRandom.current().nextLong(), ThreadLocalRandom.current().nextLong());
    }

    /** With given seeds: two sketches with the same seeds count alike (tests, seeded policies). */
    FrequencySketch(final long expectedEntries, final long blockSeed, final long counterSeed) {
        this(expectedEntries, expectedEntries, blockSeed, counterSeed);
    }

    /**
     * A sketch whose number of counters and sample period are set apart.
     *
     * @param width           sizes the counters: about one per row per unit of width (rounded up to
     *                        a power of two), so {@code 4 x entries} gives four per entry per row,
     *                        Caffeine's density
     * @param expectedEntries sizes the sample period: every counter is halved after
     *                        {@code 10 x expectedEntries} increments, whatever the width (a wider
     *                        sketch must not also remember longer)
     * @param blockSeed       picks a key's block
     * @param counterSeed     picks a key's counters in the block
     */
    FrequencySketch(final long width, final long expectedEntries, final long blockSeed, final long counterSeed) {
        final long counters = Math.max(64, Long.highestOneBit(Math.max(1, Math.min(width, 1L << 28)) - 1) << 1);
        final int words = (int) Math.max(8, counters / 16 * 4); // 4 rows of `counters` 4-bit cells, in 8-word blocks
        this.table = new long[LINE_SKIP + words];
        this.blockMask = words / 8 - 1;
        this.blockSeed = blockSeed | 1L;
        this.counterSeed = counterSeed | 1L;
        this.resetAt = RESET_MULTIPLIER * Math.max(64, expectedEntries);
    }

    /** @return the index of the first word of the key's block */
    private int block(final long hash) {
        long h = (hash ^ blockSeed) * 0x9E37_79B9_7F4A_7C15L;
        h ^= h >>> 29;
        return LINE_SKIP + (((int) h & blockMask) << 3);
    }

    /** @return the second hash, which picks the word and nibble of each row inside the block */
    private long counterHash(final long hash) {
        long h = (hash ^ counterSeed) * 0xC2B2_AE3D_27D4_EB4FL;
        return h ^ (h >>> 31);
    }

    private static int word(final int block, final long counterHash, final int row) {
        return block + (row << 1) + (int) ((counterHash >>> row) & 1);
    }

    /** @return the bit shift of the row's nibble inside its word */
    private static int shift(final long counterHash, final int row) {
        return (int) ((counterHash >>> (8 + (row << 2))) & 0xF) << 2;
    }

    /**
     * @param hash a key's hash
     * @return the estimated recent frequency, 0..15
     */
    public int frequency(final long hash) {
        final int block = block(hash);
        final long ch = counterHash(hash);
        int min = 15;
        for (int row = 0; row < 4; row++) {
            final int count = (int) ((table[word(block, ch, row)] >>> shift(ch, row)) & 0xF);
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
        if (add(hash) && ++additions >= resetAt) {
            reset();
        }
    }

    /** Adds one to the key's four counters (those not saturated). @return whether any changed */
    private boolean add(final long hash) {
        final int block = block(hash);
        final long ch = counterHash(hash);
        boolean added = false;
        for (int row = 0; row < 4; row++) {
            final int w = word(block, ch, row);
            final int shift = shift(ch, row);
            final long v = table[w];
            if (((v >>> shift) & 0xF) != 0xF) {
                table[w] = v + (1L << shift);
                added = true;
            }
        }
        return added;
    }

    /**
     * Records one occurrence of each of several keys: the same effect as {@link #increment} per
     * hash, in order, apart from when exactly a reset falls (after the batch, not inside it).
     *
     * <p>A first pass loads one word of each key's block, so the blocks' cache misses (independent
     * of each other) overlap instead of each waiting for the increment before it; the second pass
     * then finds its lines in cache. The shared addition count is written once per batch, not once
     * per key: it shares a line with fields every reading thread loads.
     *
     * @param hashes the keys' hashes
     * @param count  how many of {@code hashes} to record
     */
    public void incrementAll(final long[] hashes, final int count) {
        final long[] t = table;
        long touched = 0;
        for (int i = 0; i < count; i++) {
            touched += t[block(hashes[i])];
        }
        int added = touched == blockSeed ? 1 : 0; // uses the loads, so the compiler keeps them (a 2^-64 chance of one extra count)
        for (int i = 0; i < count; i++) {
            if (add(hashes[i])) {
                added++;
            }
        }
        if (added > 0 && (additions += added) >= resetAt) {
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
        return (table.length - LINE_SKIP) * 16 / 4;
    }
}
