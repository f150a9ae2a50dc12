/**
 * A JSR-107 (JCache) provider backed by Larder: {@link dev.larder.jcache.LarderCachingProvider}
 * (found by {@code javax.cache.Caching}), {@link dev.larder.jcache.LarderCacheManager},
 * {@link dev.larder.jcache.LarderJCache} and the Larder-specific
 * {@link dev.larder.jcache.LarderConfiguration}. Entries are kept by value, off the Java heap;
 * see {@code jcache/README.md} for the design, its limitations and how the official TCK is run.
 */
package dev.larder.jcache;
