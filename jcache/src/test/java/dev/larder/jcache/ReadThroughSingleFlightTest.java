package dev.larder.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.strategies.RecursiveLoadException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.Factory;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Read-through goes through strategies' single flight: concurrent misses of a key call the JSR-107
 * loader once, share its failure, and a recursive load fails instead of recursing.
 */
class ReadThroughSingleFlightTest {

    private static final int THREADS = 16;

    private final CacheManager manager = Caching.getCachingProvider(LarderCachingProvider.class.getName())
        .getCacheManager(URI.create("urn:larder:single-flight"), getClass().getClassLoader());
    private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);

    @AfterEach
    void close() {
        pool.shutdownNow();
        manager.close();
    }

    /** A JSR-107 loader that counts its calls and blocks in them until released. */
    private static final class GatedLoader implements CacheLoader<String, String> {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger loadCalls = new AtomicInteger();
        final List<Set<String>> loadAllCalls = new CopyOnWriteArrayList<>();
        volatile RuntimeException failure;

        @Override
        public String load(final String key) {
            loadCalls.incrementAndGet();
            gate();
            return "v(" + key + ")";
        }

        @Override
        public Map<String, String> loadAll(final Iterable<? extends String> keys) {
            final Set<String> asked = new java.util.LinkedHashSet<>();
            keys.forEach(asked::add);
            loadAllCalls.add(asked);
            gate();
            final Map<String, String> found = new HashMap<>();
            for (final String key : asked) {
                found.put(key, "v(" + key + ")");
            }
            return found;
        }

        private void gate() {
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            if (failure != null) {
                throw failure;
            }
        }
    }

    private Cache<String, String> readThrough(final String name, final CacheLoader<String, String> loader) {
        final Factory<CacheLoader<String, String>> factory = () -> loader;
        return manager.createCache(name, new MutableConfiguration<String, String>()
            .setTypes(String.class, String.class)
            .setReadThrough(true)
            .setCacheLoaderFactory(factory)
            .setStatisticsEnabled(true));
    }

    private static long misses(final Cache<String, String> cache) {
        return cache.unwrap(LarderJCache.class).statistics().getCacheMisses();
    }

    private static void awaitTrue(final String what, final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(5);
        }
    }

    @Test
    void concurrentMissesOfOneKeyCallTheLoaderOnce() throws Exception {
        final GatedLoader loader = new GatedLoader();
        final Cache<String, String> cache = readThrough("stampede", loader);
        final List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            results.add(pool.submit(() -> cache.get("hot")));
        }
        // Every thread has missed while the load is still blocked in the loader.
        awaitTrue(THREADS + " misses", () -> misses(cache) == THREADS);
        awaitTrue("the load started", () -> loader.loadCalls.get() > 0);
        loader.release.countDown();
        final List<String> values = new ArrayList<>();
        for (final Future<String> result : results) {
            values.add(result.get(30, TimeUnit.SECONDS));
        }
        assertThat(values).hasSize(THREADS).containsOnly("v(hot)");
        assertThat(loader.loadCalls).hasValue(1);
        // The value was stored once, before the waiters were released; the next get is a hit.
        assertThat(cache.unwrap(LarderJCache.class).statistics().getCachePuts()).isEqualTo(1);
        assertThat(cache.get("hot")).isEqualTo("v(hot)");
        assertThat(loader.loadCalls).hasValue(1);
    }

    @Test
    void concurrentGetAllLoadsEachMissingKeyOnce() throws Exception {
        final GatedLoader loader = new GatedLoader();
        final Cache<String, String> cache = readThrough("bulk", loader);
        cache.put("present", "p");
        final Set<String> keys = Set.of("a", "b", "c", "present");
        final List<Future<Map<String, String>>> results = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            results.add(pool.submit(() -> cache.getAll(keys)));
        }
        awaitTrue("all bulk misses", () -> misses(cache) == 3L * THREADS);
        loader.release.countDown();
        final Map<String, String> expected = Map.of("a", "v(a)", "b", "v(b)", "c", "v(c)", "present", "p");
        for (final Future<Map<String, String>> result : results) {
            assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
        }
        // Each missing key went to loadAll exactly once (threads that registered first may have
        // split the keys between them); the other threads waited for those loads.
        final List<String> loaded = new ArrayList<>();
        loader.loadAllCalls.forEach(loaded::addAll);
        assertThat(loaded).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(loader.loadCalls).hasValue(0);
    }

    @Test
    void aFailedLoadReachesEveryWaiterAsCacheLoaderExceptionAndNothingIsStored() throws Exception {
        final GatedLoader loader = new GatedLoader();
        final IllegalStateException failure = new IllegalStateException("database down");
        loader.failure = failure;
        final Cache<String, String> cache = readThrough("failing", loader);
        final List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            results.add(pool.submit(() -> cache.get("k")));
        }
        awaitTrue(THREADS + " misses", () -> misses(cache) == THREADS);
        loader.release.countDown();
        for (final Future<String> result : results) {
            assertThatThrownBy(() -> result.get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(CacheLoaderException.class)
                .hasRootCause(failure);
        }
        assertThat(loader.loadCalls).hasValue(1);
        assertThat(cache.containsKey("k")).isFalse();
    }

    @Test
    void aLoaderAskingForItsOwnKeyFailsFastInsteadOfRecursing() {
        final AtomicInteger calls = new AtomicInteger();
        final Cache<String, String>[] self = newArray();
        self[0] = readThrough("recursive", new CacheLoader<>() {
            @Override
            public String load(final String key) {
                calls.incrementAndGet();
                return "x" + self[0].get(key);
            }

            @Override
            public Map<String, String> loadAll(final Iterable<? extends String> keys) {
                throw new UnsupportedOperationException();
            }
        });
        assertThatThrownBy(() -> self[0].get("a"))
            .isInstanceOf(CacheLoaderException.class)
            .hasCauseInstanceOf(RecursiveLoadException.class);
        assertThat(calls).hasValue(1);
        assertThat(self[0].containsKey("a")).isFalse();
    }

    @SuppressWarnings("unchecked")
    private static Cache<String, String>[] newArray() {
        return (Cache<String, String>[]) new Cache<?, ?>[1];
    }
}
