package dev.larder.jcache;

import dev.larder.core.Larder;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.Configuration;
import javax.cache.spi.CachingProvider;

/**
 * A JSR-107 {@link CacheManager} whose caches keep their entries in Larder's off-heap memory.
 *
 * <p>The manager's caches share one {@link Larder} (one memory budget, one eviction policy),
 * built when the first cache is created and closed with the manager. Its size and policy come
 * from the manager's properties:
 * <table>
 *   <caption>Cache manager properties</caption>
 *   <tr><th>property</th><th>meaning</th><th>default</th></tr>
 *   <tr><td>{@value #MAX_MEMORY}</td><td>budget of the shared store, in bytes</td><td>64 MiB</td></tr>
 *   <tr><td>{@value #EVICTION_POLICY}</td><td>Redis {@code maxmemory-policy} name</td><td>{@code w-tinylfu}</td></tr>
 * </table>
 * A cache created from a {@link LarderConfiguration} with a budget or a policy of its own gets a
 * store of its own instead.
 *
 * <p>In the shared store a JCache cache is the Larder cache of the same name, so
 * {@link Larder#caches()} and {@link Larder#findCache(String)} on the shared store list the
 * manager's caches under their JCache names. Destroying or closing a cache destroys its Larder
 * cache ({@link Larder#destroyCache(String)}), which frees the name for a later
 * {@code createCache}. A store creates at most 65,535 caches in its life (destroyed ones
 * included), which bounds how many times one manager can call {@code createCache} for the shared store.
 */
public final class LarderCacheManager implements CacheManager {

    /** Property: the shared store's budget in bytes. */
    public static final String MAX_MEMORY = "dev.larder.jcache.maxMemory";
    /** Property: the shared store's eviction policy, a Redis {@code maxmemory-policy} name. */
    public static final String EVICTION_POLICY = "dev.larder.jcache.evictionPolicy";
    /** Default budget of a store: 64 MiB. */
    public static final long DEFAULT_MAX_MEMORY = 64L << 20;

    private final LarderCachingProvider provider;
    private final URI uri;
    private final ClassLoader classLoader;
    private final Properties properties;
    private final Map<String, LarderJCache<?, ?>> caches = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    /** Names whose previous cache is being released; a new cache of that name waits for it. */
    private final Map<String, CountDownLatch> releasing = new ConcurrentHashMap<>();
    private Larder shared;
    private volatile boolean closed;

    LarderCacheManager(final LarderCachingProvider provider, final URI uri, final ClassLoader classLoader,
                       final Properties properties) {
        this.provider = provider;
        this.uri = uri;
        this.classLoader = classLoader;
        this.properties = new Properties();
        if (properties != null) {
            this.properties.putAll(properties);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("cache manager " + uri + " is closed");
        }
    }

    @Override
    public CachingProvider getCachingProvider() {
        return provider;
    }

    @Override
    public URI getURI() {
        return uri;
    }

    @Override
    public ClassLoader getClassLoader() {
        return classLoader;
    }

    @Override
    public Properties getProperties() {
        return properties;
    }

    @Override
    public <K, V, C extends Configuration<K, V>> Cache<K, V> createCache(final String cacheName, final C configuration) {
        requireOpen();
        Objects.requireNonNull(cacheName, "cache name must not be null");
        Objects.requireNonNull(configuration, "configuration must not be null");
        while (true) {
            final CountDownLatch previous;
            synchronized (lock) {
                requireOpen();
                if (caches.containsKey(cacheName)) {
                    throw new CacheException("a cache named '" + cacheName + "' already exists in " + uri);
                }
                previous = releasing.get(cacheName);
                if (previous == null) {
                    return create(cacheName, configuration);
                }
            }
            // The previous cache of this name is still destroying its Larder cache: wait, then try again.
            try {
                previous.await();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CacheException("interrupted while cache '" + cacheName + "' was being destroyed", e);
            }
        }
    }

    /** Creates and registers the cache; called with {@link #lock} held. */
    private <K, V> Cache<K, V> create(final String cacheName, final Configuration<K, V> configuration) {
        final LarderConfiguration<K, V> config = new LarderConfiguration<>(configuration);
        final boolean own = config.wantsOwnStore();
        final Larder larder = own
            ? buildLarder(config.getMaxMemory() > 0 ? config.getMaxMemory() : sharedBudget(),
                config.getEvictionPolicy() != null ? config.getEvictionPolicy() : sharedPolicy())
            : shared();
        if (!own && larder.findCache(cacheName).isPresent()) {
            // Someone created a cache of this name directly on the unwrapped shared store.
            throw new CacheException("the shared store of " + uri + " already holds a Larder cache named '" + cacheName
                + "' that was not created through JCache");
        }
        final LarderJCache<K, V> cache;
        try {
            cache = new LarderJCache<>(this, cacheName, config, larder, own);
        } catch (final RuntimeException e) {
            if (own) {
                larder.close();
            }
            throw e instanceof CacheException ? e : new CacheException("cannot create cache '" + cacheName + "': " + e, e);
        }
        caches.put(cacheName, cache);
        return cache;
    }

    private long sharedBudget() {
        final String v = properties.getProperty(MAX_MEMORY);
        if (v == null) {
            return DEFAULT_MAX_MEMORY;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (final NumberFormatException e) {
            throw new CacheException("property " + MAX_MEMORY + " must be a number of bytes, was '" + v + "'", e);
        }
    }

    private String sharedPolicy() {
        return properties.getProperty(EVICTION_POLICY);
    }

    private Larder shared() {
        if (shared == null) {
            shared = buildLarder(sharedBudget(), sharedPolicy());
        }
        return shared;
    }

    private static Larder buildLarder(final long maxMemory, final String policy) {
        final Larder.Builder builder = Larder.builder().maxMemory(maxMemory)
            .expiryInterval(Duration.ZERO); // JCache expiry is decided by the provider, not by Larder's TTL
        if (policy != null) {
            builder.evictionPolicy(policy);
        }
        return builder.build();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> Cache<K, V> getCache(final String cacheName, final Class<K> keyType, final Class<V> valueType) {
        requireOpen();
        Objects.requireNonNull(cacheName, "cache name must not be null");
        Objects.requireNonNull(keyType, "key type must not be null");
        Objects.requireNonNull(valueType, "value type must not be null");
        final LarderJCache<?, ?> cache = caches.get(cacheName);
        if (cache == null) {
            return null;
        }
        final Configuration<?, ?> config = cache.getConfiguration(Configuration.class);
        if (config.getKeyType() != keyType) {
            throw new ClassCastException("cache '" + cacheName + "' has key type " + config.getKeyType().getName()
                + ", not " + keyType.getName());
        }
        if (config.getValueType() != valueType) {
            throw new ClassCastException("cache '" + cacheName + "' has value type " + config.getValueType().getName()
                + ", not " + valueType.getName());
        }
        return (Cache<K, V>) cache;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <K, V> Cache<K, V> getCache(final String cacheName) {
        requireOpen();
        Objects.requireNonNull(cacheName, "cache name must not be null");
        return (Cache<K, V>) caches.get(cacheName);
    }

    @Override
    public Iterable<String> getCacheNames() {
        requireOpen();
        return Collections.unmodifiableSet(new LinkedHashSet<>(caches.keySet()));
    }

    /**
     * Destroys the cache: closes it and destroys its Larder cache (entries and name), so the name
     * can be used again by {@link #createCache}.
     */
    @Override
    public void destroyCache(final String cacheName) {
        requireOpen();
        Objects.requireNonNull(cacheName, "cache name must not be null");
        final LarderJCache<?, ?> cache = caches.get(cacheName);
        if (cache != null) {
            release(cache);
        }
    }

    @Override
    public void enableManagement(final String cacheName, final boolean enabled) {
        requireOpen();
        Objects.requireNonNull(cacheName, "cache name must not be null");
        final LarderJCache<?, ?> cache = caches.get(cacheName);
        if (cache != null) {
            cache.setManagementEnabled(enabled);
        }
    }

    @Override
    public void enableStatistics(final String cacheName, final boolean enabled) {
        requireOpen();
        Objects.requireNonNull(cacheName, "cache name must not be null");
        final LarderJCache<?, ?> cache = caches.get(cacheName);
        if (cache != null) {
            cache.setStatisticsEnabled(enabled);
        }
    }

    /**
     * Removes {@code cache} from this manager and shuts it down, destroying its Larder cache. Called
     * by {@link #destroyCache} and by a cache closed on its own. A {@code createCache} of the same
     * name meanwhile waits until the Larder name is free again; the shutdown itself runs without
     * {@link #lock}, because destroying a Larder cache waits for the store's operations in flight.
     */
    void release(final LarderJCache<?, ?> cache) {
        final CountDownLatch done = new CountDownLatch(1);
        synchronized (lock) {
            if (closed || !caches.remove(cache.getName(), cache)) {
                return; // already released, or the whole manager is closing (it shuts the cache down)
            }
            releasing.put(cache.getName(), done);
        }
        try {
            cache.shutdown(true);
        } finally {
            synchronized (lock) {
                releasing.remove(cache.getName(), done);
            }
            done.countDown();
        }
    }

    /** Closes every cache, then the shared store. Idempotent. */
    @Override
    public void close() {
        final List<LarderJCache<?, ?>> toClose;
        final Larder toRelease;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            toClose = new ArrayList<>(caches.values());
            caches.clear();
            toRelease = shared;
            shared = null;
        }
        provider.release(this);
        RuntimeException failure = null;
        for (final LarderJCache<?, ?> cache : toClose) {
            try {
                cache.shutdown(false); // the store is closed right after: no need to destroy each Larder cache
            } catch (final RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (toRelease != null) {
            toRelease.close();
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /**
     * Returns this manager as {@code clazz}: {@code LarderCacheManager} (or an interface it
     * implements) or the shared {@link Larder} (built if no cache has needed it yet).
     */
    @Override
    public <T> T unwrap(final Class<T> clazz) {
        Objects.requireNonNull(clazz, "class must not be null");
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        if (clazz == Larder.class) {
            synchronized (lock) {
                requireOpen();
                return clazz.cast(shared());
            }
        }
        throw new IllegalArgumentException("a cache manager cannot be unwrapped to " + clazz.getName());
    }

    @Override
    public String toString() {
        return "LarderCacheManager{" + uri + ", caches=" + caches.keySet() + '}';
    }
}
