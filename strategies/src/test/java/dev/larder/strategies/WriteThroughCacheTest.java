package dev.larder.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.Cache;
import dev.larder.core.Codecs;
import dev.larder.core.Larder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WriteThroughCacheTest {

    private Larder larder;
    private Cache<String, String> cache;

    /** The store of record for these unit tests: a map, with a switch to make the next writes fail. */
    private final Map<String, String> store = new ConcurrentHashMap<>();
    private final AtomicInteger failNext = new AtomicInteger();
    private final CacheWriter<String, String> writer = new CacheWriter<>() {
        @Override
        public void write(final String key, final String value) throws IOException {
            maybeFail();
            store.put(key, value);
        }

        @Override
        public void delete(final String key) throws IOException {
            maybeFail();
            store.remove(key);
        }
    };

    private void maybeFail() throws IOException {
        if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new IOException("constraint violation");
        }
    }

    @BeforeEach
    void open() {
        larder = Larder.builder().maxMemory(16L << 20).build();
        cache = larder.cache("c", Codecs.utf8(), Codecs.utf8());
    }

    @AfterEach
    void close() {
        larder.close();
    }

    @Test
    void putWritesTheStoreOfRecordThenTheCache() {
        final WriteThroughCache<String, String> wt = WriteThroughCache.of(cache, writer);
        wt.put("k", "v");
        assertThat(store).containsExactly(Map.entry("k", "v"));
        assertThat(cache.get("k")).isEqualTo("v");
        assertThat(wt.get("k")).isEqualTo("v");
    }

    @Test
    void failedWriteLeavesCacheAndStoreUnchangedAndThrowsTyped() {
        final WriteThroughCache<String, String> wt = WriteThroughCache.of(cache, writer);
        wt.put("k", "v1");
        failNext.set(1);
        assertThatThrownBy(() -> wt.put("k", "v2")).isInstanceOf(CacheWriterException.class)
            .hasCauseInstanceOf(IOException.class).hasMessageContaining("k");
        assertThat(cache.get("k")).isEqualTo("v1");
        assertThat(store).containsExactly(Map.entry("k", "v1"));

        failNext.set(1);
        assertThatThrownBy(() -> wt.put("new", "x")).isInstanceOf(CacheWriterException.class);
        assertThat(cache.containsKey("new")).isFalse();
        assertThat(store).doesNotContainKey("new");
    }

    @Test
    void failedDeleteLeavesTheCacheUnchanged() {
        final WriteThroughCache<String, String> wt = WriteThroughCache.of(cache, writer);
        wt.put("k", "v1");
        failNext.set(1);
        assertThatThrownBy(() -> wt.remove("k")).isInstanceOf(CacheWriterException.class);
        assertThat(cache.get("k")).isEqualTo("v1");
        assertThat(store).containsKey("k");
        assertThat(wt.remove("k")).isTrue();
        assertThat(cache.containsKey("k")).isFalse();
        assertThat(store).isEmpty();
    }

    @Test
    void putAllAppliesToTheCacheExactlyTheEntriesTheWriterApplied() {
        // A writer whose batch applies entries in order and fails on the third one.
        final CacheWriter<String, String> partial = new CacheWriter<>() {
            @Override
            public void write(final String key, final String value) throws IOException {
                if (value.startsWith("bad")) {
                    throw new IOException("bad value for " + key);
                }
                store.put(key, value);
            }

            @Override
            public void delete(final String key) {
                store.remove(key);
            }
        };
        final WriteThroughCache<String, String> wt = WriteThroughCache.of(cache, partial);
        cache.put("c", "old c");
        final Map<String, String> batch = new LinkedHashMap<>();
        batch.put("a", "A");
        batch.put("b", "B");
        batch.put("c", "bad C");
        batch.put("d", "D");
        assertThatThrownBy(() -> wt.putAll(batch)).isInstanceOf(CacheWriterException.class)
            .hasMessageContaining("2 of 4");
        assertThat(store).containsOnly(Map.entry("a", "A"), Map.entry("b", "B"));
        assertThat(cache.get("a")).isEqualTo("A");
        assertThat(cache.get("b")).isEqualTo("B");
        assertThat(cache.get("c")).isEqualTo("old c");
        assertThat(cache.containsKey("d")).isFalse();
    }

    @Test
    void removeAllRemovesFromTheCacheOnlyWhatTheWriterDeleted() {
        final List<Collection<String>> calls = new ArrayList<>();
        final CacheWriter<String, String> partial = new CacheWriter<>() {
            @Override
            public void write(final String key, final String value) {
                store.put(key, value);
            }

            @Override
            public void delete(final String key) {
                store.remove(key);
            }

            @Override
            public void deleteAll(final Collection<String> keys) throws IOException {
                calls.add(List.copyOf(keys));
                final Iterator<String> it = keys.iterator();
                while (it.hasNext()) {
                    final String key = it.next();
                    if (key.equals("locked")) {
                        throw new IOException("row locked");
                    }
                    store.remove(key);
                    it.remove();
                }
            }
        };
        final WriteThroughCache<String, String> wt = WriteThroughCache.of(cache, partial);
        for (final String key : List.of("x", "locked", "y")) {
            wt.put(key, key.toUpperCase());
        }
        final Set<String> keys = new java.util.LinkedHashSet<>(List.of("x", "locked", "y"));
        assertThatThrownBy(() -> wt.removeAll(keys)).isInstanceOf(CacheWriterException.class);
        assertThat(calls).hasSize(1);
        assertThat(cache.containsKey("x")).isFalse();
        assertThat(cache.get("locked")).isEqualTo("LOCKED");
        assertThat(cache.get("y")).isEqualTo("Y");
        assertThat(store).containsOnlyKeys("locked", "y");
    }

    @Test
    void readsGoThroughTheLoadingCachesLoader() {
        store.put("k", "from store");
        final LoadingCache<String, String> loading = LoadingCache.of(cache, store::get);
        final WriteThroughCache<String, String> wt = WriteThroughCache.of(loading, writer);
        assertThat(wt.get("k")).isEqualTo("from store");
        assertThat(wt.get("none")).isNull();
        assertThat(wt.loading()).isSameAs(loading);
        assertThat(wt.cache()).isSameAs(cache);
    }

    @Test
    void concurrentWritersOfOneKeyLeaveCacheEqualToStore() throws Exception {
        // The writer is slow and yields, to interleave writers between "store" and "cache".
        final CacheWriter<String, String> slow = new CacheWriter<>() {
            @Override
            public void write(final String key, final String value) {
                store.put(key, value);
                Thread.yield();
            }

            @Override
            public void delete(final String key) {
                store.remove(key);
            }
        };
        final WriteThroughCache<String, String> wt = WriteThroughCache.of(cache, slow);
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 50; round++) {
                final CountDownLatch start = new CountDownLatch(1);
                final List<Future<?>> writers = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    final String value = "round " + round + " writer " + t;
                    writers.add(pool.submit(() -> {
                        start.await();
                        wt.put("k", value);
                        return null;
                    }));
                }
                start.countDown();
                for (final Future<?> w : writers) {
                    w.get(30, TimeUnit.SECONDS);
                }
                assertThat(cache.get("k")).as("round %d", round).isEqualTo(store.get("k"));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void nullsAreRejectedBeforeTheWriterRuns() {
        final WriteThroughCache<String, String> wt = WriteThroughCache.of(cache, writer);
        assertThatThrownBy(() -> wt.put(null, "v")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> wt.put("k", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> wt.remove(null)).isInstanceOf(NullPointerException.class);
        final Map<String, String> withNull = new LinkedHashMap<>();
        withNull.put("k", null);
        assertThatThrownBy(() -> wt.putAll(withNull)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> WriteThroughCache.of(cache, null)).isInstanceOf(NullPointerException.class);
        assertThat(store).isEmpty();
    }
}
