package dev.larder.jmh;

import java.util.SplittableRandom;

/**
 * The data every benchmark and the footprint program share: {@code entries} distinct 16-byte
 * keys, a few 100-byte values, and per-thread Zipfian key-index sequences precomputed so that the
 * measured loop only reads an int array.
 */
public final class Workload {
    /** Key size in bytes. */
    public static final int KEY_SIZE = 16;
    /** Value size in bytes. */
    public static final int VALUE_SIZE = 100;
    /** Memory budget given to Larder and to every off-heap peer: 512 MiB. */
    public static final long BUDGET = 512L << 20;
    /** Length of each thread's precomputed index sequence (a power of two). */
    public static final int SAMPLES = 1 << 20;
    /** Mask for cycling through a sequence. */
    public static final int SAMPLE_MASK = SAMPLES - 1;
    /** Number of distinct values cycled through by writers (a power of two). */
    public static final int VALUE_VARIANTS = 8;

    private static Workload cached;

    /** Distinct keys, index = key id. */
    public final byte[][] keys;
    /** Values, {@link #VALUE_VARIANTS} of them, each {@link #VALUE_SIZE} bytes. */
    public final byte[][] values;
    /** Zipf rank to key id: a fixed random permutation so that hot keys are spread (YCSB "scrambled"). */
    private final int[] rankToKey;
    private final Zipf zipf;

    private Workload(final int entries) {
        this.keys = new byte[entries][];
        for (int i = 0; i < entries; i++) {
            keys[i] = key(i);
        }
        this.values = new byte[VALUE_VARIANTS][];
        for (int v = 0; v < VALUE_VARIANTS; v++) {
            values[v] = value(v);
        }
        this.rankToKey = new int[entries];
        for (int i = 0; i < entries; i++) {
            rankToKey[i] = i;
        }
        final SplittableRandom rnd = new SplittableRandom(0x5EED_1A2DL);
        for (int i = entries - 1; i > 0; i--) {
            final int j = rnd.nextInt(i + 1);
            final int t = rankToKey[i];
            rankToKey[i] = rankToKey[j];
            rankToKey[j] = t;
        }
        this.zipf = new Zipf(entries, Zipf.YCSB_THETA);
    }

    /**
     * @param entries number of keys
     * @return the shared workload for that many keys (built once per JVM)
     */
    public static synchronized Workload get(final int entries) {
        if (cached == null || cached.keys.length != entries) {
            cached = new Workload(entries);
        }
        return cached;
    }

    /** @return number of keys */
    public int entries() {
        return keys.length;
    }

    /**
     * Key {@code i}: 16 bytes, two bijective 64-bit mixes of {@code i}, so keys are distinct and
     * look random to every hash function.
     *
     * @param i key id
     * @return a new 16-byte array
     */
    public static byte[] key(final long i) {
        final byte[] k = new byte[KEY_SIZE];
        putLong(k, 0, mix(i));
        putLong(k, 8, mix(i ^ 0x9E3779B97F4A7C15L));
        return k;
    }

    /**
     * @param v variant
     * @return a new 100-byte value whose bytes depend on {@code v}
     */
    public static byte[] value(final int v) {
        final byte[] b = new byte[VALUE_SIZE];
        for (int i = 0; i < VALUE_SIZE; i++) {
            b[i] = (byte) (v * 31 + i);
        }
        return b;
    }

    /**
     * A thread's sequence of key ids: Zipfian ranks (exponent 0.99) mapped through the fixed
     * permutation.
     *
     * @param seed per-thread seed
     * @return {@link #SAMPLES} key ids
     */
    public int[] zipfSequence(final long seed) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final int[] seq = new int[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            seq[i] = rankToKey[zipf.rank(rnd.nextDouble())];
        }
        return seq;
    }

    /**
     * Which operations of a sequence are writes.
     *
     * @param seed          per-thread seed
     * @param writeFraction fraction of writes, e.g. 0.25
     * @return {@link #SAMPLES} flags
     */
    public static boolean[] writeFlags(final long seed, final double writeFraction) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final boolean[] w = new boolean[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            w[i] = rnd.nextDouble() < writeFraction;
        }
        return w;
    }

    /** Stafford's variant 13 of the SplitMix64 finalizer: a bijection on 64-bit values. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void putLong(final byte[] b, final int off, final long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (56 - 8 * i));
        }
    }
}
