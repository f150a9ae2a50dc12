package dev.larder.eviction;

import java.util.concurrent.ThreadLocalRandom;

/** {@code allkeys-random} / {@code volatile-random}: any sampled entry (with a TTL, for volatile). */
final class RandomEviction implements EvictionPolicy {
    private final boolean volatileOnly;

    RandomEviction(final boolean volatileOnly) {
        this.volatileOnly = volatileOnly;
    }

    @Override
    public String name() {
        return volatileOnly ? "volatile-random" : "allkeys-random";
    }

    @Override
    public boolean evicts() {
        return true;
    }

    @Override
    public int sampleSize() {
        // one random entry is enough for allkeys; volatile needs a few to find one with a TTL
        return volatileOnly ? EvictionPolicies.DEFAULT_SAMPLES : 1;
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
        if (volatileOnly && remainingTtlMs < 0) {
            return NOT_EVICTABLE;
        }
        return ThreadLocalRandom.current().nextLong(Long.MAX_VALUE - 1);
    }

    @Override
    public String toString() {
        return name();
    }
}
