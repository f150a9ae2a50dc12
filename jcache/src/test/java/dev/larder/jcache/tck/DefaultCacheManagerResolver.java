package dev.larder.jcache.tck;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.MutableConfiguration;
import org.springframework.cache.Cache;
import org.springframework.cache.interceptor.CacheOperationInvocationContext;
import org.springframework.cache.interceptor.CacheResolver;
import org.springframework.cache.jcache.JCacheCache;

/**
 * A Spring {@link CacheResolver} with JSR-107's default cache resolution: the cache of the
 * operation's name in the default cache manager, created with a default
 * {@link MutableConfiguration} (keys and values of any type) when it does not exist.
 *
 * <p>Spring's own {@code JCacheCacheManager} only finds caches that exist, and keeps the manager and
 * the cache objects it found first. The TCK's other tests close the default caching provider and
 * destroy caches while the annotation tests' Spring context lives on, so this resolver asks the
 * supplier for the current manager and looks the cache up on every invocation.
 */
public final class DefaultCacheManagerResolver implements CacheResolver {

    private final Supplier<CacheManager> cacheManager;

    /**
     * @param cacheManager gives the current JCache cache manager (a new one once the previous was closed)
     */
    public DefaultCacheManagerResolver(final Supplier<CacheManager> cacheManager) {
        this.cacheManager = cacheManager;
    }

    @Override
    public Collection<? extends Cache> resolveCaches(final CacheOperationInvocationContext<?> context) {
        final Collection<String> names = context.getOperation().getCacheNames();
        final List<Cache> caches = new ArrayList<>(names.size());
        for (final String name : names) {
            caches.add(new JCacheCache(getOrCreate(cacheManager.get(), name)));
        }
        return caches;
    }

    private static javax.cache.Cache<Object, Object> getOrCreate(final CacheManager manager, final String name) {
        final javax.cache.Cache<Object, Object> existing = manager.getCache(name);
        if (existing != null) {
            return existing;
        }
        try {
            return manager.createCache(name, new MutableConfiguration<>());
        } catch (final CacheException createdMeanwhile) {
            final javax.cache.Cache<Object, Object> other = manager.getCache(name);
            if (other == null) {
                throw createdMeanwhile;
            }
            return other;
        }
    }
}
