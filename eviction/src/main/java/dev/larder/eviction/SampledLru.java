package dev.larder.eviction;

/**
 * Approximated LRU by sampling, as Redis's {@code allkeys-lru} / {@code volatile-lru}: each entry
 * carries the tick of its last access; of {@code samples} random candidates, the one idle longest
 * is evicted. Redis reports that 5 samples come close to true LRU and 10 closer still, at more
 * CPU per eviction.
 */
final class SampledLru implements EvictionPolicy {
    private final int samples;
    private final boolean volatileOnly;

    SampledLru(final int samples, final boolean volatileOnly) {
        this.samples = EvictionPolicies.checkSamples(samples);
        this.volatileOnly = volatileOnly;
    }

    @Override
    public String name() {
        return volatileOnly ? "volatile-lru" : "allkeys-lru";
    }

    @Override
    public boolean evicts() {
        return true;
    }

    @Override
    public int sampleSize() {
        return samples;
    }

    @Override
    public int onInsert(final long keyHash, final long tick) {
        return (int) (tick & ACCESS_MASK);
    }

    @Override
    public int onAccess(final int access, final long keyHash, final long tick) {
        return (int) (tick & ACCESS_MASK);
    }

    @Override
    public long score(final int access, final long remainingTtlMs, final long tick) {
        if (volatileOnly && remainingTtlMs < 0) {
            return NOT_EVICTABLE;
        }
        return EvictionPolicy.age(access, tick);
    }

    @Override
    public String toString() {
        return name() + "(samples=" + samples + ")";
    }
}
