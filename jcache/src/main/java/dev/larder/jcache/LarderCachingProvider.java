package dev.larder.jcache;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.WeakHashMap;
import javax.cache.CacheManager;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;

/**
 * The JSR-107 {@link CachingProvider} of Larder, found by {@code Caching.getCachingProvider()}
 * through {@code META-INF/services/javax.cache.spi.CachingProvider}.
 *
 * <p>Cache managers are kept per class loader and URI: asking twice for the same pair returns the
 * same open manager. Any URI names a manager; {@link #getDefaultURI()} is
 * {@code urn:larder:default}. Store-by-reference is not supported (entries always live off heap,
 * so they are always stored by value), which {@link #isSupported(OptionalFeature)} reports.
 */
public final class LarderCachingProvider implements CachingProvider {

    private static final URI DEFAULT_URI = URI.create("urn:larder:default");

    private final Map<ClassLoader, Map<URI, LarderCacheManager>> managers = new WeakHashMap<>();

    /** Used by {@link java.util.ServiceLoader}; applications go through {@code javax.cache.Caching}. */
    public LarderCachingProvider() {
        // nothing to set up: managers are made on demand
    }

    @Override
    public CacheManager getCacheManager(final URI uri, final ClassLoader classLoader, final Properties properties) {
        final URI managerUri = uri == null ? getDefaultURI() : uri;
        final ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
        synchronized (managers) {
            final Map<URI, LarderCacheManager> byUri = managers.computeIfAbsent(loader, l -> new HashMap<>());
            LarderCacheManager manager = byUri.get(managerUri);
            if (manager == null || manager.isClosed()) {
                manager = new LarderCacheManager(this, managerUri, loader,
                    properties == null ? getDefaultProperties() : properties);
                byUri.put(managerUri, manager);
            }
            return manager;
        }
    }

    @Override
    public CacheManager getCacheManager(final URI uri, final ClassLoader classLoader) {
        return getCacheManager(uri, classLoader, getDefaultProperties());
    }

    @Override
    public CacheManager getCacheManager() {
        return getCacheManager(getDefaultURI(), getDefaultClassLoader(), getDefaultProperties());
    }

    @Override
    public ClassLoader getDefaultClassLoader() {
        final ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : LarderCachingProvider.class.getClassLoader();
    }

    @Override
    public URI getDefaultURI() {
        return DEFAULT_URI;
    }

    @Override
    public Properties getDefaultProperties() {
        return new Properties();
    }

    @Override
    public void close() {
        final List<LarderCacheManager> all = new ArrayList<>();
        synchronized (managers) {
            for (final Map<URI, LarderCacheManager> byUri : managers.values()) {
                all.addAll(byUri.values());
            }
            managers.clear();
        }
        all.forEach(LarderCacheManager::close);
    }

    @Override
    public void close(final ClassLoader classLoader) {
        final ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
        final List<LarderCacheManager> all;
        synchronized (managers) {
            final Map<URI, LarderCacheManager> byUri = managers.remove(loader);
            all = byUri == null ? List.of() : new ArrayList<>(byUri.values());
        }
        all.forEach(LarderCacheManager::close);
    }

    @Override
    public void close(final URI uri, final ClassLoader classLoader) {
        final URI managerUri = uri == null ? getDefaultURI() : uri;
        final ClassLoader loader = classLoader == null ? getDefaultClassLoader() : classLoader;
        final LarderCacheManager manager;
        synchronized (managers) {
            final Map<URI, LarderCacheManager> byUri = managers.get(loader);
            manager = byUri == null ? null : byUri.remove(managerUri);
            if (byUri != null && byUri.isEmpty()) {
                managers.remove(loader);
            }
        }
        if (manager != null) {
            manager.close();
        }
    }

    @Override
    public boolean isSupported(final OptionalFeature optionalFeature) {
        return switch (optionalFeature) {
            case STORE_BY_REFERENCE -> false;
        };
    }

    /** Called by a manager that closes on its own, so the next request makes a new one. */
    void release(final LarderCacheManager manager) {
        synchronized (managers) {
            final Map<URI, LarderCacheManager> byUri = managers.get(manager.getClassLoader());
            if (byUri != null && byUri.get(manager.getURI()) == manager) {
                byUri.remove(manager.getURI());
                if (byUri.isEmpty()) {
                    managers.remove(manager.getClassLoader());
                }
            }
        }
    }
}
