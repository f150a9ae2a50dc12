package dev.larder.eviction.simulator;

/** The key hash the simulator gives policies. */
final class Hashing {
    private Hashing() {
    }

    /**
     * A strong 64-bit mix of a key (the SplitMix64 / Stafford "variant 13" finalizer of the key plus
     * the golden-ratio increment): every output bit depends on every input bit, so the sketch's
     * row and nibble choices are independent even for sequential trace keys.
     *
     * @param key a trace key
     * @return its hash, never 0 (0 means "stale handle" to a policy)
     */
    static long mix(final long key) {
        long z = key + 0x9E37_79B9_7F4A_7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        z ^= z >>> 31;
        return z == 0 ? 1 : z;
    }
}
