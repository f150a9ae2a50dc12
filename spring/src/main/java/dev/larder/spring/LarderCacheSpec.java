package dev.larder.spring;

import dev.larder.core.CacheOptions;
import dev.larder.core.Codec;
import dev.larder.strategies.LoadingCache;
import java.time.Duration;
import java.util.Objects;

/**
 * How one Spring cache is stored in Larder: key and value codecs, time to live, and whether it
 * holds {@code null} values. Immutable; every setter returns a new spec.
 *
 * <pre>{@code
 * LarderCacheSpec.defaults().ttl(Duration.ofMinutes(10))              // any Serializable value
 * LarderCacheSpec.of(Codecs.utf8(), Codecs.utf8()).ttl(Duration.ofSeconds(30))   // String -> String
 * }</pre>
 *
 * <p>{@link #defaults()} encodes keys with {@link DefaultKeyCodec} and values with
 * {@link JavaSerializationCodec}, never expires entries, and leaves {@code allowNullValues} to
 * the cache manager.
 *
 * @param <K> key type the codecs handle
 * @param <V> value type the codecs handle
 */
public final class LarderCacheSpec<K, V> {

    private static final LarderCacheSpec<Object, Object> DEFAULTS = new LarderCacheSpec<>(
        DefaultKeyCodec.create(), JavaSerializationCodec.create(), null, null, null, null, true, LoadingCache.DEFAULT_LOAD_TIMEOUT);

    private final Codec<K> keyCodec;
    private final Codec<V> valueCodec;
    private final Duration ttl;
    private final Duration expireAfterAccess;
    private final Integer maxEntrySize;
    private final Boolean allowNullValues;
    private final boolean recordStats;
    private final Duration loadTimeout;

    private LarderCacheSpec(final Codec<K> keyCodec, final Codec<V> valueCodec, final Duration ttl,
                            final Duration expireAfterAccess, final Integer maxEntrySize,
                            final Boolean allowNullValues, final boolean recordStats, final Duration loadTimeout) {
        this.keyCodec = keyCodec;
        this.valueCodec = valueCodec;
        this.ttl = ttl;
        this.expireAfterAccess = expireAfterAccess;
        this.maxEntrySize = maxEntrySize;
        this.allowNullValues = allowNullValues;
        this.recordStats = recordStats;
        this.loadTimeout = loadTimeout;
    }

    /** @return the default spec: any key, any {@code Serializable} value, no expiry */
    public static LarderCacheSpec<Object, Object> defaults() {
        return DEFAULTS;
    }

    /**
     * @param keyCodec   how keys are encoded
     * @param valueCodec how values are encoded
     * @param <K>        key type
     * @param <V>        value type
     * @return a spec with these codecs and otherwise default settings
     */
    public static <K, V> LarderCacheSpec<K, V> of(final Codec<K> keyCodec, final Codec<V> valueCodec) {
        return new LarderCacheSpec<>(Objects.requireNonNull(keyCodec, "key codec must not be null"),
            Objects.requireNonNull(valueCodec, "value codec must not be null"), null, null, null, null, true, LoadingCache.DEFAULT_LOAD_TIMEOUT);
    }

    /**
     * @param codec how keys are encoded
     * @param <K2>  the new key type
     * @return a copy with this key codec
     */
    public <K2> LarderCacheSpec<K2, V> keyCodec(final Codec<K2> codec) {
        return new LarderCacheSpec<>(Objects.requireNonNull(codec, "key codec must not be null"), valueCodec, ttl,
            expireAfterAccess, maxEntrySize, allowNullValues, recordStats, loadTimeout);
    }

    /**
     * @param codec how values are encoded
     * @param <V2>  the new value type
     * @return a copy with this value codec
     */
    public <V2> LarderCacheSpec<K, V2> valueCodec(final Codec<V2> codec) {
        return new LarderCacheSpec<>(keyCodec, Objects.requireNonNull(codec, "value codec must not be null"), ttl,
            expireAfterAccess, maxEntrySize, allowNullValues, recordStats, loadTimeout);
    }

    /**
     * @param timeToLive how long an entry lives after it is written; strictly positive
     * @return a copy with this time to live
     * @throws IllegalArgumentException if {@code timeToLive} is zero or negative
     */
    public LarderCacheSpec<K, V> ttl(final Duration timeToLive) {
        return new LarderCacheSpec<>(keyCodec, valueCodec, requirePositive(timeToLive, "ttl"), expireAfterAccess,
            maxEntrySize, allowNullValues, recordStats, loadTimeout);
    }

    /**
     * @param idle how long an entry lives after it was last read or written; strictly positive
     * @return a copy with this sliding expiry
     * @throws IllegalArgumentException if {@code idle} is zero or negative
     */
    public LarderCacheSpec<K, V> expireAfterAccess(final Duration idle) {
        return new LarderCacheSpec<>(keyCodec, valueCodec, ttl, requirePositive(idle, "expireAfterAccess"),
            maxEntrySize, allowNullValues, recordStats, loadTimeout);
    }

    /**
     * @param bytes the largest encoded key + value accepted; positive
     * @return a copy with this limit
     * @throws IllegalArgumentException if {@code bytes} is not positive
     */
    public LarderCacheSpec<K, V> maxEntrySize(final int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("maxEntrySize must be positive, was " + bytes);
        }
        return new LarderCacheSpec<>(keyCodec, valueCodec, ttl, expireAfterAccess, bytes, allowNullValues,
            recordStats, loadTimeout);
    }

    /**
     * @param allow whether {@code null} results are cached (as a one-byte marker) instead of
     *              rejected; overrides the cache manager's setting for this cache
     * @return a copy with this setting
     */
    public LarderCacheSpec<K, V> allowNullValues(final boolean allow) {
        return new LarderCacheSpec<>(keyCodec, valueCodec, ttl, expireAfterAccess, maxEntrySize, allow, recordStats,
            loadTimeout);
    }

    /**
     * @param enabled whether the Larder cache counts hits, misses, puts and the rest
     * @return a copy with this setting
     */
    public LarderCacheSpec<K, V> recordStats(final boolean enabled) {
        return new LarderCacheSpec<>(keyCodec, valueCodec, ttl, expireAfterAccess, maxEntrySize, allowNullValues,
            enabled, loadTimeout);
    }

    /**
     * @param timeout how long a {@code @Cacheable(sync = true)} caller waits for another thread's
     *                load of the same key before it fails with
     *                {@link dev.larder.strategies.LoadTimeoutException} (default 60 s); strictly positive
     * @return a copy with this timeout
     */
    public LarderCacheSpec<K, V> loadTimeout(final Duration timeout) {
        return new LarderCacheSpec<>(keyCodec, valueCodec, ttl, expireAfterAccess, maxEntrySize, allowNullValues,
            recordStats, requirePositive(timeout, "loadTimeout"));
    }

    /** @return how long a synchronized load waits for another thread's load of the same key */
    public Duration loadTimeout() {
        return loadTimeout;
    }

    /** @return the key codec */
    public Codec<K> keyCodec() {
        return keyCodec;
    }

    /** @return the value codec */
    public Codec<V> valueCodec() {
        return valueCodec;
    }

    /** @return the time to live after write, or {@code null} for none */
    public Duration ttl() {
        return ttl;
    }

    /** @return the time to live after access, or {@code null} for none */
    public Duration expireAfterAccess() {
        return expireAfterAccess;
    }

    /** @return the null-value setting, or {@code null} to follow the cache manager */
    public Boolean allowNullValues() {
        return allowNullValues;
    }

    /** @return the Larder options this spec creates its cache with */
    public CacheOptions toOptions() {
        CacheOptions options = CacheOptions.defaults().recordStats(recordStats);
        if (ttl != null) {
            options = options.expireAfterWrite(ttl);
        }
        if (expireAfterAccess != null) {
            options = options.expireAfterAccess(expireAfterAccess);
        }
        if (maxEntrySize != null) {
            options = options.maxEntrySize(maxEntrySize);
        }
        return options;
    }

    private static Duration requirePositive(final Duration d, final String what) {
        Objects.requireNonNull(d, what + " must not be null");
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, was " + d);
        }
        return d;
    }

    @Override
    public String toString() {
        return "LarderCacheSpec{keyCodec=" + keyCodec.id() + ", valueCodec=" + valueCodec.id() + ", ttl=" + ttl
            + ", expireAfterAccess=" + expireAfterAccess + ", maxEntrySize=" + maxEntrySize
            + ", allowNullValues=" + allowNullValues + ", recordStats=" + recordStats + ", loadTimeout=" + loadTimeout + '}';
    }
}
