package dev.larder.structures;

import dev.larder.core.Cache;
import dev.larder.core.Codecs;
import dev.larder.core.Larder;
import java.util.Objects;

/**
 * Redis-style integer counters ({@code INCR}, {@code INCRBY}, {@code DECR}, {@code DECRBY},
 * {@code GET}, {@code SET}) on a Larder {@link Cache} whose values are 64-bit integers.
 *
 * <pre>{@code
 * Counters<String> hits = Counters.of(larder, "page-hits");
 * hits.incr("/home");          // 1
 * hits.incrBy("/home", 10);    // 11
 * hits.get("/home");           // 11
 * }</pre>
 *
 * <h2>Design</h2>
 * A counter is an ordinary entry whose value is a {@code long} (8 bytes with {@link Codecs#int64()}).
 * Every read-modify-write runs inside {@link Cache#compute}, which the store makes atomic per key:
 * concurrent increments of one key are serialized by the store's per-key write path and none is
 * lost, while increments of different keys do not contend, and readers ({@link #get}) never block.
 * This class holds no lock and no state of its own beyond the cache it wraps, so any number of
 * {@code Counters} views over the same cache agree.
 *
 * <p>As in Redis, a missing counter counts as 0, and an operation whose result does not fit in a
 * signed 64-bit integer fails with {@link ArithmeticException} and leaves the counter unchanged
 * (Redis answers {@code ERR increment or decrement would overflow}). Expiry follows the wrapped
 * cache: a counter created by {@code incr} gets the cache's default expiry, if it has one.
 *
 * @param <K> the counter's key type
 */
public final class Counters<K> {

    private final Cache<K, Long> cache;

    /**
     * @param cache where the counters live; its values should be encoded with {@link Codecs#int64()}
     */
    public Counters(final Cache<K, Long> cache) {
        this.cache = Objects.requireNonNull(cache, "cache must not be null");
    }

    /**
     * Counters keyed by strings in the cache {@code name} of {@code larder}, created with
     * {@link Codecs#utf8()} keys and {@link Codecs#int64()} values if it does not exist yet.
     *
     * @param larder the Larder that holds the counters
     * @param name   the cache's name
     * @return counters over that cache
     * @throws dev.larder.core.CacheConfigurationException if {@code name} exists with other codecs
     */
    public static Counters<String> of(final Larder larder, final String name) {
        Objects.requireNonNull(larder, "larder must not be null");
        return new Counters<>(larder.cache(name, Codecs.utf8(), Codecs.int64()));
    }

    /** @return the cache the counters live in */
    public Cache<K, Long> cache() {
        return cache;
    }

    /**
     * Adds one (Redis {@code INCR}).
     *
     * @param key the counter
     * @return the value after the increment
     * @throws ArithmeticException if the counter is already {@link Long#MAX_VALUE}; it is unchanged
     */
    public long incr(final K key) {
        return incrBy(key, 1L);
    }

    /**
     * Adds {@code delta}, which may be negative (Redis {@code INCRBY}).
     *
     * @param key   the counter
     * @param delta how much to add
     * @return the value after the addition
     * @throws ArithmeticException if the result overflows a {@code long}; the counter is unchanged
     */
    public long incrBy(final K key, final long delta) {
        Objects.requireNonNull(key, "key must not be null");
        final Long result = cache.compute(key, (k, current) -> {
            final long base = current == null ? 0L : current;
            final long sum = base + delta;
            // Overflow iff both operands have the sign opposite to the result (Hacker's Delight 2-13).
            if (((base ^ sum) & (delta ^ sum)) < 0) {
                throw overflow(k, base, "increment", delta);
            }
            return sum;
        });
        return result;
    }

    /**
     * Subtracts one (Redis {@code DECR}).
     *
     * @param key the counter
     * @return the value after the decrement
     * @throws ArithmeticException if the counter is already {@link Long#MIN_VALUE}; it is unchanged
     */
    public long decr(final K key) {
        return decrBy(key, 1L);
    }

    /**
     * Subtracts {@code delta}, which may be negative (Redis {@code DECRBY}).
     *
     * @param key   the counter
     * @param delta how much to subtract
     * @return the value after the subtraction
     * @throws ArithmeticException if the result overflows a {@code long}; the counter is unchanged
     */
    public long decrBy(final K key, final long delta) {
        Objects.requireNonNull(key, "key must not be null");
        final Long result = cache.compute(key, (k, current) -> {
            final long base = current == null ? 0L : current;
            final long difference = base - delta;
            // Overflow iff the operands have different signs and the result's sign differs from base's.
            if (((base ^ delta) & (base ^ difference)) < 0) {
                throw overflow(k, base, "decrement", delta);
            }
            return difference;
        });
        return result;
    }

    /**
     * Reads a counter (Redis {@code GET}). Never blocks.
     *
     * @param key the counter
     * @return its value, or {@code null} if it does not exist (or has expired)
     */
    public Long get(final K key) {
        return cache.get(key);
    }

    /**
     * Reads a counter, treating a missing one as 0, the value {@link #incr} would start from.
     *
     * @param key the counter
     * @return its value, or 0 if it does not exist
     */
    public long getOrZero(final K key) {
        final Long value = cache.get(key);
        return value == null ? 0L : value;
    }

    /**
     * Sets a counter (Redis {@code SET}).
     *
     * @param key   the counter
     * @param value its new value
     */
    public void set(final K key, final long value) {
        cache.put(key, value);
    }

    /**
     * Deletes a counter (Redis {@code DEL}); a later {@link #incr} starts again from 0.
     *
     * @param key the counter
     * @return {@code true} if it existed
     */
    public boolean remove(final K key) {
        return cache.remove(key);
    }

    private ArithmeticException overflow(final Object key, final long current, final String operation,
                                         final long delta) {
        return new ArithmeticException(String.format(
            "%s would overflow: counter '%s' in cache '%s' is %,d and the %s is %,d (a counter is a signed 64-bit integer)",
            operation, key, cache.name(), current, operation, delta));
    }
}
