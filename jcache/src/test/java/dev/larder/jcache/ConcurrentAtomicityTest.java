package dev.larder.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JSR-107 operations that read and then write must do so in one atomic step under contention. */
class ConcurrentAtomicityTest {

    private static final int THREADS = 4;
    private static final int ROUNDS = 2_000;

    private final CacheManager manager = Caching.getCachingProvider(LarderCachingProvider.class.getName())
        .getCacheManager(URI.create("urn:larder:atomicity"), getClass().getClassLoader());

    @AfterEach
    void close() {
        manager.close();
    }

    private static void race(final Runnable body) throws InterruptedException {
        final CountDownLatch start = new CountDownLatch(1);
        final List<Thread> threads = new ArrayList<>();
        final List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            final Thread thread = new Thread(() -> {
                try {
                    start.await();
                    body.run();
                } catch (final Throwable e) {
                    failures.add(e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        start.countDown();
        for (final Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void entryProcessorIncrementsAreNeverLost() throws InterruptedException {
        final Cache<String, Long> cache = manager.createCache("counters",
            new MutableConfiguration<String, Long>().setTypes(String.class, Long.class));
        race(() -> {
            for (int i = 0; i < ROUNDS; i++) {
                cache.invoke("n", (entry, args) -> {
                    entry.setValue(entry.exists() ? entry.getValue() + 1 : 1L);
                    return null;
                });
            }
        });
        assertThat(cache.get("n")).isEqualTo((long) THREADS * ROUNDS);
    }

    @Test
    void conditionalReplaceLetsExactlyOneWriterWinEachStep() throws InterruptedException {
        final Cache<String, Integer> cache = manager.createCache("cas",
            new MutableConfiguration<String, Integer>().setTypes(String.class, Integer.class));
        cache.put("v", 0);
        final AtomicInteger wins = new AtomicInteger();
        race(() -> {
            for (int i = 0; i < ROUNDS; i++) {
                final Integer seen = cache.get("v");
                if (cache.replace("v", seen, seen + 1)) {
                    wins.incrementAndGet();
                }
            }
        });
        assertThat(cache.get("v")).isEqualTo(wins.get()).isPositive();
    }

    @Test
    void putIfAbsentStoresOnceAmongRacingThreads() throws InterruptedException {
        final Cache<Integer, String> cache = manager.createCache("once",
            new MutableConfiguration<Integer, String>().setTypes(Integer.class, String.class));
        final AtomicInteger stored = new AtomicInteger();
        race(() -> {
            for (int key = 0; key < ROUNDS; key++) {
                if (cache.putIfAbsent(key, Thread.currentThread().getName())) {
                    stored.incrementAndGet();
                }
            }
        });
        assertThat(stored.get()).isEqualTo(ROUNDS);
    }
}
