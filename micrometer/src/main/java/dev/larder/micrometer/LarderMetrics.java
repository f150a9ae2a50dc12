package dev.larder.micrometer;

import dev.larder.core.Cache;
import dev.larder.core.Larder;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.ArrayList;
import java.util.List;
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
 *   <tr><td>{@code larder.caches}</td><td>gauge</td><td>caches created in it</td></tr>
 * </table>
 * and, per cache, the meters of {@link LarderCacheMetrics}.
 *
 * <pre>{@code
 * LarderMetrics.monitor(registry, larder, "larder", List.of(users, sessions));
 * }</pre>
 *
 * <p>Core gives no way to list a Larder's {@link Cache} objects (only their names) nor to hear of
 * new ones, so the caches to bind are passed in; caches created later are bound with
 * {@link LarderCacheMetrics#monitor}. After the Larder is closed the gauges report {@code NaN}
 * for memory used and keep the rest.
 */
public final class LarderMetrics implements MeterBinder {

    /** The tag naming the Larder (the cache manager) on every meter. */
    public static final String CACHE_MANAGER_TAG = "cache.manager";

    private final Larder larder;
    private final Iterable<Tag> tags;
    private final List<Cache<?, ?>> caches;

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
            .description("Caches created in the Larder")
            .register(registry);
        for (final Cache<?, ?> cache : caches) {
            new LarderCacheMetrics(cache, cache.name(), tags).bindTo(registry);
        }
    }
}
