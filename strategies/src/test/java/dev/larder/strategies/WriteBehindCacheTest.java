package dev.larder.strategies;

import static dev.larder.strategies.LoadingCacheTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.Cache;
import dev.larder.core.Codecs;
import dev.larder.core.Larder;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WriteBehindCacheTest {

    private Larder larder;
    private Cache<String, String> cache;

    @BeforeEach
    void open() {
        larder = Larder.builder().maxMemory(32L << 20).build();
        cache = larder.cache("c", Codecs.utf8(), Codecs.utf8());
    }

    @AfterEach
    void close() {
        larder.close();
    }

    /**
     * A store of record that records every value applied per key, in order, and can fail: a failing
     * bulk call applies a prefix of its entries, removes them from the collection (JSR-107 partial
     * success) and throws.
     */
    static final class RecordingStore implements CacheWriter<String, String> {
        final Map<String, String> state = new ConcurrentHashMap<>();
        final Map<String, List<String>> history = new ConcurrentHashMap<>();
        final List<Integer> batchSizes = new CopyOnWriteArrayList<>();
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger injectedFailures = new AtomicInteger();
        private final SplittableRandom random;
        private final double failureRate;

        RecordingStore(final double failureRate, final long seed) {
            this.failureRate = failureRate;
            this.random = new SplittableRandom(seed);
        }

        /** Only the write-behind thread calls the bulk methods, so the random source needs no lock. */
        private int failAfter(final int size) {
            calls.incrementAndGet();
            if (random.nextDouble() < failureRate) {
                injectedFailures.incrementAndGet();
                return random.nextInt(size + 1);
            }
            return -1;
        }

        private void apply(final String key, final String value) {
            state.put(key, value);
            history.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add(value);
        }

        private void applyDelete(final String key) {
            state.remove(key);
            history.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>()).add("DELETED");
        }

        @Override
        public void write(final String key, final String value) throws IOException {
            final int failAfter = failAfter(1);
            if (failAfter == 0) {
                throw new IOException("injected failure of a single write");
            }
            apply(key, value);
            if (failAfter == 1) {
                throw new IOException("injected failure after a single write (commit lost)");
            }
        }

        @Override
        public void delete(final String key) throws IOException {
            final int failAfter = failAfter(1);
            if (failAfter == 0) {
                throw new IOException("injected failure of a single delete");
            }
            applyDelete(key);
            if (failAfter == 1) {
                throw new IOException("injected failure after a single delete (commit lost)");
            }
        }

        @Override
        public void writeAll(final Collection<Map.Entry<String, String>> entries) throws IOException {
            batchSizes.add(entries.size());
            final int failAfter = failAfter(entries.size());
            int applied = 0;
            final Iterator<Map.Entry<String, String>> it = entries.iterator();
            while (it.hasNext()) {
                if (applied == failAfter) {
                    throw new IOException("injected failure after " + applied + " entries");
                }
                final Map.Entry<String, String> e = it.next();
                apply(e.getKey(), e.getValue());
                it.remove();
                applied++;
            }
            if (applied == failAfter) {
                throw new IOException("injected failure after the whole batch (commit lost)");
            }
        }

        @Override
        public void deleteAll(final Collection<String> keys) throws IOException {
            final int failAfter = failAfter(keys.size());
            int applied = 0;
            final Iterator<String> it = keys.iterator();
            while (it.hasNext()) {
                if (applied == failAfter) {
                    throw new IOException("injected failure after " + applied + " deletes");
                }
                applyDelete(it.next());
                it.remove();
                applied++;
            }
            if (applied == failAfter) {
                throw new IOException("injected failure after all deletes (commit lost)");
            }
        }
    }

    @Test
    void underRandomFailuresTheStoreEndsWithTheLastValuePerKeyInOrderAndNothingLost() throws Exception {
        final RecordingStore store = new RecordingStore(0.2, 42);
        final List<FailedWrite<String, String>> dead = new CopyOnWriteArrayList<>();
        final int threads = 4;
        final int keysPerThread = 50;
        final int writesPerThread = 5_000;
        final Map<String, String> expected = new ConcurrentHashMap<>();
        try (WriteBehindCache<String, String> wb = WriteBehindCache.builder(cache, store)
            .batchSize(32).maxDelay(Duration.ofMillis(5)).queueCapacity(64)
            .maxAttempts(30).backoff(Duration.ofNanos(100_000), Duration.ofMillis(2))
            .deadLetterHandler(dead::add).build()) {
            final ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                final List<Future<?>> writers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    final int thread = t;
                    writers.add(pool.submit(() -> {
                        // Each thread owns its keys, so program order is the order per key.
                        final SplittableRandom random = new SplittableRandom(thread);
                        final Map<String, Integer> version = new HashMap<>();
                        for (int i = 0; i < writesPerThread; i++) {
                            final String key = "t" + thread + "-k" + random.nextInt(keysPerThread);
                            final int v = version.merge(key, 1, Integer::sum);
                            if (random.nextInt(10) == 0) {
                                wb.remove(key);
                                expected.remove(key);
                            } else {
                                final String value = String.format("%06d", v);
                                wb.put(key, value);
                                expected.put(key, value);
                            }
                        }
                        return null;
                    }));
                }
                for (final Future<?> w : writers) {
                    w.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            wb.flush();

            assertThat(dead).as("writes given up").isEmpty();
            assertThat(store.injectedFailures.get()).as("the store really failed").isGreaterThan(10);
            assertThat(store.state).isEqualTo(expected);
            for (final Map.Entry<String, List<String>> h : store.history.entrySet()) {
                final List<String> values = h.getValue().stream().filter(v -> !v.equals("DELETED")).toList();
                assertThat(values).as("values applied to %s, in order", h.getKey()).isSorted().doesNotHaveDuplicates();
            }
            final WriteBehindStats stats = wb.stats();
            assertThat(stats.queueDepth()).isZero();
            assertThat(stats.pendingKeys()).isZero();
            assertThat(stats.retries()).isPositive();
            assertThat(stats.failures()).isEqualTo(store.injectedFailures.get());
            assertThat(stats.deadLettered()).isZero();
            assertThat(stats.enqueued() + stats.coalesced()).isEqualTo((long) threads * writesPerThread);
            // The cache agrees with the store of record.
            for (final Map.Entry<String, String> e : expected.entrySet()) {
                assertThat(cache.get(e.getKey())).isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void batchesAreCutBySize() throws Exception {
        final RecordingStore store = new RecordingStore(0, 1);
        try (WriteBehindCache<String, String> wb = WriteBehindCache.builder(cache, store)
            .batchSize(10).maxDelay(Duration.ofHours(1)).build()) {
            for (int i = 0; i < 25; i++) {
                wb.put("k" + i, "v" + i);
            }
            awaitTrue("two full batches written", () -> store.state.size() == 20);
            assertThat(wb.stats().queueDepth()).isEqualTo(5);
            assertThat(store.batchSizes).containsExactly(10, 10);
            wb.flush();
            assertThat(store.state).hasSize(25);
            assertThat(store.batchSizes).containsExactly(10, 10, 5);
            assertThat(wb.stats().batches()).isEqualTo(3);
            assertThat(wb.stats().written()).isEqualTo(25);
        }
    }

    @Test
    void aBatchIsWrittenAfterMaxDelayWithoutFlush() throws Exception {
        final RecordingStore store = new RecordingStore(0, 1);
        try (WriteBehindCache<String, String> wb = WriteBehindCache.builder(cache, store)
            .batchSize(1_000).maxDelay(Duration.ofMillis(20)).build()) {
            wb.put("a", "1");
            wb.put("b", "2");
            awaitTrue("written after the delay", () -> store.state.size() == 2);
            assertThat(wb.stats().batches()).isEqualTo(1);
        }
    }

    @Test
    void repeatedWritesOfAQueuedKeyCoalesce() {
        final RecordingStore store = new RecordingStore(0, 1);
        try (WriteBehindCache<String, String> wb = WriteBehindCache.builder(cache, store)
            .batchSize(1_000).maxDelay(Duration.ofHours(1)).build()) {
            for (int i = 1; i <= 100; i++) {
                wb.put("hot", String.format("%03d", i));
            }
            assertThat(wb.stats().queueDepth()).isEqualTo(1);
            assertThat(wb.stats().coalesced()).isEqualTo(99);
            wb.flush();
            assertThat(store.history.get("hot")).containsExactly("100");
            assertThat(cache.get("hot")).isEqualTo("100");
        }
    }

    @Test
    void fullQueueWithFailPolicyThrowsAndLeavesTheCacheUnchanged() {
        final RecordingStore store = new RecordingStore(0, 1);
        try (WriteBehindCache<String, String> wb = WriteBehindCache.builder(cache, store)
            .batchSize(1_000).maxDelay(Duration.ofHours(1)).queueCapacity(2)
            .whenFull(WriteBehindCache.FullQueuePolicy.FAIL).build()) {
            wb.put("a", "1");
            wb.put("b", "2");
            assertThatThrownBy(() -> wb.put("c", "3")).isInstanceOf(WriteBehindQueueFullException.class)
                .hasMessageContaining("full");
            assertThat(cache.containsKey("c")).isFalse();
            assertThat(wb.stats().rejected()).isEqualTo(1);
            wb.put("a", "1b");        // coalesces into the queued slot: needs no space
            wb.flush();
            assertThat(store.state).containsOnly(Map.entry("a", "1b"), Map.entry("b", "2"));
        }
    }

    @Test
    void fullQueueWithInlinePolicyWritesOnTheCallersThread() {
        final RecordingStore store = new RecordingStore(0, 1);
        try (WriteBehindCache<String, String> wb = WriteBehindCache.builder(cache, store)
            .batchSize(1_000).maxDelay(Duration.ofHours(1)).queueCapacity(2)
            .whenFull(WriteBehindCache.FullQueuePolicy.WRITE_INLINE).build()) {
            wb.put("a", "1");
            wb.put("b", "2");
            wb.put("c", "3");
            assertThat(store.state).containsOnly(Map.entry("c", "3"));
            assertThat(cache.get("c")).isEqualTo("3");
            assertThat(wb.stats().inlineWrites()).isEqualTo(1);
            wb.flush();
            assertThat(store.state).hasSize(3);
        }
    }

    @Test
    void fullQueueWithBlockPolicyWaitsForSpace() throws Exception {
        final RecordingStore store = new RecordingStore(0, 1);
        final ExecutorService pool = Executors.newSingleThreadExecutor();
        try (WriteBehindCache<String, String> wb = WriteBehindCache.builder(cache, store)
            .batchSize(1_000).maxDelay(Duration.ofHours(1)).queueCapacity(2).build()) {
            wb.put("a", "1");
            wb.put("b", "2");
            final Future<?> blocked = pool.submit(() -> wb.put("c", "3"));
            Thread.sleep(200);
            assertThat(blocked.isDone()).as("put blocks while the queue is full").isFalse();
            assertThat(cache.containsKey("c")).isFalse();
            wb.flush();
            blocked.get(30, TimeUnit.SECONDS);
            wb.flush();
            assertThat(store.state).containsOnly(Map.entry("a", "1"), Map.entry("b", "2"), Map.entry("c", "3"));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void writesThatKeepFailingGoToTheDeadLetterHandlerAndLeaveTheCache() {
        final List<FailedWrite<String, String>> dead = new CopyOnWriteArrayList<>();
        final Map<String, String> db = new ConcurrentHashMap<>();
        final AtomicInteger attempts = new AtomicInteger();
        final CacheWriter<String, String> picky = new CacheWriter<>() {
            @Override
            public void write(final String key, final String value) throws IOException {
                if (key.equals("poison")) {
                    attempts.incrementAndGet();
                    throw new IOException("value too long for column");
                }
                db.put(key, value);
            }

            @Override
            public void delete(final String key) {
                db.remove(key);
            }
        };
        try (WriteBehindCache<String, String> wb = WriteBehindCache.builder(cache, picky)
            .maxAttempts(3).backoff(Duration.ofMillis(1), Duration.ofMillis(4)).deadLetterHandler(dead::add).build()) {
            wb.put("ok1", "a");
            wb.put("poison", "x");
            wb.put("ok2", "b");
            wb.flush();
            assertThat(dead).hasSize(1);
            final FailedWrite<String, String> failed = dead.get(0);
            assertThat(failed.key()).isEqualTo("poison");
            assertThat(failed.value()).isEqualTo("x");
            assertThat(failed.delete()).isFalse();
            assertThat(failed.attempts()).isEqualTo(3);
            assertThat(failed.failure()).isInstanceOf(IOException.class);
            assertThat(attempts).hasValue(3);
            assertThat(db).containsOnly(Map.entry("ok1", "a"), Map.entry("ok2", "b"));
            assertThat(cache.containsKey("poison")).as("not served from the cache after it was given up").isFalse();
            assertThat(wb.stats().deadLettered()).isEqualTo(1);
            assertThat(wb.stats().retries()).isEqualTo(2);
        }
    }

    @Test
    void readsSeePendingWritesEvenWhenTheCacheLostThem() {
        final RecordingStore store = new RecordingStore(0, 1);
        final AtomicInteger loads = new AtomicInteger();
        try (WriteBehindCache<String, String> wb = WriteBehindCache.builder(cache, store).loader(key -> {
            loads.incrementAndGet();
            return "from the database";
        }).batchSize(1_000).maxDelay(Duration.ofHours(1)).build()) {
            wb.put("k", "pending");
            cache.remove("k");                           // as if evicted before the write-behind ran
            assertThat(wb.get("k")).isEqualTo("pending");
            wb.remove("gone");
            assertThat(wb.get("gone")).isNull();         // a pending delete reads as absent
            assertThat(loads).hasValue(0);
            assertThat(wb.get("other")).isEqualTo("from the database");
            assertThat(loads).hasValue(1);
        }
    }

    @Test
    void closeDrainsEverythingAndRefusesLaterWrites() {
        final RecordingStore store = new RecordingStore(0, 1);
        final WriteBehindCache<String, String> wb = WriteBehindCache.builder(cache, store)
            .batchSize(1_000).maxDelay(Duration.ofHours(1)).build();
        for (int i = 0; i < 500; i++) {
            wb.put("k" + i, "v" + i);
        }
        wb.remove("k7");
        wb.close();
        assertThat(store.state).hasSize(499).doesNotContainKey("k7");
        assertThatThrownBy(() -> wb.put("late", "x")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        wb.close();     // idempotent
        wb.flush();     // nothing left: returns at once
    }

    @Test
    void flushFromTheWriteBehindThreadIsRefused() {
        final List<Throwable> seen = new CopyOnWriteArrayList<>();
        final WriteBehindCache<String, String>[] holder = newArray();
        final CacheWriter<String, String> failing = new CacheWriter<>() {
            @Override
            public void write(final String key, final String value) throws IOException {
                throw new IOException("down");
            }

            @Override
            public void delete(final String key) {
            }
        };
        holder[0] = WriteBehindCache.builder(cache, failing).maxAttempts(1).deadLetterHandler(failed -> {
            try {
                holder[0].flush();
            } catch (final IllegalStateException e) {
                seen.add(e);
            }
        }).build();
        try (WriteBehindCache<String, String> wb = holder[0]) {
            wb.put("k", "v");
            wb.flush();
            assertThat(seen).hasSize(1);
            assertThat(seen.get(0)).hasMessageContaining("wait for itself");
        }
    }

    @SuppressWarnings("unchecked")
    private static WriteBehindCache<String, String>[] newArray() {
        return (WriteBehindCache<String, String>[]) new WriteBehindCache<?, ?>[1];
    }

    @Test
    void badConfigurationIsRejected() {
        final RecordingStore store = new RecordingStore(0, 1);
        assertThatThrownBy(() -> WriteBehindCache.builder(cache, store).batchSize(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WriteBehindCache.builder(cache, store).queueCapacity(1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WriteBehindCache.builder(cache, store).maxDelay(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WriteBehindCache.builder(cache, store).maxAttempts(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WriteBehindCache.builder(cache, store).backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initial");
        assertThatThrownBy(() -> WriteBehindCache.builder(null, store)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> WriteBehindCache.builder(cache, null)).isInstanceOf(NullPointerException.class);
        try (WriteBehindCache<String, String> wb = WriteBehindCache.builder(cache, store).queueCapacity(1_000).build()) {
            assertThat(wb.queueCapacity()).isEqualTo(1_024);
            assertThatThrownBy(() -> wb.put(null, "v")).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> wb.put("k", null)).isInstanceOf(NullPointerException.class);
        }
    }
}
