package dev.larder.strategies;

import dev.larder.core.Cache;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Write-through: every write goes to the store of record first, through a {@link CacheWriter},
 * and reaches the cache only if that succeeded. Reads go through a {@link LoadingCache}
 * (read-through when it has a loader).
 *
 * <pre>{@code
 * LoadingCache<Long, Product> reads = LoadingCache.of(cache, dao::findById);
 * WriteThroughCache<Long, Product> products = WriteThroughCache.of(reads, productWriter);
 * products.put(42L, product);   // UPDATE ... then cache
 * products.remove(42L);         // DELETE ... then cache
 * }</pre>
 *
 * <h2>Design</h2>
 * JSR-107 semantics: if the writer throws, the cache is unchanged and the caller gets a
 * {@link CacheWriterException} with the writer's exception as cause. For the bulk methods the
 * writer's partial-success rule applies (see {@link CacheWriter}): entries the writer applied
 * before failing are applied to the cache too, the others are not.
 *
 * <p>Writers of one key are serialized by a striped lock held across "store of record, then
 * cache", so the cache can never end up holding an older value than the store of record because
 * two writers interleaved. The lock is this object's: writes made around it (directly on the
 * cache or the database) are not ordered with these. Cache updates go through
 * {@link LoadingCache#put}/{@link LoadingCache#invalidate}, so a load of the key that is in flight
 * cannot store the value it read before the write.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class WriteThroughCache<K, V> {

    private static final int STRIPES = 1024;

    private final LoadingCache<K, V> loading;
    private final CacheWriter<K, V> writer;
    private final KeyLocks locks = new KeyLocks(STRIPES);

    private WriteThroughCache(final LoadingCache<K, V> loading, final CacheWriter<K, V> writer) {
        this.loading = Objects.requireNonNull(loading, "loading cache must not be null");
        this.writer = Objects.requireNonNull(writer, "writer must not be null");
    }

    /**
     * @param loading the read side (its loader, if any, makes {@link #get} read-through)
     * @param writer  writes to the store of record
     * @param <K>     key type
     * @param <V>     value type
     * @return a write-through cache over {@code loading}
     * @throws NullPointerException if an argument is {@code null}
     */
    public static <K, V> WriteThroughCache<K, V> of(final LoadingCache<K, V> loading, final CacheWriter<K, V> writer) {
        return new WriteThroughCache<>(loading, writer);
    }

    /**
     * @param cache  the cache (reads are plain cache reads: no loader)
     * @param writer writes to the store of record
     * @param <K>    key type
     * @param <V>    value type
     * @return a write-through cache over {@code cache}
     * @throws NullPointerException if an argument is {@code null}
     */
    public static <K, V> WriteThroughCache<K, V> of(final Cache<K, V> cache, final CacheWriter<K, V> writer) {
        return new WriteThroughCache<>(LoadingCache.builder(cache).build(), writer);
    }

    /** @return the read side */
    public LoadingCache<K, V> loading() {
        return loading;
    }

    /** @return the underlying cache */
    public Cache<K, V> cache() {
        return loading.cache();
    }

    /**
     * Reads through the loading cache: its loader on a miss if it has one, otherwise the cached
     * value or {@code null}.
     *
     * @param key the key
     * @return the value, or {@code null}
     * @throws NullPointerException if {@code key} is {@code null}
     * @throws CacheLoaderException if loading failed
     */
    public V get(final K key) {
        return loading.hasLoader() ? loading.get(key) : loading.getIfPresent(key);
    }

    /**
     * Writes {@code value} to the store of record, then to the cache.
     *
     * @param key   the key
     * @param value the value
     * @throws NullPointerException if an argument is {@code null}
     * @throws CacheWriterException if the writer failed; the cache is unchanged
     */
    public void put(final K key, final V value) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(value, "value must not be null");
        final var lock = locks.lockFor(key);
        lock.lock();
        try {
            try {
                writer.write(key, value);
            } catch (final Exception e) {
                throw writeFailed("writing key " + key, e);
            }
            loading.put(key, value);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Writes all entries with one {@link CacheWriter#writeAll} call, then puts into the cache the
     * ones the writer applied.
     *
     * @param entries the entries
     * @throws NullPointerException if {@code entries} or a key or value in it is {@code null}
     * @throws CacheWriterException if the writer failed; the entries it did not apply are not in
     *                              the cache, the ones it applied are
     */
    public void putAll(final Map<? extends K, ? extends V> entries) {
        Objects.requireNonNull(entries, "entries must not be null");
        final List<Map.Entry<K, V>> batch = new ArrayList<>(entries.size());
        for (final Map.Entry<? extends K, ? extends V> entry : entries.entrySet()) {
            batch.add(new AbstractMap.SimpleImmutableEntry<>(
                Objects.requireNonNull(entry.getKey(), "entries must not contain a null key"),
                Objects.requireNonNull(entry.getValue(), "entries must not contain a null value")));
        }
        if (batch.isEmpty()) {
            return;
        }
        final int[] held = locks.lockAll(entries.keySet());
        try {
            final List<Map.Entry<K, V>> pending = new ArrayList<>(batch);
            Exception failure = null;
            try {
                writer.writeAll(pending);
            } catch (final Exception e) {
                failure = e;
            }
            final Set<Map.Entry<K, V>> notWritten = Collections.newSetFromMap(new IdentityHashMap<>());
            if (failure != null) {
                notWritten.addAll(pending);
            }
            for (final Map.Entry<K, V> entry : batch) {
                if (!notWritten.contains(entry)) {
                    loading.put(entry.getKey(), entry.getValue());
                }
            }
            if (failure != null) {
                throw writeFailed("writing " + notWritten.size() + " of " + batch.size() + " entries", failure);
            }
        } finally {
            locks.unlock(held);
        }
    }

    /**
     * Deletes {@code key} from the store of record, then from the cache.
     *
     * @param key the key
     * @return {@code true} if the cache held a value for it
     * @throws NullPointerException if {@code key} is {@code null}
     * @throws CacheWriterException if the writer failed; the cache is unchanged
     */
    public boolean remove(final K key) {
        Objects.requireNonNull(key, "key must not be null");
        final var lock = locks.lockFor(key);
        lock.lock();
        try {
            try {
                writer.delete(key);
            } catch (final Exception e) {
                throw writeFailed("deleting key " + key, e);
            }
            return loading.invalidate(key);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes all keys with one {@link CacheWriter#deleteAll} call, then removes from the cache
     * the ones the writer deleted.
     *
     * @param keys the keys
     * @throws NullPointerException if {@code keys} or one of them is {@code null}
     * @throws CacheWriterException if the writer failed; keys it did not delete stay in the cache
     */
    public void removeAll(final Set<? extends K> keys) {
        Objects.requireNonNull(keys, "keys must not be null");
        final Set<K> batch = new LinkedHashSet<>();
        for (final K key : keys) {
            batch.add(Objects.requireNonNull(key, "keys must not contain null"));
        }
        if (batch.isEmpty()) {
            return;
        }
        final int[] held = locks.lockAll(batch);
        try {
            final List<K> pending = new ArrayList<>(batch);
            Exception failure = null;
            try {
                writer.deleteAll(pending);
            } catch (final Exception e) {
                failure = e;
            }
            final Set<K> notDeleted = failure == null ? Set.of() : new LinkedHashSet<>(pending);
            for (final K key : batch) {
                if (!notDeleted.contains(key)) {
                    loading.invalidate(key);
                }
            }
            if (failure != null) {
                throw writeFailed("deleting " + notDeleted.size() + " of " + batch.size() + " keys", failure);
            }
        } finally {
            locks.unlock(held);
        }
    }

    private CacheWriterException writeFailed(final String what, final Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new CacheWriterException(what + " of cache '" + loading.cache().name()
            + "' to the store of record failed; the cache was not changed for it: " + e, e);
    }
}
