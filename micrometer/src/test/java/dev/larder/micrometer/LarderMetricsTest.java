package dev.larder.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.Cache;
import dev.larder.core.CacheOptions;
import dev.larder.core.Codecs;
import dev.larder.core.Larder;
import dev.larder.core.LarderClock;
import dev.larder.strategies.CacheLoaderException;
import dev.larder.strategies.LoadingCache;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LarderMetricsTest {

    private final AtomicLong now = new AtomicLong(1_000_000L);
    private final LarderClock clock = now::get;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private Larder larder;

    @BeforeEach
    void open() {
        larder = Larder.builder().maxMemory(16L << 20).clock(clock).expiryInterval(Duration.ZERO).build();
    }

    @AfterEach
    void close() {
        larder.close();
        registry.close();
    }

    private double counter(final String name, final String... tags) {
        return registry.get(name).tags(tags).functionCounter().count();
    }

    private double gauge(final String name, final String... tags) {
        return registry.get(name).tags(tags).gauge().value();
    }

    @Test
    void cacheOperationsShowInTheConventionalMeters() {
        final Cache<String, String> users = larder.cache("users", Codecs.utf8(), Codecs.utf8(),
            CacheOptions.defaults().expireAfterWrite(Duration.ofSeconds(10)));
        LarderCacheMetrics.monitor(registry, users, "app", "shop");

        users.put("a", "Ada");
        users.put("b", "Barbara");
        users.put("c", "Claude");
        users.get("a");
        users.get("b");
        users.get("nobody");
        users.remove("c");

        final String[] t = {"cache", "users", "app", "shop"};
        assertThat(counter("cache.gets", concat(t, "result", "hit"))).isEqualTo(2);
        assertThat(counter("cache.gets", concat(t, "result", "miss"))).isEqualTo(1);
        assertThat(counter("cache.puts", t)).isEqualTo(3);
        assertThat(counter("cache.removals", t)).isEqualTo(1);
        assertThat(counter("cache.evictions", t)).isZero();
        assertThat(counter("cache.expirations", t)).isZero();
        assertThat(gauge("cache.size", t)).isEqualTo(2);

        now.addAndGet(Duration.ofSeconds(11).toMillis());
        assertThat(larder.runMaintenance()).isEqualTo(2);
        assertThat(counter("cache.expirations", t)).isEqualTo(2);
        assertThat(gauge("cache.size", t)).isZero();
        assertThat(counter("cache.evictions", t)).isZero();

        // The same meter names and tag keys as Micrometer's own cache binders.
        final Set<String> names = registry.getMeters().stream().map(m -> m.getId().getName()).collect(Collectors.toSet());
        assertThat(names).containsExactlyInAnyOrder("cache.gets", "cache.puts", "cache.evictions", "cache.size",
            "cache.expirations", "cache.removals");
        assertThat(registry.get("cache.gets").functionCounters()).hasSize(2);
    }

    @Test
    void evictionsCountEntriesRemovedToMakeRoom() {
        larder.close();
        larder = Larder.builder().maxMemory(16L << 20).maxEntries(10).evictionPolicy("allkeys-lru")
            .clock(clock).expiryInterval(Duration.ZERO).build();
        final Cache<Long, Long> numbers = larder.cache("numbers", Codecs.int64(), Codecs.int64());
        LarderCacheMetrics.monitor(registry, numbers);
        for (long i = 0; i < 50; i++) {
            numbers.put(i, i * i);
        }
        final double size = gauge("cache.size", "cache", "numbers");
        final double evictions = counter("cache.evictions", "cache", "numbers");
        assertThat(size).isLessThanOrEqualTo(10).isEqualTo(numbers.size());
        assertThat(counter("cache.puts", "cache", "numbers")).isEqualTo(50);
        // Nothing was removed or expired, so every put that is no longer held was evicted.
        assertThat(evictions).isGreaterThanOrEqualTo(40).isEqualTo(50 - size);
        assertThat(counter("cache.removals", "cache", "numbers")).isZero();
    }

    @Test
    void loadingCacheAddsLoadCountsAndLoadTime() {
        final Cache<Long, String> products = larder.cache("products", Codecs.int64(), Codecs.utf8());
        final LoadingCache<Long, String> loading = LoadingCache.builder(products).clock(clock)
            .loader(id -> {
                now.addAndGet(40); // the "database" takes 40 ms of the test clock
                if (id < 0) {
                    throw new IllegalArgumentException("no negative ids");
                }
                return "product-" + id;
            })
            .build();
        LarderCacheMetrics.monitor(registry, loading, Tags.of("cache.manager", "shop"));

        assertThat(loading.get(1L)).isEqualTo("product-1");
        assertThat(loading.get(1L)).isEqualTo("product-1");
        assertThat(loading.get(2L)).isEqualTo("product-2");
        assertThatThrownBy(() -> loading.get(-1L)).isInstanceOf(CacheLoaderException.class);

        final String[] t = {"cache", "products", "cache.manager", "shop"};
        assertThat(counter("cache.load", concat(t, "result", "success"))).isEqualTo(2);
        assertThat(counter("cache.load", concat(t, "result", "failure"))).isEqualTo(1);
        final TimeGauge loadTime = registry.get("cache.load.duration").tags(t).timeGauge();
        assertThat(loadTime.value(TimeUnit.MILLISECONDS)).isEqualTo(80);
        assertThat(counter("cache.puts", t)).isEqualTo(2);
        assertThat(counter("cache.gets", concat(t, "result", "hit"))).isEqualTo(1);
        assertThat(gauge("cache.size", t)).isEqualTo(2);
    }

    @Test
    void larderBinderExposesMemoryAndEveryGivenCacheTaggedWithItsName() {
        final Cache<String, String> a = larder.cache("a", Codecs.utf8(), Codecs.utf8());
        final Cache<String, byte[]> b = larder.cache("b", Codecs.utf8(), Codecs.bytes());
        LarderMetrics.monitor(registry, larder, "main", List.of(a, b), "app", "shop");

        for (int i = 0; i < 1_000; i++) {
            b.put("k" + i, new byte[512]);
        }
        a.put("x", "y");
        a.get("x");
        final Gauge used = registry.get("larder.memory.used").tags("cache.manager", "main", "app", "shop").gauge();
        assertThat(used.value()).isEqualTo(larder.memoryUsed()).isGreaterThan(1_000 * 512);
        assertThat(used.getId().getBaseUnit()).isEqualTo("bytes");
        assertThat(gauge("larder.memory.limit", "cache.manager", "main")).isEqualTo(16L << 20);
        assertThat(gauge("larder.caches", "cache.manager", "main")).isEqualTo(2);
        assertThat(counter("cache.puts", "cache", "b", "cache.manager", "main", "app", "shop")).isEqualTo(1_000);
        assertThat(counter("cache.gets", "cache", "a", "cache.manager", "main", "result", "hit")).isEqualTo(1);
        assertThat(gauge("cache.size", "cache", "b", "cache.manager", "main")).isEqualTo(1_000);
        for (final Meter m : registry.getMeters()) {
            assertThat(m.getId().getTag("cache.manager")).isEqualTo("main");
        }
    }

    @Test
    void metersKeepTheirLastValuesAfterTheLarderCloses() {
        final Cache<String, String> c = larder.cache("c", Codecs.utf8(), Codecs.utf8());
        LarderMetrics.monitor(registry, larder, "main", List.of(c));
        c.put("k", "v");
        c.get("k");
        assertThat(counter("cache.gets", "cache", "c", "result", "hit")).isEqualTo(1);
        larder.close();
        assertThat(counter("cache.gets", "cache", "c", "result", "hit")).isEqualTo(1);
        assertThat(counter("cache.puts", "cache", "c")).isEqualTo(1);
        assertThat(gauge("larder.memory.used", "cache.manager", "main")).isNaN();
        assertThat(gauge("larder.memory.limit", "cache.manager", "main")).isEqualTo(16L << 20);
        assertThat(gauge("larder.caches", "cache.manager", "main")).isEqualTo(1);
        final FunctionCounter puts = registry.get("cache.puts").functionCounter();
        assertThat(puts.count()).isEqualTo(1);
    }

    @Test
    void monitorAllBindsExistingCachesAndCachesCreatedLater() {
        final Cache<String, String> early = larder.cache("early", Codecs.utf8(), Codecs.utf8());
        early.put("e", "1");
        LarderMetrics.monitorAll(registry, larder, "main", "app", "shop");

        final Cache<String, String> late = larder.cache("late", Codecs.utf8(), Codecs.utf8(),
            CacheOptions.defaults().expireAfterWrite(Duration.ofSeconds(5)));
        late.put("a", "Ada");
        late.put("b", "Barbara");
        late.put("c", "Claude");
        late.get("a");
        late.get("nobody");
        late.remove("b");
        early.get("e");

        final String[] t = {"cache", "late", "cache.manager", "main", "app", "shop"};
        assertThat(counter("cache.puts", t)).isEqualTo(3);
        assertThat(counter("cache.gets", concat(t, "result", "hit"))).isEqualTo(1);
        assertThat(counter("cache.gets", concat(t, "result", "miss"))).isEqualTo(1);
        assertThat(counter("cache.removals", t)).isEqualTo(1);
        assertThat(gauge("cache.size", t)).isEqualTo(2);
        now.addAndGet(Duration.ofSeconds(6).toMillis());
        assertThat(larder.runMaintenance()).isEqualTo(2);
        assertThat(counter("cache.expirations", t)).isEqualTo(2);
        assertThat(gauge("cache.size", t)).isZero();

        assertThat(counter("cache.puts", "cache", "early", "cache.manager", "main")).isEqualTo(1);
        assertThat(counter("cache.gets", "cache", "early", "result", "hit")).isEqualTo(1);
        assertThat(gauge("larder.caches", "cache.manager", "main", "app", "shop")).isEqualTo(2);
        // Each cache is bound once: one cache.puts per cache.
        assertThat(registry.get("cache.puts").functionCounters()).hasSize(2);
    }

    @Test
    void aCacheCreatedUnderADestroyedOnesNameReplacesItsMeters() {
        LarderMetrics.monitorAll(registry, larder, "main");
        final Cache<String, String> first = larder.cache("sessions", Codecs.utf8(), Codecs.utf8());
        first.put("s1", "x");
        first.put("s2", "y");
        assertThat(counter("cache.puts", "cache", "sessions")).isEqualTo(2);

        assertThat(larder.destroyCache("sessions")).isTrue();
        final Cache<Long, Long> second = larder.cache("sessions", Codecs.int64(), Codecs.int64());
        second.put(1L, 1L);

        // The new cache's values, not the destroyed one's (Micrometer would return the old meters otherwise).
        assertThat(counter("cache.puts", "cache", "sessions")).isEqualTo(1);
        assertThat(gauge("cache.size", "cache", "sessions")).isEqualTo(1);
        assertThat(registry.get("cache.puts").functionCounters()).hasSize(1);
        assertThat(registry.get("cache.gets").functionCounters()).hasSize(2);
    }

    @Test
    void aDestroyedCachesMetersGoAtTheNextCreation() {
        LarderMetrics.monitorAll(registry, larder, "main");
        larder.cache("gone", Codecs.utf8(), Codecs.utf8()).put("k", "v");
        assertThat(counter("cache.puts", "cache", "gone")).isEqualTo(1); // a scrape before the destruction
        larder.destroyCache("gone");
        assertThat(gauge("larder.caches", "cache.manager", "main")).isZero();
        // Core does not announce destruction: the meters stay, with the last values they read, ...
        assertThat(counter("cache.puts", "cache", "gone")).isEqualTo(1);

        larder.cache("other", Codecs.utf8(), Codecs.utf8());

        // ... until the next cache is created in the Larder.
        assertThat(registry.find("cache.puts").tag("cache", "gone").functionCounter()).isNull();
        assertThat(registry.find("cache.puts").tag("cache", "other").functionCounter()).isNotNull();
    }

    @Test
    void monitorAllStopsBindingOnceTheRegistryIsClosed() {
        LarderMetrics.monitorAll(registry, larder, "main");
        registry.close();
        final Cache<String, String> after = larder.cache("after", Codecs.utf8(), Codecs.utf8());
        after.put("k", "v"); // creating and using caches still works
        assertThat(registry.find("cache.puts").tag("cache", "after").functionCounter()).isNull();
    }

    @Test
    void badArgumentsAreRejected() {
        final Cache<String, String> one = larder.cache("one", Codecs.utf8(), Codecs.utf8());
        final Cache<String, String> two = larder.cache("two", Codecs.utf8(), Codecs.utf8());
        final LoadingCache<String, String> loadingTwo = LoadingCache.of(two, k -> k);
        assertThatThrownBy(() -> new LarderCacheMetrics(one, "one", Tags.empty(), loadingTwo))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'two'").hasMessageContaining("'one'");
        assertThatThrownBy(() -> new LarderCacheMetrics(null, "x", Tags.empty())).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new LarderMetrics(larder, null, List.of(), Tags.empty()))
            .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> LarderCacheMetrics.monitor(registry, one, "odd-number-of-tag-parts"))
            .isInstanceOf(IllegalArgumentException.class);
    }

    private static String[] concat(final String[] a, final String... b) {
        final String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
