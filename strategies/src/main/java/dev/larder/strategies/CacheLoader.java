package dev.larder.strategies;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads values from the system of record (a database, a remote service) for a
 * {@link LoadingCache}, as JSR-107's {@code javax.cache.integration.CacheLoader}.
 *
 * <h2>Design</h2>
 * A loader is called only on a miss, and for one key by at most one thread at a time (the
 * loading cache's single flight). Returning {@code null} means "no such record": nothing is
 * stored (unless negative caching is on). Any exception means "could not tell": nothing is
 * stored, and every caller waiting for the key gets a {@link CacheLoaderException} whose cause is
 * the exception thrown here. Loaders may throw checked exceptions (for example
 * {@link java.sql.SQLException}) without wrapping them.
 *
 * @param <K> key type
 * @param <V> value type
 */
@FunctionalInterface
public interface CacheLoader<K, V> {

    /**
     * Loads the value of one key.
     *
     * @param key the key, never {@code null}
     * @return the value, or {@code null} if the system of record has none
     * @throws Exception if the system of record could not be read; nothing is cached then
     */
    V load(K key) throws Exception;

    /**
     * Loads several keys in one go (one SQL {@code IN (...)} query, one multi-get). The loading
     * cache calls it once per {@link LoadingCache#getAll} with exactly the keys that were missing.
     * The default calls {@link #load} for each key.
     *
     * @param keys the keys to load, never empty; read-only
     * @return the values found; keys without a value are simply absent (a {@code null} value
     *         counts as absent too); keys that were not asked for are ignored
     * @throws Exception if the system of record could not be read; nothing is cached then
     */
    default Map<K, V> loadAll(final Set<? extends K> keys) throws Exception {
        final Map<K, V> found = new HashMap<>();
        for (final K key : keys) {
            final V value = load(key);
            if (value != null) {
                found.put(key, value);
            }
        }
        return found;
    }
}
