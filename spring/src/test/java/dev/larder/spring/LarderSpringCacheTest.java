package dev.larder.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.CacheConfigurationException;
import dev.larder.core.CodecException;
import dev.larder.core.Codecs;
import dev.larder.core.Larder;
import dev.larder.strategies.LoadTimeoutException;
import dev.larder.strategies.RecursiveLoadException;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.cache.Cache;
import org.springframework.cache.interceptor.SimpleKey;

class LarderSpringCacheTest {

    record Point(int x, int y) implements Serializable {
    }

    /** Not Serializable. */
    static final class Opaque {
    }

    /** Serializable, but holds something that is not. */
    record Holder(Object inside) implements Serializable {
    }

    private final FakeClock clock = new FakeClock();
    private Larder larder;

    @BeforeEach
    void open() {
        larder = Larder.builder().maxMemory(16L << 20).clock(clock).expiryInterval(Duration.ZERO).build();
    }

    @AfterEach
    void close() {
        larder.close();
    }

    private LarderCacheManager manager() {
        return LarderCacheManager.builder(larder).build();
    }

    @Test
    void storesSerializableValuesByValue() {
        final Cache cache = manager().getCache("points");
        final Point p = new Point(1, 2);
        cache.put("p", p);
        final Point read = cache.get("p", Point.class);
        assertThat(read).isEqualTo(p).isNotSameAs(p);
        assertThat(cache.get("p").get()).isEqualTo(p);
        assertThat(cache.get("absent")).isNull();
        assertThatThrownBy(() -> cache.get("p", String.class)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void keysOfDifferentTypesButEqualTextAreDistinct() {
        final Cache cache = manager().getCache("keys");
        cache.put("1", "string");
        cache.put(1L, "long");
        cache.put(1, "int");
        cache.put(new SimpleKey("1", 1L), "simple");
        assertThat(cache.get("1").get()).isEqualTo("string");
        assertThat(cache.get(1L).get()).isEqualTo("long");
        assertThat(cache.get(1).get()).isEqualTo("int");
        assertThat(cache.get(new SimpleKey("1", 1L)).get()).isEqualTo("simple");
        assertThat(cache.get(new SimpleKey(1L, "1"))).isNull();
        assertThat(((LarderSpringCache) cache).getNativeCache().size()).isEqualTo(4);
    }

    @Test
    void unserializableValueFailsWithTypedExceptionAndStoresNothing() {
        final Cache cache = manager().getCache("things");
        assertThatThrownBy(() -> cache.put("k", new Opaque()))
            .isInstanceOf(UnserializableValueException.class)
            .hasMessageContaining("cache 'things'")
            .hasMessageContaining(Opaque.class.getName())
            .satisfies(e -> assertThat(((UnserializableValueException) e).typeName()).isEqualTo(Opaque.class.getName()));
        assertThatThrownBy(() -> cache.put("k", new Holder(new Opaque())))
            .isInstanceOf(UnserializableValueException.class)
            .hasMessageContaining(Holder.class.getName())
            .hasMessageContaining(Opaque.class.getName());
        assertThat(cache.get("k")).isNull();
        assertThatThrownBy(() -> cache.get(new Opaque())).isInstanceOf(UnserializableValueException.class);
    }

    @Test
    void perCacheCodecsAndTtl() {
        final LarderCacheManager manager = LarderCacheManager.builder(larder)
            .defaults(LarderCacheSpec.defaults().ttl(Duration.ofMinutes(10)))
            .cache("short", d -> d.ttl(Duration.ofSeconds(5)))
            .cache("names", LarderCacheSpec.of(Codecs.int64(), Codecs.utf8()).allowNullValues(false))
            .build();
        assertThat(manager.getCacheNames()).containsExactly("short", "names");
        final Cache shortCache = manager.getCache("short");
        final Cache other = manager.getCache("other");
        final Cache names = manager.getCache("names");
        assertThat(manager.getCacheNames()).containsExactly("short", "names", "other");
        shortCache.put("k", "v");
        other.put("k", "v");
        names.put(7L, "seven");
        assertThat(((LarderSpringCache) names).getNativeCache().options().expireAfterWrite()).isNull();

        clock.advance(Duration.ofSeconds(4));
        assertThat(shortCache.get("k")).isNotNull();
        clock.advance(Duration.ofSeconds(2));
        assertThat(shortCache.get("k")).isNull();
        assertThat(other.get("k").get()).isEqualTo("v");
        clock.advance(Duration.ofMinutes(10));
        assertThat(other.get("k")).isNull();
        assertThat(names.get(7L).get()).isEqualTo("seven");

        // The typed codec rejects a key of another type with Larder's typed codec error.
        assertThatThrownBy(() -> names.put("seven", "x")).isInstanceOf(CodecException.class)
            .hasMessageContaining("cache 'names'");
    }

    @Test
    void nullValuesAreCachedAsAMarkerWhenAllowed() {
        final Cache cache = manager().getCache("nullable");
        cache.put("k", null);
        final Cache.ValueWrapper w = cache.get("k");
        assertThat(w).isNotNull();
        assertThat(w.get()).isNull();
        final String typed = cache.get("k", String.class);
        assertThat(typed).isNull();
        assertThat(((LarderSpringCache) cache).getNativeCache().size()).isEqualTo(1);
        final AtomicInteger loads = new AtomicInteger();
        final Callable<String> loadsNull = () -> {
            loads.incrementAndGet();
            return null;
        };
        final Callable<String> loadsValue = () -> {
            loads.incrementAndGet();
            return "not called";
        };
        assertThat(cache.get("n", loadsNull)).isNull();
        assertThat(cache.get("n", loadsValue)).isNull();
        assertThat(loads).hasValue(1);
        assertThat(cache.putIfAbsent("k", "v")).isNotNull().extracting(Cache.ValueWrapper::get).isNull();
    }

    @Test
    void nullValuesAreRejectedWhenNotAllowed() {
        final LarderCacheManager manager = LarderCacheManager.builder(larder).allowNullValues(false).build();
        final Cache cache = manager.getCache("strict");
        assertThatThrownBy(() -> cache.put("k", null)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("strict");
        assertThatThrownBy(() -> cache.get("k", () -> null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(cache.get("k")).isNull();
        // Stored without the marker byte: the Larder value is exactly the serialized value.
        cache.put("k", "v");
        assertThat(((LarderSpringCache) cache).getNativeCache().get("k")).isEqualTo("v");
    }

    @Test
    void putIfAbsentEvictIfPresentAndInvalidate() {
        final Cache cache = manager().getCache("c");
        assertThat(cache.putIfAbsent("k", "first")).isNull();
        assertThat(cache.putIfAbsent("k", "second").get()).isEqualTo("first");
        assertThat(cache.get("k").get()).isEqualTo("first");

        assertThat(cache.evictIfPresent("k")).isTrue();
        assertThat(cache.get("k")).isNull();
        assertThat(cache.evictIfPresent("k")).isFalse();
        cache.evict("absent");

        assertThat(cache.invalidate()).isFalse();
        cache.put("a", 1);
        cache.put("b", 2);
        assertThat(cache.invalidate()).isTrue();
        assertThat(cache.get("a")).isNull();
        assertThat(cache.get("b")).isNull();
        cache.put("c", 3);
        cache.clear();
        assertThat(cache.get("c")).isNull();
    }

    @Test
    void loaderExceptionIsWrappedAndNothingIsCached() {
        final Cache cache = manager().getCache("c");
        final Callable<String> failing = () -> {
            throw new java.io.IOException("database down");
        };
        assertThatThrownBy(() -> cache.get("k", failing))
            .isInstanceOf(Cache.ValueRetrievalException.class)
            .hasCauseInstanceOf(java.io.IOException.class)
            .satisfies(e -> assertThat(((Cache.ValueRetrievalException) e).getKey()).isEqualTo("k"));
        assertThat(cache.get("k")).isNull();
        assertThat(cache.get("k", () -> "loaded")).isEqualTo("loaded");
        assertThat(cache.get("k", () -> "again")).isEqualTo("loaded");
    }

    @Test
    void concurrentMissesCallTheLoaderOnce() throws Exception {
        final Cache cache = manager().getCache("c");
        final AtomicInteger loads = new AtomicInteger();
        final CountDownLatch inLoader = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final ConcurrentLinkedQueue<Object> results = new ConcurrentLinkedQueue<>();
        final Callable<Point> loader = () -> {
            loads.incrementAndGet();
            inLoader.countDown();
            release.await();
            return new Point(3, 4);
        };
        final Thread leader = new Thread(() -> results.add(cache.get("k", loader)), "leader");
        leader.start();
        assertThat(inLoader.await(30, TimeUnit.SECONDS)).isTrue();
        final List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            final Thread t = new Thread(() -> results.add(cache.get("k", loader)), "waiter-" + i);
            waiters.add(t);
            t.start();
        }
        Threads.awaitAllWaiting(waiters);
        release.countDown();
        leader.join();
        for (final Thread t : waiters) {
            t.join();
        }
        assertThat(loads).hasValue(1);
        assertThat(results).hasSize(16).allMatch(new Point(3, 4)::equals);
        assertThat(cache.get("k").get()).isEqualTo(new Point(3, 4));
        final dev.larder.core.CacheStats stats = ((LarderSpringCache) cache).getNativeCache().stats();
        assertThat(stats.puts()).isEqualTo(1);
    }

    @Test
    void everyWaiterGetsTheLeadersLoaderFailure() throws Exception {
        final Cache cache = manager().getCache("c");
        final AtomicInteger loads = new AtomicInteger();
        final CountDownLatch inLoader = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final Callable<String> loader = () -> {
            loads.incrementAndGet();
            inLoader.countDown();
            release.await();
            throw new IllegalStateException("boom");
        };
        final Runnable call = () -> {
            try {
                cache.get("k", loader);
            } catch (final Throwable t) {
                failures.add(t);
            }
        };
        final Thread leader = new Thread(call, "leader");
        leader.start();
        assertThat(inLoader.await(30, TimeUnit.SECONDS)).isTrue();
        final List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            final Thread t = new Thread(call, "waiter-" + i);
            waiters.add(t);
            t.start();
        }
        Threads.awaitAllWaiting(waiters);
        release.countDown();
        leader.join();
        for (final Thread t : waiters) {
            t.join();
        }
        assertThat(loads).hasValue(1);
        assertThat(failures).hasSize(8).allSatisfy(t -> {
            assertThat(t).isInstanceOf(Cache.ValueRetrievalException.class);
            assertThat(t.getCause()).isInstanceOf(IllegalStateException.class).hasMessage("boom");
        });
        assertThat(cache.get("k")).isNull();
    }

    @Test
    void recursiveLoadOfTheSameKeyFailsInsteadOfDeadlocking() {
        final Cache cache = manager().getCache("c");
        assertThatThrownBy(() -> cache.get("k", () -> cache.get("k", () -> "inner")))
            .isInstanceOf(Cache.ValueRetrievalException.class)
            .hasCauseInstanceOf(RecursiveLoadException.class)
            .hasStackTraceContaining("recursive load");
        assertThat(cache.get("k")).isNull();
        // A different key inside a loader is fine.
        assertThat(cache.get("outer", () -> cache.get("inner", () -> "x") + "y")).isEqualTo("xy");
    }

    @Test
    void waiterGivesUpAfterTheLoadTimeoutAndTheLoadStillCompletes() throws Exception {
        final Cache cache = LarderCacheManager.builder(larder)
            .cache("slow", d -> d.loadTimeout(Duration.ofMillis(200))).build().getCache("slow");
        final CountDownLatch inLoader = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final Thread leader = new Thread(() -> cache.get("k", () -> {
            inLoader.countDown();
            release.await();
            return "slow value";
        }), "leader");
        leader.start();
        try {
            assertThat(inLoader.await(30, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(() -> cache.get("k", () -> "not called")).isInstanceOf(LoadTimeoutException.class);
        } finally {
            release.countDown();
            leader.join();
        }
        assertThat(cache.get("k").get()).isEqualTo("slow value");
    }

    @Test
    void putDuringALoadWinsOverTheLoadedValue() throws Exception {
        final Cache cache = manager().getCache("c");
        final CountDownLatch inLoader = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final ConcurrentLinkedQueue<Object> results = new ConcurrentLinkedQueue<>();
        final Thread leader = new Thread(() -> results.add(cache.get("k", () -> {
            inLoader.countDown();
            release.await();
            return "read before the update";
        })), "leader");
        leader.start();
        assertThat(inLoader.await(30, TimeUnit.SECONDS)).isTrue();
        cache.put("k", "updated");
        release.countDown();
        leader.join();
        assertThat(results).containsExactly("read before the update");
        assertThat(cache.get("k").get()).isEqualTo("updated");
    }

    @Test
    void asyncRetrieveLoadsOnceAndCaches() throws Exception {
        final Cache cache = manager().getCache("async");
        assertThat(cache.retrieve("k")).isNull();
        final AtomicInteger loads = new AtomicInteger();
        final CompletableFuture<String> source = new CompletableFuture<>();
        final CompletableFuture<String> first = cache.retrieve("k", () -> {
            loads.incrementAndGet();
            return source;
        });
        final CompletableFuture<String> second = cache.retrieve("k", () -> {
            loads.incrementAndGet();
            return CompletableFuture.completedFuture("other");
        });
        assertThat(first).isNotDone();
        source.complete("value");
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("value");
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo("value");
        assertThat(loads).hasValue(1);
        final CompletableFuture<?> hit = cache.retrieve("k");
        assertThat(hit).isNotNull();
        assertThat(((Cache.ValueWrapper) hit.get()).get()).isEqualTo("value");

        final CompletableFuture<String> failed = cache.retrieve("f",
            () -> CompletableFuture.failedFuture(new IllegalStateException("async boom")));
        assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(cache.get("f")).isNull();
    }

    @Test
    void dynamicCreationOffOnlyServesDeclaredCaches() {
        final LarderCacheManager manager = LarderCacheManager.builder(larder).dynamic(false)
            .cache("declared").cacheNamePrefix("spring:").build();
        assertThat(manager.getCache("declared")).isNotNull();
        assertThat(manager.getCache("unknown")).isNull();
        assertThat(manager.getCacheNames()).containsExactly("declared");
        assertThat(larder.cacheNames()).containsExactly("spring:declared");
    }

    @Test
    void conflictingLarderCacheFailsAtBuildAndBadSettingsAreRejected() {
        larder.cache("taken", Codecs.utf8(), Codecs.utf8());
        assertThatThrownBy(() -> LarderCacheManager.builder(larder).cache("taken").build())
            .isInstanceOf(CacheConfigurationException.class);
        assertThatThrownBy(() -> LarderCacheSpec.defaults().ttl(Duration.ZERO))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ttl");
        assertThatThrownBy(() -> LarderCacheSpec.defaults().ttl(Duration.ofSeconds(-1)))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LarderCacheSpec.defaults().maxEntrySize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LarderCacheManager.builder(larder).cache("a").cache("a"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> LarderCacheManager.builder(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> LarderCacheSpec.of(null, Codecs.utf8())).isInstanceOf(NullPointerException.class);
    }
}
