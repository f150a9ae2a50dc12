package dev.larder.spring;

import dev.larder.core.CodecException;
import dev.larder.strategies.CacheLoaderException;
import dev.larder.strategies.LoadingCache;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.cache.support.AbstractValueAdaptingCache;
import org.springframework.cache.support.NullValue;

/**
 * A Spring {@link org.springframework.cache.Cache} stored in a Larder {@link dev.larder.core.Cache}.
 * Made by {@link LarderCacheManager}.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>Values are stored by value (encoded off heap): a caller never sees another caller's
 *       later changes to an object it cached; each read decodes a fresh copy.</li>
 *   <li>{@code null} values: when allowed, {@code null} is stored as a one-byte marker and read
 *       back as {@code null} (a hit, distinct from a miss); when not allowed, caching
 *       {@code null} fails with {@link IllegalArgumentException}, as Spring's own caches do.</li>
 *   <li>{@link #get(Object, Callable)} ({@code @Cacheable(sync = true)}) is single-flight, through
 *       the strategies module's {@link LoadingCache}: for concurrent misses on one key the loader
 *       runs once and every caller gets its result. A loader exception reaches each of them
 *       wrapped in {@link org.springframework.cache.Cache.ValueRetrievalException}; nothing is
 *       cached. A caller that waits longer than the spec's load timeout for another thread's
 *       load gets a {@link dev.larder.strategies.LoadTimeoutException}; a loader that asks for its
 *       own key on the same thread gets a {@link dev.larder.strategies.RecursiveLoadException}
 *       instead of a deadlock. {@link #put} and {@link #evict} during a load keep the (older)
 *       loaded value from being stored.</li>
 *   <li>{@link #putIfAbsent} is one atomic step; {@link #evict}, {@link #evictIfPresent},
 *       {@link #clear} and {@link #invalidate} take effect immediately (none is deferred).</li>
 *   <li>{@link #retrieve(Object, Supplier)} (asynchronous {@code @Cacheable} methods) is
 *       single-flight per key as well.</li>
 *   <li>A value the codec cannot encode fails with {@link UnserializableValueException} (default
 *       codec) or Larder's {@link CodecException} (other codecs); the cache is unchanged.</li>
 * </ul>
 */
public final class LarderSpringCache extends AbstractValueAdaptingCache {

    private final String name;
    private final dev.larder.core.Cache<Object, Object> cache;
    private final LoadingCache<Object, Object> loading;
    private final ConcurrentHashMap<Object, CompletableFuture<Object>> asyncFlights = new ConcurrentHashMap<>();

    /**
     * @param name            the Spring cache name
     * @param cache           the Larder cache holding the entries; when {@code allowNullValues}
     *                        is on, its value codec must store {@link org.springframework.cache.support.NullValue}
     * @param allowNullValues whether {@code null} values are cached
     */
    LarderSpringCache(final String name, final dev.larder.core.Cache<Object, Object> cache,
                      final boolean allowNullValues, final Duration loadTimeout) {
        super(allowNullValues);
        this.name = Objects.requireNonNull(name, "name must not be null");
        this.cache = Objects.requireNonNull(cache, "cache must not be null");
        this.loading = LoadingCache.builder(cache).loadTimeout(loadTimeout).build();
    }

    @Override
    public String getName() {
        return name;
    }

    /** @return the Larder {@link dev.larder.core.Cache} (keys and values as Spring passes them) */
    @Override
    public dev.larder.core.Cache<Object, Object> getNativeCache() {
        return cache;
    }

    @Override
    protected Object lookup(final Object key) {
        try {
            return cache.get(key);
        } catch (final CodecException e) {
            throw translate(e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T get(final Object key, final Callable<T> valueLoader) {
        Objects.requireNonNull(valueLoader, "valueLoader must not be null");
        final boolean allowNulls = isAllowNullValues();
        final Object stored;
        try {
            stored = loading.getOrLoad(key, k -> {
                final Object value;
                try {
                    value = valueLoader.call();
                } catch (final Exception e) {
                    throw new LoaderFailure(e);
                }
                // null: cache the marker if allowed, else "absent" (nothing stored), rejected below.
                return value != null ? value : allowNulls ? NullValue.INSTANCE : null;
            });
        } catch (final CodecException e) {
            throw translate(e);
        } catch (final CacheLoaderException e) {
            // The leader's loader failure (for waiters too) becomes Spring's ValueRetrievalException;
            // a wait that timed out or a recursive load of the same key stays as it is (typed).
            for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
                if (c instanceof LoaderFailure failure) {
                    throw new ValueRetrievalException(key, valueLoader, failure.getCause());
                }
                if (c instanceof CodecException codec) {
                    throw translate(codec);
                }
            }
            throw e;
        }
        if (stored == null) {
            toStoreValue(null); // null values not allowed: Spring's IllegalArgumentException, nothing cached
        }
        return (T) fromStoreValue(stored);
    }

    /** Carries a value loader's exception through the loading cache, to tell it from other failures. */
    private static final class LoaderFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LoaderFailure(final Exception cause) {
            super(cause);
        }
    }

    /**
     * Returns a completed future for a cached value (a {@link ValueWrapper} when null values are
     * allowed, the value itself otherwise), or {@code null} for a miss, as
     * {@link org.springframework.cache.Cache#retrieve(Object)} allows for a cache that knows at
     * once.
     */
    @Override
    public CompletableFuture<?> retrieve(final Object key) {
        final Object stored = lookup(key);
        if (stored == null) {
            return null;
        }
        return CompletableFuture.completedFuture(isAllowNullValues() ? toValueWrapper(stored) : fromStoreValue(stored));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> CompletableFuture<T> retrieve(final Object key, final Supplier<CompletableFuture<T>> valueLoader) {
        Objects.requireNonNull(valueLoader, "valueLoader must not be null");
        final Object stored = lookup(key);
        if (stored != null) {
            return CompletableFuture.completedFuture((T) fromStoreValue(stored));
        }
        final CompletableFuture<Object> mine = new CompletableFuture<>();
        final CompletableFuture<Object> running = asyncFlights.putIfAbsent(key, mine);
        if (running != null) {
            return running.thenApply(v -> (T) fromStoreValue(v));
        }
        try {
            valueLoader.get().whenComplete((value, failure) -> {
                if (failure != null) {
                    asyncFlights.remove(key, mine);
                    mine.completeExceptionally(failure);
                    return;
                }
                try {
                    final Object storeValue = toStoreValue(value);
                    store(key, storeValue);
                    asyncFlights.remove(key, mine);
                    mine.complete(storeValue);
                } catch (final RuntimeException | Error e) {
                    asyncFlights.remove(key, mine);
                    mine.completeExceptionally(e);
                }
            });
        } catch (final RuntimeException | Error e) {
            asyncFlights.remove(key, mine);
            mine.completeExceptionally(e);
        }
        return mine.thenApply(v -> (T) fromStoreValue(v));
    }

    @Override
    public void put(final Object key, final Object value) {
        store(key, toStoreValue(value));
    }

    /**
     * Stores {@code value} only if {@code key} has no entry, in one atomic step.
     *
     * @return {@code null} if the value was stored; otherwise a wrapper of the value already
     *         cached (wrapping {@code null} for a cached null)
     */
    @Override
    public ValueWrapper putIfAbsent(final Object key, final Object value) {
        final Object storeValue = toStoreValue(value);
        final Object existing;
        try {
            existing = cache.invoke(key, entry -> {
                if (entry.exists()) {
                    return entry.getValue();
                }
                entry.setValue(storeValue);
                return null;
            });
        } catch (final CodecException e) {
            throw translate(e);
        }
        return existing == null ? null : toValueWrapper(existing);
    }

    @Override
    public void evict(final Object key) {
        evictIfPresent(key);
    }

    /** @return {@code true} if the key had an entry, now removed */
    @Override
    public boolean evictIfPresent(final Object key) {
        try {
            return loading.invalidate(key); // also keeps an in-flight load of the key from storing its value
        } catch (final CodecException e) {
            throw translate(e);
        }
    }

    /** Removes every entry now (counted as removals in the cache's statistics). */
    @Override
    public void clear() {
        cache.removeAll();
    }

    /** @return {@code true} if the cache held at least one unexpired entry before */
    @Override
    public boolean invalidate() {
        final boolean hadEntries = cache.iterator().hasNext();
        cache.removeAll();
        return hadEntries;
    }

    private void store(final Object key, final Object storeValue) {
        try {
            loading.put(key, storeValue); // also keeps an in-flight load of the key from storing an older value
        } catch (final CodecException e) {
            throw translate(e);
        }
    }

    /** A serialization failure becomes an {@link UnserializableValueException} naming this cache. */
    private RuntimeException translate(final CodecException e) {
        if (e.getCause() instanceof UnserializableValueException u) {
            return new UnserializableValueException(u.typeName(), "cache '" + name + "': " + u.getMessage(), e);
        }
        return e;
    }

    @Override
    public String toString() {
        return "LarderSpringCache{name=" + name + ", allowNullValues=" + isAllowNullValues()
            + ", options=" + cache.options() + '}';
    }
}
