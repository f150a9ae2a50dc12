package dev.larder.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.Cache;
import dev.larder.core.CacheOptions;
import dev.larder.core.Codecs;
import dev.larder.core.Larder;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoadingCacheTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private Larder larder;
    private Cache<String, String> cache;
    private final AtomicInteger loads = new AtomicInteger();

    @BeforeEach
    void open() {
        larder = Larder.builder().maxMemory(16L << 20).clock(now::get).expiryInterval(Duration.ZERO).build();
        cache = larder.cache("c", Codecs.utf8(), Codecs.utf8());
    }

    @AfterEach
    void close() {
        larder.close();
    }

    @Test
    void oneMissCountsOnceInTheCacheStats() {
        final LoadingCache<String, String> loading = LoadingCache.of(cache, this::db);
        assertThat(loading.get("k")).isEqualTo("v(k)");
        assertThat(cache.stats().misses()).as("the miss, not the re-check under the flight").isEqualTo(1);
        assertThat(cache.stats().hits()).isZero();
        assertThat(loading.get("k")).isEqualTo("v(k)");
        assertThat(cache.stats().hits()).isEqualTo(1);
        assertThat(loads.get()).isEqualTo(1);
    }

    private String db(final String key) {
        loads.incrementAndGet();
        return key.startsWith("missing") ? null : "v(" + key + ")";
    }

    static void awaitTrue(final String what, final BooleanSupplier condition) throws InterruptedException {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(1);
        }
    }

    @Test
    void stampedeOf64ThreadsOnOneKeyRunsTheLoaderExactlyOnce() throws Exception {
        final int threads = 64;
        final LoadingCache<String, String>[] holder = newArray();
        final AtomicInteger calls = new AtomicInteger();
        holder[0] = LoadingCache.builder(cache).loader(key -> {
            calls.incrementAndGet();
            // Hold the load until every other thread is waiting for it: the stampede is complete.
            awaitTrue("63 waiters", () -> holder[0].stats().coalescedWaits() == threads - 1);
            return "row-" + key;
        }).build();
        final LoadingCache<String, String> loading = holder[0];
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            final CountDownLatch start = new CountDownLatch(1);
            final List<Future<String>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return loading.get("hot");
                }));
            }
            start.countDown();
            for (final Future<String> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("row-hot");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(calls).hasValue(1);
        assertThat(loading.stats().loads()).isEqualTo(1);
        assertThat(loading.stats().misses()).isEqualTo(threads);
        assertThat(cache.get("hot")).isEqualTo("row-hot");
        assertThat(loading.isLoading("hot")).isFalse();
    }

    @SuppressWarnings("unchecked")
    private static LoadingCache<String, String>[] newArray() {
        return (LoadingCache<String, String>[]) new LoadingCache<?, ?>[1];
    }

    @Test
    void loaderExceptionReachesEveryWaiterTypedAndIsNotCached() throws Exception {
        final IOException failure = new IOException("database is down");
        final CountDownLatch release = new CountDownLatch(1);
        final LoadingCache<String, String> loading = LoadingCache.builder(cache).build();
        final AtomicInteger calls = new AtomicInteger();
        final CacheLoader<String, String> failing = key -> {
            calls.incrementAndGet();
            release.await();
            throw failure;
        };
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            final List<Future<?>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                results.add(pool.submit(() -> loading.getOrLoad("k", failing)));
            }
            awaitTrue("3 waiters", () -> loading.stats().coalescedWaits() == 3);
            release.countDown();
            for (final Future<?> result : results) {
                assertThatThrownBy(() -> result.get(30, TimeUnit.SECONDS))
                    .cause().isInstanceOf(CacheLoaderException.class)
                    .hasRootCause(failure)
                    .satisfies(e -> assertThat(e.getCause()).isSameAs(failure));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(calls).hasValue(1);
        assertThat(loading.stats().loadFailures()).isEqualTo(1);
        assertThat(cache.containsKey("k")).isFalse();
        // Not cached: the next call loads again, and succeeds.
        assertThat(loading.getOrLoad("k", this::db)).isEqualTo("v(k)");
        assertThat(loads).hasValue(1);
    }

    @Test
    void uncheckedLoaderExceptionIsWrappedForTheLoadingThreadToo() {
        final LoadingCache<String, String> loading = LoadingCache.builder(cache).build();
        final IllegalStateException failure = new IllegalStateException("bad row");
        assertThatThrownBy(() -> loading.getOrLoad("k", key -> {
            throw failure;
        })).isInstanceOf(CacheLoaderException.class).hasCause(failure).hasMessageContaining("k");
    }

    @Test
    void waiterGivesUpAfterTheLoadTimeoutAndTheLoadStillCompletes() throws Exception {
        final CountDownLatch release = new CountDownLatch(1);
        final LoadingCache<String, String> loading = LoadingCache.builder(cache).loadTimeout(Duration.ofMillis(50))
            .loader(key -> {
                release.await();
                return "slow";
            }).build();
        final ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            final Future<String> first = pool.submit(() -> loading.get("k"));
            awaitTrue("load started", () -> loading.isLoading("k"));
            assertThatThrownBy(() -> loading.get("k")).isInstanceOf(LoadTimeoutException.class).hasMessageContaining("k");
            assertThat(loading.stats().timeouts()).isEqualTo(1);
            release.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo("slow");
        } finally {
            pool.shutdownNow();
        }
        assertThat(cache.get("k")).isEqualTo("slow");
    }

    @Test
    void recursiveLoadOfTheSameKeyFailsFast() {
        final LoadingCache<String, String>[] holder = newArray();
        holder[0] = LoadingCache.builder(cache).loader(key -> "x" + holder[0].get(key)).build();
        assertThatThrownBy(() -> holder[0].get("a"))
            .isInstanceOf(RecursiveLoadException.class)
            .hasMessageContaining("recursive load of key a");
        assertThat(cache.containsKey("a")).isFalse();
        assertThat(holder[0].isLoading("a")).isFalse();
    }

    @Test
    void recursiveLoadThroughAnotherKeyFailsFast() {
        final LoadingCache<String, String>[] holder = newArray();
        holder[0] = LoadingCache.builder(cache).loader(key -> key.equals("a") ? holder[0].get("b") : holder[0].get("a")).build();
        assertThatThrownBy(() -> holder[0].get("a")).isInstanceOf(RecursiveLoadException.class);
        assertThat(holder[0].isLoading("a")).isFalse();
        assertThat(holder[0].isLoading("b")).isFalse();
    }

    @Test
    void loaderMayUseTheCacheForOtherKeys() {
        final LoadingCache<String, String>[] holder = newArray();
        holder[0] = LoadingCache.builder(cache).loader(key -> key.equals("order") ? "order of " + holder[0].get("customer") : "Ada").build();
        assertThat(holder[0].get("order")).isEqualTo("order of Ada");
        assertThat(cache.get("customer")).isEqualTo("Ada");
    }

    @Test
    void getAllLoadsOnlyTheMissingKeysInOneLoadAll() {
        final List<Set<String>> calls = new ArrayList<>();
        final LoadingCache<String, String> loading = LoadingCache.builder(cache).loader(new CacheLoader<>() {
            @Override
            public String load(final String key) {
                throw new AssertionError("single load must not be used by getAll");
            }

            @Override
            public Map<String, String> loadAll(final Set<? extends String> keys) {
                calls.add(new HashSet<>(keys));
                final Map<String, String> found = new HashMap<>();
                for (final String key : keys) {
                    if (!key.startsWith("missing")) {
                        found.put(key, "loaded " + key);
                    }
                }
                found.put("not-asked", "ignored");
                return found;
            }
        }).build();
        cache.put("a", "cached a");
        cache.put("b", "cached b");

        final Map<String, String> result = loading.getAll(Set.of("a", "b", "c", "d", "missing1"));

        assertThat(calls).containsExactly(Set.of("c", "d", "missing1"));
        assertThat(result).containsOnly(Map.entry("a", "cached a"), Map.entry("b", "cached b"),
            Map.entry("c", "loaded c"), Map.entry("d", "loaded d"));
        assertThat(cache.get("c")).isEqualTo("loaded c");
        assertThat(cache.containsKey("not-asked")).isFalse();
        assertThat(loading.getAll(Set.of("a", "c"))).hasSize(2);
        assertThat(calls).hasSize(1);
    }

    @Test
    void getAllWaitsForKeysAnotherThreadIsLoadingInsteadOfLoadingThemAgain() throws Exception {
        final CountDownLatch release = new CountDownLatch(1);
        final List<Set<String>> bulkCalls = new CopyOnWriteArrayList<>();
        final LoadingCache<String, String> loading = LoadingCache.builder(cache).loader(new CacheLoader<>() {
            @Override
            public String load(final String key) throws InterruptedException {
                release.await();
                return "single " + key;
            }

            @Override
            public Map<String, String> loadAll(final Set<? extends String> keys) {
                bulkCalls.add(Set.copyOf(keys));
                final Map<String, String> found = new HashMap<>();
                keys.forEach(k -> found.put(k, "bulk " + k));
                return found;
            }
        }).build();
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            final Future<String> single = pool.submit(() -> loading.get("x"));
            awaitTrue("x loading", () -> loading.isLoading("x"));
            final Future<Map<String, String>> bulk = pool.submit(() -> loading.getAll(Set.of("x", "y")));
            awaitTrue("bulk waits for x", () -> loading.stats().coalescedWaits() == 1);
            release.countDown();
            assertThat(single.get(30, TimeUnit.SECONDS)).isEqualTo("single x");
            assertThat(bulk.get(30, TimeUnit.SECONDS)).containsOnly(Map.entry("x", "single x"), Map.entry("y", "bulk y"));
        } finally {
            pool.shutdownNow();
        }
        assertThat(bulkCalls).containsExactly(Set.of("y"));
    }

    @Test
    void failedLoadAllCachesNothingAndFailsEveryKeysFlight() {
        final LoadingCache<String, String> loading = LoadingCache.builder(cache).loader(new CacheLoader<>() {
            @Override
            public String load(final String key) {
                return "single";
            }

            @Override
            public Map<String, String> loadAll(final Set<? extends String> keys) throws IOException {
                throw new IOException("timeout");
            }
        }).build();
        assertThatThrownBy(() -> loading.getAll(Set.of("p", "q"))).isInstanceOf(CacheLoaderException.class)
            .hasCauseInstanceOf(IOException.class);
        assertThat(cache.size()).isZero();
        assertThat(loading.isLoading("p")).isFalse();
        assertThat(loading.isLoading("q")).isFalse();
        assertThat(loading.get("p")).isEqualTo("single");
    }

    @Test
    void negativeCachingRemembersAbsenceForItsTtlOnly() {
        final LoadingCache<String, String> loading = LoadingCache.builder(cache).loader(this::db)
            .negativeCaching(Duration.ofSeconds(10)).clock(now::get).build();
        assertThat(loading.get("missing-1")).isNull();
        assertThat(loading.get("missing-1")).isNull();
        assertThat(loads).hasValue(1);
        assertThat(loading.stats().negativeHits()).isEqualTo(1);

        now.addAndGet(10_000);
        assertThat(loading.get("missing-1")).isNull();
        assertThat(loads).hasValue(2);
    }

    @Test
    void withoutNegativeCachingAbsenceIsAskedEveryTime() {
        final LoadingCache<String, String> loading = LoadingCache.of(cache, this::db);
        assertThat(loading.get("missing-1")).isNull();
        assertThat(loading.get("missing-1")).isNull();
        assertThat(loads).hasValue(2);
        assertThat(cache.size()).isZero();
    }

    @Test
    void putAndInvalidateClearANegativeEntry() {
        final LoadingCache<String, String> loading = LoadingCache.builder(cache).loader(this::db)
            .negativeCaching(Duration.ofMinutes(10)).clock(now::get).build();
        assertThat(loading.get("missing-2")).isNull();
        loading.put("missing-2", "inserted");
        assertThat(loading.get("missing-2")).isEqualTo("inserted");

        assertThat(loading.get("missing-3")).isNull();
        loading.invalidate("missing-3");
        assertThat(loading.get("missing-3")).isNull();   // asked again: the negative entry is gone
        assertThat(loads).hasValue(3);
    }

    @Test
    void negativeCacheStaysWithinItsBound() {
        final LoadingCache<String, String> loading = LoadingCache.builder(cache).loader(this::db)
            .negativeCaching(Duration.ofMinutes(10)).negativeCacheMaxEntries(5).clock(now::get).build();
        for (int i = 0; i < 50; i++) {
            assertThat(loading.get("missing-" + i)).isNull();
        }
        // The newest negative entry survives the trimming...
        final int before = loads.get();
        assertThat(loading.get("missing-49")).isNull();
        assertThat(loads.get()).isEqualTo(before);
        // ...but at most 5 of the 50 are remembered.
        for (int i = 0; i < 49; i++) {
            loading.get("missing-" + i);
        }
        assertThat(loads.get() - before).isGreaterThanOrEqualTo(45);
    }

    @Test
    void aWriteDuringALoadWinsOverTheLoadedValue() throws Exception {
        final CountDownLatch loaded = new CountDownLatch(1);
        final CountDownLatch written = new CountDownLatch(1);
        final LoadingCache<String, String> loading = LoadingCache.builder(cache).loader(key -> {
            loaded.countDown();
            written.await();
            return "old row read before the update";
        }).build();
        final ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            final Future<String> reader = pool.submit(() -> loading.get("k"));
            loaded.await();
            loading.put("k", "new");
            written.countDown();
            assertThat(reader.get(30, TimeUnit.SECONDS)).isEqualTo("old row read before the update");
        } finally {
            pool.shutdownNow();
        }
        assertThat(cache.get("k")).isEqualTo("new");
    }

    @Test
    void anInvalidationDuringALoadKeepsTheLoadedValueOutOfTheCache() throws Exception {
        final CountDownLatch loaded = new CountDownLatch(1);
        final CountDownLatch invalidated = new CountDownLatch(1);
        final LoadingCache<String, String> loading = LoadingCache.builder(cache).loader(key -> {
            loaded.countDown();
            invalidated.await();
            return "row read before the delete";
        }).build();
        final ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            final Future<String> reader = pool.submit(() -> loading.get("k"));
            loaded.await();
            loading.invalidate("k");
            invalidated.countDown();
            reader.get(30, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(cache.containsKey("k")).isFalse();
    }

    @Test
    void refreshAfterWriteServesTheOldValueWhileOneAsyncReloadRuns() {
        final Cache<String, String> timed = larder.cache("timed", Codecs.utf8(), Codecs.utf8(),
            CacheOptions.defaults().expireAfterWrite(Duration.ofSeconds(60)));
        final List<Runnable> tasks = new ArrayList<>();
        final AtomicInteger version = new AtomicInteger();
        final LoadingCache<String, String> loading = LoadingCache.builder(timed)
            .loader(key -> key + "#" + version.incrementAndGet())
            .refreshAfterWrite(Duration.ofSeconds(10)).refreshExecutor(tasks::add).clock(now::get).build();

        assertThat(loading.get("k")).isEqualTo("k#1");
        now.addAndGet(9_999);
        assertThat(loading.get("k")).isEqualTo("k#1");
        assertThat(tasks).isEmpty();

        now.addAndGet(1);
        assertThat(loading.get("k")).isEqualTo("k#1");      // served while the reload is pending
        assertThat(loading.get("k")).isEqualTo("k#1");
        assertThat(tasks).hasSize(1);                         // one reload, not one per hit
        assertThat(loading.stats().refreshes()).isEqualTo(1);

        tasks.remove(0).run();
        assertThat(loading.get("k")).isEqualTo("k#2");
        assertThat(timed.ttl("k")).isEqualTo(Duration.ofSeconds(60));  // the reload restarted the entry's life
        assertThat(tasks).isEmpty();
        assertThat(loading.stats().refreshFailures()).isZero();
    }

    @Test
    void failedRefreshKeepsTheOldValueAndIsCounted() {
        final Cache<String, String> timed = larder.cache("timed", Codecs.utf8(), Codecs.utf8(),
            CacheOptions.defaults().expireAfterWrite(Duration.ofSeconds(60)));
        final List<Runnable> tasks = new ArrayList<>();
        final AtomicInteger calls = new AtomicInteger();
        final LoadingCache<String, String> loading = LoadingCache.builder(timed).loader(key -> {
            if (calls.incrementAndGet() > 1) {
                throw new IOException("replica lagging");
            }
            return "v1";
        }).refreshAfterWrite(Duration.ofSeconds(10)).refreshExecutor(tasks::add).clock(now::get).build();

        assertThat(loading.get("k")).isEqualTo("v1");
        now.addAndGet(15_000);
        assertThat(loading.get("k")).isEqualTo("v1");
        tasks.remove(0).run();
        assertThat(loading.get("k")).isEqualTo("v1");
        assertThat(loading.stats().refreshFailures()).isEqualTo(1);
        assertThat(timed.ttl("k")).isEqualTo(Duration.ofSeconds(45));
        // The next hit may try again.
        assertThat(tasks).hasSize(1);
    }

    @Test
    void refreshDoesNotOverwriteAValueWrittenMeanwhile() {
        final Cache<String, String> timed = larder.cache("timed", Codecs.utf8(), Codecs.utf8(),
            CacheOptions.defaults().expireAfterWrite(Duration.ofSeconds(60)));
        final List<Runnable> tasks = new ArrayList<>();
        final LoadingCache<String, String> loading = LoadingCache.builder(timed).loader(key -> "from db")
            .refreshAfterWrite(Duration.ofSeconds(10)).refreshExecutor(tasks::add).build();
        loading.put("k", "v1");
        now.addAndGet(20_000);
        loading.get("k");
        loading.put("k", "written after the refresh started");
        tasks.remove(0).run();
        assertThat(timed.get("k")).isEqualTo("written after the refresh started");
    }

    @Test
    void earlyExpirationReloadsNearExpiryByTheXFetchRule() {
        final Cache<String, String> timed = larder.cache("timed", Codecs.utf8(), Codecs.utf8(),
            CacheOptions.defaults().expireAfterWrite(Duration.ofSeconds(60)));
        final AtomicInteger version = new AtomicInteger();
        final double[] u = {0.5};
        final LoadingCache<String, String> loading = LoadingCache.builder(timed).loader(key -> {
            now.addAndGet(1_000);    // each load takes 1 s of (fake) time: delta = 1000 ms
            return key + "#" + version.incrementAndGet();
        }).earlyExpiration(1.0).random(() -> u[0]).clock(now::get).build();

        assertThat(loading.get("k")).isEqualTo("k#1");        // load ends at t0 + 1 s, entry expires 60 s later
        // Remaining 30 s: -1000 * ln(0.5) = 693 ms < 30 s, no reload...
        now.addAndGet(30_000);
        assertThat(loading.get("k")).isEqualTo("k#1");
        // ...unless the draw is extreme: -1000 * ln(1e-14) = 32.2 s >= 30 s.
        u[0] = 1e-14;
        assertThat(loading.get("k")).isEqualTo("k#2");
        assertThat(loading.stats().earlyReloads()).isEqualTo(1);
        assertThat(timed.ttl("k")).isEqualTo(Duration.ofSeconds(60));

        // Remaining 600 ms with u = 0.5: 693 ms >= 600 ms, reload; at 700 ms remaining it would not.
        u[0] = 0.5;
        now.addAndGet(59_300);
        assertThat(loading.get("k")).isEqualTo("k#2");
        assertThat(timed.ttl("k")).isEqualTo(Duration.ofMillis(700));
        now.addAndGet(100);
        assertThat(loading.get("k")).isEqualTo("k#3");
        assertThat(loading.stats().earlyReloads()).isEqualTo(2);
        assertThat(version).hasValue(3);
    }

    @Test
    void failedEarlyReloadKeepsTheCurrentValue() {
        final Cache<String, String> timed = larder.cache("timed", Codecs.utf8(), Codecs.utf8(),
            CacheOptions.defaults().expireAfterWrite(Duration.ofSeconds(60)));
        final AtomicInteger calls = new AtomicInteger();
        final LoadingCache<String, String> loading = LoadingCache.builder(timed).loader(key -> {
            now.addAndGet(1_000);
            if (calls.incrementAndGet() > 1) {
                throw new IOException("down");
            }
            return "v1";
        }).earlyExpiration(1.0).random(() -> 0.5).clock(now::get).build();
        assertThat(loading.get("k")).isEqualTo("v1");
        now.addAndGet(59_500);
        assertThat(loading.get("k")).isEqualTo("v1");
        assertThat(loading.stats().refreshFailures()).isEqualTo(1);
        assertThat(loading.stats().earlyReloads()).isEqualTo(1);
    }

    @Test
    void earlyExpirationIgnoresEntriesWithoutTtl() {
        final LoadingCache<String, String> loading = LoadingCache.builder(cache).loader(key -> {
            now.addAndGet(1_000);
            return "v";
        }).earlyExpiration(100.0).random(() -> 1e-300).clock(now::get).build();
        loading.get("k");
        loading.get("k");
        assertThat(loading.stats().earlyReloads()).isZero();
    }

    @Test
    void configurationErrorsAreRejectedWithClearMessages() {
        assertThatThrownBy(() -> LoadingCache.builder(cache).refreshAfterWrite(Duration.ofSeconds(1)).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expireAfterWrite");
        final Cache<String, String> timed = larder.cache("timed", Codecs.utf8(), Codecs.utf8(),
            CacheOptions.defaults().expireAfterWrite(Duration.ofSeconds(5)));
        assertThatThrownBy(() -> LoadingCache.builder(timed).refreshAfterWrite(Duration.ofSeconds(5)).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shorter");
        assertThatThrownBy(() -> LoadingCache.builder(cache).earlyExpiration(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoadingCache.builder(cache).earlyExpiration(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoadingCache.builder(cache).loadTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoadingCache.builder(cache).negativeCaching(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoadingCache.builder(cache).negativeCacheMaxEntries(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoadingCache.builder(null)).isInstanceOf(NullPointerException.class);

        final LoadingCache<String, String> noLoader = LoadingCache.builder(cache).build();
        assertThatThrownBy(() -> noLoader.get("k")).isInstanceOf(IllegalStateException.class).hasMessageContaining("getOrLoad");
        assertThatThrownBy(() -> noLoader.getOrLoad(null, this::db)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> noLoader.getOrLoad("k", null)).isInstanceOf(NullPointerException.class);
        final Set<String> withNull = new HashSet<>();
        withNull.add(null);
        assertThatThrownBy(() -> noLoader.getAll(withNull, this::db)).isInstanceOf(NullPointerException.class);
        assertThat(loads).hasValue(0);
    }

    @Test
    void loadAllReturningNullIsATypedError() {
        final LoadingCache<String, String> loading = LoadingCache.builder(cache).loader(new CacheLoader<>() {
            @Override
            public String load(final String key) {
                return "x";
            }

            @Override
            public Map<String, String> loadAll(final Set<? extends String> keys) {
                return null;
            }
        }).build();
        assertThatThrownBy(() -> loading.getAll(Set.of("a"))).isInstanceOf(CacheLoaderException.class)
            .hasMessageContaining("loadAll returned null");
        assertThat(loading.isLoading("a")).isFalse();
    }

    @Test
    void closeStopsTheRefreshThreadsItStarted() {
        final Cache<String, String> timed = larder.cache("timed", Codecs.utf8(), Codecs.utf8(),
            CacheOptions.defaults().expireAfterWrite(Duration.ofSeconds(60)));
        final LoadingCache<String, String> loading = LoadingCache.builder(timed).loader(this::db)
            .refreshAfterWrite(Duration.ofSeconds(1)).build();
        assertThat(loading.get("k")).isEqualTo("v(k)");
        loading.close();
        now.addAndGet(5_000);
        // A refresh that can no longer run is counted as failed; the value stays.
        assertThat(loading.get("k")).isEqualTo("v(k)");
        assertThat(loading.stats().refreshFailures()).isEqualTo(1);
    }
}
