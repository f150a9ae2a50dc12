package dev.larder.micrometer;

import dev.larder.core.Cache;
import dev.larder.core.CacheStats;
import dev.larder.strategies.LoadingCache;
import dev.larder.strategies.LoadingStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.cache.CacheMeterBinder;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Binds one Larder {@link Cache}'s statistics to a Micrometer registry, with Micrometer's cache
 * conventions (the meters of {@link CacheMeterBinder}, tagged {@code cache=<name>}):
 *
 * <table>
 *   <caption>Meters</caption>
 *   <tr><th>meter</th><th>type</th><th>from</th></tr>
 *   <tr><td>{@code cache.gets{result=hit}}, {@code cache.gets{result=miss}}</td><td>function counter</td>
 *       <td>{@link CacheStats#hits()}, {@link CacheStats#misses()}</td></tr>
 *   <tr><td>{@code cache.puts}</td><td>function counter</td><td>{@link CacheStats#puts()}</td></tr>
 *   <tr><td>{@code cache.evictions}</td><td>function counter</td><td>{@link CacheStats#evictions()}:
 *       entries removed to make room (memory budget or entry bound)</td></tr>
 *   <tr><td>{@code cache.size}</td><td>gauge</td><td>{@link CacheStats#entries()} (expired entries
 *       not yet reclaimed included)</td></tr>
 *   <tr><td>{@code cache.expirations}</td><td>function counter</td><td>{@link CacheStats#expirations()}:
 *       entries removed because their time to live ran out (the other eviction cause, kept apart
 *       so that {@code cache.evictions} means what it means for other caches)</td></tr>
 *   <tr><td>{@code cache.removals}</td><td>function counter</td><td>{@link CacheStats#removals()}:
 *       entries removed by callers (as JSR-107's metric of that name)</td></tr>
 *   <tr><td>{@code cache.load{result=success}}, {@code cache.load{result=failure}}</td>
 *       <td>function counter</td><td>only with a {@link LoadingCache}: {@link LoadingStats#loads()},
 *       {@link LoadingStats#loadFailures()}</td></tr>
 *   <tr><td>{@code cache.load.duration}</td><td>time gauge</td><td>only with a {@link LoadingCache}:
 *       total time spent in successful loads, {@link LoadingStats#loadMillis()}</td></tr>
 * </table>
 *
 * <p>Counters read the cache's statistics when the registry asks; nothing is added to the cache's
 * hot path. The cache must record statistics ({@link dev.larder.core.CacheOptions#recordStats},
 * on by default), otherwise the counters stay at zero. After the Larder is closed the meters keep
 * the last values they read.
 *
 * <pre>{@code
 * LarderCacheMetrics.monitor(registry, users, "cache.manager", "larder");
 * }</pre>
 */
public final class LarderCacheMetrics extends CacheMeterBinder<Cache<?, ?>> {

    private final Cache<?, ?> cache;
    private final LoadingCache<?, ?> loading;
    private volatile CacheStats last = new CacheStats(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /**
     * @param cache     the cache to observe
     * @param cacheName the value of the {@code cache} tag
     * @param tags      further tags on every meter (for example {@code cache.manager})
     */
    public LarderCacheMetrics(final Cache<?, ?> cache, final String cacheName, final Iterable<Tag> tags) {
        this(cache, cacheName, tags, null);
    }

    /**
     * @param cache     the cache to observe
     * @param cacheName the value of the {@code cache} tag
     * @param tags      further tags on every meter
     * @param loading   the loading cache in front of {@code cache}, whose load counts and load
     *                  time are exposed; {@code null} for none
     * @throws IllegalArgumentException if {@code loading} loads into another cache
     */
    public LarderCacheMetrics(final Cache<?, ?> cache, final String cacheName, final Iterable<Tag> tags,
                              final LoadingCache<?, ?> loading) {
        super(Objects.requireNonNull(cache, "cache must not be null"),
            Objects.requireNonNull(cacheName, "cache name must not be null"),
            Objects.requireNonNull(tags, "tags must not be null"));
        if (loading != null && loading.cache() != cache) {
            throw new IllegalArgumentException("the loading cache loads into cache '" + loading.cache().name()
                + "', not into cache '" + cache.name() + "'");
        }
        this.cache = cache;
        this.loading = loading;
        stats(); // a first snapshot, kept if the Larder closes before the registry reads anything
    }

    /**
     * Binds {@code cache}'s meters, tagged with its name, to {@code registry}.
     *
     * @param registry where to register
     * @param cache    the cache
     * @param tags     further tags as key/value pairs
     * @param <C>      the cache type
     * @return {@code cache}, for chaining
     */
    public static <C extends Cache<?, ?>> C monitor(final MeterRegistry registry, final C cache, final String... tags) {
        return monitor(registry, cache, Tags.of(tags));
    }

    /**
     * Binds {@code cache}'s meters, tagged with its name, to {@code registry}.
     *
     * @param registry where to register
     * @param cache    the cache
     * @param tags     further tags
     * @param <C>      the cache type
     * @return {@code cache}, for chaining
     */
    public static <C extends Cache<?, ?>> C monitor(final MeterRegistry registry, final C cache,
                                                     final Iterable<Tag> tags) {
        new LarderCacheMetrics(cache, cache.name(), tags).bindTo(registry);
        return cache;
    }

    /**
     * Binds the meters of a loading cache's underlying cache and its load meters.
     *
     * @param registry where to register
     * @param loading  the loading cache
     * @param tags     further tags
     * @param <L>      the loading cache type
     * @return {@code loading}, for chaining
     */
    public static <L extends LoadingCache<?, ?>> L monitor(final MeterRegistry registry, final L loading,
                                                            final Iterable<Tag> tags) {
        new LarderCacheMetrics(loading.cache(), loading.cache().name(), tags, loading).bindTo(registry);
        return loading;
    }

    /** The cache's statistics, or the last ones read if its Larder has been closed since. */
    private CacheStats stats() {
        try {
            final CacheStats now = cache.stats();
            last = now;
            return now;
        } catch (final IllegalStateException closed) {
            return last;
        }
    }

    @Override
    protected Long size() {
        return stats().entries();
    }

    @Override
    protected long hitCount() {
        return stats().hits();
    }

    @Override
    protected Long missCount() {
        return stats().misses();
    }

    @Override
    protected Long evictionCount() {
        return stats().evictions();
    }

    @Override
    protected long putCount() {
        return stats().puts();
    }

    @Override
    protected void bindImplementationSpecificMetrics(final MeterRegistry registry) {
        final Iterable<Tag> tags = getTagsWithCacheName();
        FunctionCounter.builder("cache.expirations", cache, c -> stats().expirations())
            .tags(tags)
            .description("Entries removed because their time to live ran out")
            .register(registry);
        FunctionCounter.builder("cache.removals", cache, c -> stats().removals())
            .tags(tags)
            .description("Entries removed by callers")
            .register(registry);
        if (loading != null) {
            FunctionCounter.builder("cache.load", loading, l -> l.stats().loads())
                .tags(tags).tag("result", "success")
                .description("Loader calls that returned a value or 'absent'")
                .register(registry);
            FunctionCounter.builder("cache.load", loading, l -> l.stats().loadFailures())
                .tags(tags).tag("result", "failure")
                .description("Loader calls that threw; nothing was cached")
                .register(registry);
            TimeGauge.builder("cache.load.duration", loading, TimeUnit.MILLISECONDS, l -> l.stats().loadMillis())
                .tags(tags)
                .description("Total time spent in successful loads")
                .register(registry);
        }
    }
}
