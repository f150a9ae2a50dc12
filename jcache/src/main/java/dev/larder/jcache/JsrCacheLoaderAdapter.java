package dev.larder.jcache;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.cache.integration.CacheLoaderException;

/**
 * A JSR-107 {@link javax.cache.integration.CacheLoader} seen through the strategies module's
 * {@link dev.larder.strategies.CacheLoader} contract, so that {@link LarderJCache}'s read-through
 * runs on strategies' single flight ({@link dev.larder.strategies.SingleFlight}).
 *
 * <h2>Design</h2>
 * The two contracts already agree: {@code null} means "no value", {@code loadAll} returns the
 * values found and leaves out the keys without one. The adapter passes calls and exceptions
 * through unchanged (a JSR-107 loader's {@link CacheLoaderException} reaches the cache as is), and
 * turns a {@code null} map from {@code loadAll}, which strategies' contract forbids, into "nothing
 * found". {@link #toJsr} turns what a load or a wait for another thread's load threw into the
 * exception JSR-107 callers expect.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class JsrCacheLoaderAdapter<K, V> implements dev.larder.strategies.CacheLoader<K, V> {

    private final javax.cache.integration.CacheLoader<K, V> loader;

    JsrCacheLoaderAdapter(final javax.cache.integration.CacheLoader<K, V> loader) {
        this.loader = Objects.requireNonNull(loader, "loader must not be null");
    }

    @Override
    public V load(final K key) {
        return loader.load(key);
    }

    @Override
    public Map<K, V> loadAll(final Set<? extends K> keys) {
        final Map<K, V> found = loader.loadAll(keys);
        return found == null ? Map.of() : found;
    }

    /**
     * The exception a JSR-107 caller gets for a failed load: the loader's own
     * {@link CacheLoaderException} as it was thrown; a strategies {@code CacheLoaderException}
     * (another thread's load failed, the wait timed out, the load was recursive) wrapped in a
     * JSR-107 one with its message, so its cause chain still leads to what the loader threw; any
     * other exception wrapped. An {@link Error} is rethrown.
     *
     * @param t what the load or the wait threw
     * @return the exception to throw
     */
    static CacheLoaderException toJsr(final Throwable t) {
        if (t instanceof Error error) {
            throw error;
        }
        if (t instanceof CacheLoaderException jsr) {
            return jsr;
        }
        if (t instanceof dev.larder.strategies.CacheLoaderException strategies) {
            return new CacheLoaderException(strategies.getMessage(), strategies);
        }
        return new CacheLoaderException(t);
    }
}
