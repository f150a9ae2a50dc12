package dev.larder.core;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-cache settings, immutable. Start from {@link #defaults()} and derive with the {@code with}
 * methods:
 * <pre>{@code
 * CacheOptions.defaults().expireAfterWrite(Duration.ofMinutes(10)).maxEntrySize(64 << 10)
 * }</pre>
 */
public final class CacheOptions {

    /** Default largest entry (key + value bytes): 1 MiB, as memcached's default item size. */
    public static final int DEFAULT_MAX_ENTRY_SIZE = 1 << 20;

    private static final CacheOptions DEFAULTS = new CacheOptions(null, null, DEFAULT_MAX_ENTRY_SIZE, true);

    private final Duration expireAfterWrite;
    private final Duration expireAfterAccess;
    private final int maxEntrySize;
    private final boolean recordStats;

    private CacheOptions(final Duration expireAfterWrite, final Duration expireAfterAccess,
                         final int maxEntrySize, final boolean recordStats) {
        this.expireAfterWrite = expireAfterWrite;
        this.expireAfterAccess = expireAfterAccess;
        this.maxEntrySize = maxEntrySize;
        this.recordStats = recordStats;
    }

    /** @return no expiry, 1 MiB entries, statistics on */
    public static CacheOptions defaults() {
        return DEFAULTS;
    }

    /**
     * @param ttl time to live after each write; strictly positive
     * @return a copy with this setting
     */
    public CacheOptions expireAfterWrite(final Duration ttl) {
        return new CacheOptions(requirePositive(ttl, "expireAfterWrite"), expireAfterAccess, maxEntrySize, recordStats);
    }

    /**
     * @param ttl time to live after each read or write (a sliding window); strictly positive
     * @return a copy with this setting
     */
    public CacheOptions expireAfterAccess(final Duration ttl) {
        return new CacheOptions(expireAfterWrite, requirePositive(ttl, "expireAfterAccess"), maxEntrySize, recordStats);
    }

    /**
     * @param bytes the largest key + value size accepted, in bytes; positive
     * @return a copy with this setting
     */
    public CacheOptions maxEntrySize(final int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("maxEntrySize must be positive, was " + bytes);
        }
        return new CacheOptions(expireAfterWrite, expireAfterAccess, bytes, recordStats);
    }

    /**
     * @param enabled whether hits, misses and the other counters are recorded
     * @return a copy with this setting
     */
    public CacheOptions recordStats(final boolean enabled) {
        return new CacheOptions(expireAfterWrite, expireAfterAccess, maxEntrySize, enabled);
    }

    /** @return time to live after write, or {@code null} */
    public Duration expireAfterWrite() {
        return expireAfterWrite;
    }

    /** @return time to live after access, or {@code null} */
    public Duration expireAfterAccess() {
        return expireAfterAccess;
    }

    /** @return the largest key + value size accepted, in bytes */
    public int maxEntrySize() {
        return maxEntrySize;
    }

    /** @return whether statistics are recorded */
    public boolean recordStats() {
        return recordStats;
    }

    static Duration requirePositive(final Duration ttl, final String what) {
        Objects.requireNonNull(ttl, what + " must not be null");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + ttl);
        }
        return ttl;
    }

    @Override
    public boolean equals(final Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof CacheOptions)) {
            return false;
        }
        final CacheOptions that = (CacheOptions) o;
        return maxEntrySize == that.maxEntrySize && recordStats == that.recordStats
            && Objects.equals(expireAfterWrite, that.expireAfterWrite)
            && Objects.equals(expireAfterAccess, that.expireAfterAccess);
    }

    @Override
    public int hashCode() {
        return Objects.hash(expireAfterWrite, expireAfterAccess, maxEntrySize, recordStats);
    }

    @Override
    public String toString() {
        return "CacheOptions{expireAfterWrite=" + expireAfterWrite + ", expireAfterAccess=" + expireAfterAccess
            + ", maxEntrySize=" + maxEntrySize + ", recordStats=" + recordStats + '}';
    }
}
