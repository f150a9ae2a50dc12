package dev.larder.micrometer;

import dev.larder.core.Cache;
import dev.larder.core.Larder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Binds a whole {@link Larder} to a Micrometer registry: its memory, and the statistics of the
 * caches given, all tagged {@code cache.manager=<name>} (the tag Spring Boot puts on cache
 * metrics, so Larder's caches sit next to other cache managers' in the same dashboards).
 *
 * <table>
 *   <caption>Larder-wide meters</caption>
 *   <tr><th>meter</th><th>type</th><th>meaning</th></tr>
 *   <tr><td>{@code larder.memory.used}</td><td>gauge, bytes</td><td>native bytes the Larder holds
 *       (all caches, index and headers included)</td></tr>
 *   <tr><td>{@code larder.memory.limit}</td><td>gauge, bytes</td><td>its hard budget</td></tr>
 *   <tr><td>{@code larder.caches}</td><td>gauge</td><td>caches it holds (destroyed ones no longer count)</td></tr>
 * </table>
 * and, per cache, the meters of {@link LarderCacheMetrics}.
 *
 * <p>Which caches are bound:
 * <ul>
 *   <li><b>every cache, present and future</b> ({@link #monitorAll}, {@link #allCaches}): the
 *       caches that exist when the binder is bound ({@link Larder#caches()}) and every cache created
 *       in the Larder afterwards ({@link Larder#onCacheCreated}, bound on the creating thread right
 *       after creation). When a cache is created under the name of a destroyed one
 *       ({@link Larder#destroyCache}), the destroyed cache's meters are replaced by the new cache's;
 *       the meters of a destroyed cache whose name is not reused are removed at the next cache
 *       creation in that Larder (core does not announce destruction) and until then report the
 *       last values they read;</li>
 *   <li><b>the caches given</b> ({@link #monitor}, the constructor): only those.</li>
 * </ul>
 *
 * <pre>{@code
 * LarderMetrics.monitorAll(registry, larder, "larder");                        // all caches, also later ones
 * LarderMetrics.monitor(registry, larder, "larder", List.of(users, sessions)); // just these two
 * }</pre>
 *
 * <p>After the Larder is closed the gauges report {@code NaN} for memory used and keep the rest.
 */
public final class LarderMetrics implements MeterBinder {

    /** The tag naming the Larder (the cache manager) on every meter. */
    public static final String CACHE_MANAGER_TAG = "cache.manager";

    private static final System.Logger LOG = System.getLogger(LarderMetrics.class.getName());

    private final Larder larder;
    private final Iterable<Tag> tags;
    private final List<Cache<?, ?>> caches;
    /** Whether to bind every cache of the Larder, present and future, rather than {@link #caches}. */
    private final boolean all;

    /**
     * @param larder the Larder
     * @param name   the value of the {@code cache.manager} tag
     * @param caches caches of this Larder whose statistics to bind
     * @param tags   further tags on every meter
     */
    public LarderMetrics(final Larder larder, final String name, final Iterable<? extends Cache<?, ?>> caches,
                         final Iterable<Tag> tags) {
        this.larder = Objects.requireNonNull(larder, "larder must not be null");
        Objects.requireNonNull(name, "name must not be null");
        this.tags = Tags.concat(Objects.requireNonNull(tags, "tags must not be null"), CACHE_MANAGER_TAG, name);
        this.caches = new ArrayList<>();
        for (final Cache<?, ?> cache : Objects.requireNonNull(caches, "caches must not be null")) {
            this.caches.add(Objects.requireNonNull(cache, "caches must not contain null"));
        }
        this.all = false;
    }

    private LarderMetrics(final Larder larder, final String name, final Iterable<Tag> tags) {
        this.larder = Objects.requireNonNull(larder, "larder must not be null");
        Objects.requireNonNull(name, "name must not be null");
        this.tags = Tags.concat(Objects.requireNonNull(tags, "tags must not be null"), CACHE_MANAGER_TAG, name);
        this.caches = List.of();
        this.all = true;
    }

    /**
     * A binder for the Larder's memory and every one of its caches, those that exist when it is
     * bound and those created later.
     *
     * @param larder the Larder (open)
     * @param name   the value of the {@code cache.manager} tag
     * @param tags   further tags on every meter
     * @return the binder; each {@link #bindTo} registers one creation listener on the Larder, which
     *         stays for the Larder's life (core cannot remove it) and stops binding once that
     *         registry is closed
     */
    public static LarderMetrics allCaches(final Larder larder, final String name, final Iterable<Tag> tags) {
        return new LarderMetrics(larder, name, tags);
    }

    /**
     * Binds {@code larder}'s memory meters and the meters of every one of its caches, including
     * caches created after this call.
     *
     * @param registry where to register
     * @param larder   the Larder (open)
     * @param name     the value of the {@code cache.manager} tag
     * @param tags     further tags as key/value pairs
     * @return {@code larder}, for chaining
     */
    public static Larder monitorAll(final MeterRegistry registry, final Larder larder, final String name,
                                    final String... tags) {
        allCaches(larder, name, Tags.of(tags)).bindTo(registry);
        return larder;
    }

    /**
     * Binds {@code larder}'s memory meters and each of {@code caches}' meters.
     *
     * @param registry where to register
     * @param larder   the Larder
     * @param name     the value of the {@code cache.manager} tag
     * @param caches   its caches to bind
     * @param tags     further tags as key/value pairs
     * @return {@code larder}, for chaining
     */
    public static Larder monitor(final MeterRegistry registry, final Larder larder, final String name,
                                 final Iterable<? extends Cache<?, ?>> caches, final String... tags) {
        new LarderMetrics(larder, name, caches, Tags.of(tags)).bindTo(registry);
        return larder;
    }

    @Override
    public void bindTo(final MeterRegistry registry) {
        Gauge.builder("larder.memory.used", larder, l -> l.isClosed() ? Double.NaN : l.memoryUsed())
            .tags(tags)
            .baseUnit(BaseUnits.BYTES)
            .description("Native memory held by the Larder, index and headers included")
            .register(registry);
        Gauge.builder("larder.memory.limit", larder, Larder::memoryLimit)
            .tags(tags)
            .baseUnit(BaseUnits.BYTES)
            .description("The Larder's hard memory budget")
            .register(registry);
        final int[] lastCount = {larder.isClosed() ? 0 : larder.cacheNames().size()};
        Gauge.builder("larder.caches", larder, l -> {
            if (!l.isClosed()) {
                try {
                    lastCount[0] = l.cacheNames().size();
                } catch (final IllegalStateException closedMeanwhile) {
                    // keep the last count
                }
            }
            return lastCount[0];
        })
            .tags(tags)
            .description("Caches the Larder holds")
            .register(registry);
        if (!all) {
            for (final Cache<?, ?> cache : caches) {
                new LarderCacheMetrics(cache, cache.name(), tags).bindTo(registry);
            }
            return;
        }
        final AllCaches binding = new AllCaches(registry);
        larder.onCacheCreated(binding::created); // first, so that no cache created meanwhile is missed
        for (final Cache<?, ?> cache : larder.caches()) {
            binding.bind(cache); // a cache also announced to the listener is bound once
        }
    }

    /** Binds the caches of {@link #larder} to one registry, each cache object once, one per name. */
    private final class AllCaches {

        private final MeterRegistry registry;
        /** Bound caches by name, with the meters bound for them. Guarded by {@code this}. */
        private final Map<String, Bound> bound = new HashMap<>();

        AllCaches(final MeterRegistry registry) {
            this.registry = registry;
        }

        /** The creation listener: metrics must never make a cache creation fail. */
        void created(final Cache<?, ?> cache) {
            try {
                bind(cache);
            } catch (final RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot bind the meters of Larder cache '" + cache.name() + "'", e);
            }
        }

        synchronized void bind(final Cache<?, ?> cache) {
            if (registry.isClosed()) {
                return;
            }
            final Bound previous = bound.get(cache.name());
            if (previous != null && previous.cache == cache) {
                return;
            }
            pruneDestroyed(cache);
            new LarderCacheMetrics(cache, cache.name(), tags).bindTo(registry);
            bound.put(cache.name(), new Bound(cache, metersOf(cache.name())));
        }

        /**
         * Removes the meters of bound caches that are no longer the Larder's cache of their name
         * (destroyed, possibly replaced by {@code current}), so the name's meters can be bound anew.
         */
        private void pruneDestroyed(final Cache<?, ?> current) {
            for (final Iterator<Map.Entry<String, Bound>> it = bound.entrySet().iterator(); it.hasNext(); ) {
                final Map.Entry<String, Bound> e = it.next();
                final boolean replaced = e.getKey().equals(current.name());
                if (replaced || larder.findCache(e.getKey()).orElse(null) != e.getValue().cache) {
                    e.getValue().meters.forEach(registry::remove);
                    it.remove();
                }
            }
        }

        /** The meters of this registry tagged with this binder's tags and {@code cache=<name>}. */
        private List<Meter> metersOf(final String cacheName) {
            final List<Meter> meters = new ArrayList<>();
            for (final Meter meter : registry.getMeters()) {
                if (cacheName.equals(meter.getId().getTag("cache")) && hasTags(meter.getId())) {
                    meters.add(meter);
                }
            }
            return meters;
        }

        private boolean hasTags(final Meter.Id id) {
            for (final Tag tag : tags) {
                if (!tag.getValue().equals(id.getTag(tag.getKey()))) {
                    return false;
                }
            }
            return true;
        }
    }

    private record Bound(Cache<?, ?> cache, List<Meter> meters) {
    }
}
