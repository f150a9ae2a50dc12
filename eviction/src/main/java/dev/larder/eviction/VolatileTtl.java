package dev.larder.eviction;

/** {@code volatile-ttl}: of the sampled entries with a TTL, the one that would expire soonest. */
final class VolatileTtl implements EvictionPolicy {
    private final int samples;

    VolatileTtl(final int samples) {
        this.samples = EvictionPolicies.checkSamples(samples);
    }

    @Override
    public String name() {
        return "volatile-ttl";
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
        return 0;
    }

    @Override
    public int onAccess(final int access, final long keyHash, final long tick) {
        return access;
    }

    @Override
    public long score(final int access, final long remainingTtlMs, final long tick) {
        if (remainingTtlMs < 0) {
            return NOT_EVICTABLE;
        }
        return Long.MAX_VALUE / 2 - remainingTtlMs;
    }

    @Override
    public String toString() {
        return name() + "(samples=" + samples + ")";
    }
}
