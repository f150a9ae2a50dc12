package dev.larder.strategies;

import dev.larder.core.Cache;
import java.util.Objects;
import java.util.function.Function;

/**
 * Cache-aside ("lazy loading") reads: look in the cache, and on a miss load from the system of
 * record, store the result, and return it.
 *
 * <pre>{@code
 * User user = CacheAside.getOrLoad(users, id, userDao::findById);
 * }</pre>
 *
 * <h2>Design</h2>
 * This is the pattern a service usually hand-writes around Redis ({@code GET}, on a miss query
 * the database, then {@code SET}), moved in-process. The loader runs on the calling thread,
 * <em>outside</em> any lock of the store: a slow database call never holds up other writers, and
 * the loader may itself use the same Larder. The cost of that choice is that two threads that
 * miss on the same key at the same time may both call the loader (no single-flight); the first
 * value stored wins, later loads do not overwrite it ({@link Cache#putIfAbsent}), and every caller
 * gets back the value that is in the cache. A write that reaches the cache while a load is in
 * flight is therefore never overwritten by the (possibly older) loaded value.
 *
 * <p>A loader that returns {@code null} means "no such record": nothing is stored and
 * {@code null} is returned, so the next call asks the loader again (no negative caching). A
 * loader that throws stores nothing, and its exception reaches the caller unchanged.
 *
 * <p>For single flight (one loader call per key however many threads miss), bulk loading,
 * negative caching and early refresh, use {@link LoadingCache}; this helper is the minimal,
 * stateless form.
 *
 * <p>Stored values take the cache's own expiry ({@link dev.larder.core.CacheOptions#expireAfterWrite}).
 */
public final class CacheAside {

    private CacheAside() {
    }

    /**
     * Returns the cached value for {@code key}, loading and caching it on a miss.
     *
     * @param cache  the cache to read through
     * @param key    the key
     * @param loader reads the value from the system of record; may return {@code null} for "absent"
     * @param <K>    key type
     * @param <V>    value type
     * @return the cached or freshly loaded value, or {@code null} if the loader found nothing
     * @throws NullPointerException if {@code cache}, {@code key} or {@code loader} is {@code null}
     * @throws RuntimeException     whatever the loader throws; nothing is cached then
     */
    public static <K, V> V getOrLoad(final Cache<K, V> cache, final K key, final Function<? super K, ? extends V> loader) {
        Objects.requireNonNull(cache, "cache must not be null");
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(loader, "loader must not be null");

        final V cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        final V loaded = loader.apply(key);
        if (loaded == null) {
            return null;
        }
        if (cache.putIfAbsent(key, loaded)) {
            return loaded;
        }
        // Another thread stored a value while we were loading: theirs is in the cache, return it.
        // If it has already gone again (removed, expired, evicted), ours is still a valid answer.
        final V winner = cache.get(key);
        return winner != null ? winner : loaded;
    }
}
