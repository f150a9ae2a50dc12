package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.eviction.EvictionPolicies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 3: with every evicting policy, 4 threads writing far beyond the budget never push memory past it. */
class PolicyBudgetStressTest {
    private static final long BUDGET = 4L << 20;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"allkeys-lru", "volatile-lru", "allkeys-lfu", "volatile-lfu", "allkeys-random",
        "volatile-random", "volatile-ttl", "w-tinylfu"})
    void fourWritersFarBeyondTheBudgetNeverExceedIt(final String policy) throws Exception {
        try (Larder larder = Larder.builder().maxMemory(BUDGET).evictionPolicy(EvictionPolicies.byName(policy))
            .expiryInterval(Duration.ZERO).build()) {
            final Cache<Long, byte[]> cache = larder.cache("stress", Codecs.int64(), Codecs.bytes());
            final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            final List<Thread> writers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                final int seed = t;
                final Thread w = new Thread(() -> {
                    final Random rnd = new Random(seed);
                    long written = 0;
                    long key = seed * 1_000_000_000L;
                    try {
                        while (written < 3 * BUDGET) { // 4 threads: 12x the budget in all
                            final int size = 1 + (rnd.nextInt(8) == 0 ? rnd.nextInt(4_000) : rnd.nextInt(200));
                            // every entry has a TTL so the volatile-* policies may evict it
                            cache.put(key++, new byte[size], Duration.ofHours(1));
                            written += size + 8;
                            if (larder.memoryUsed() > BUDGET) {
                                failures.add(new AssertionError("memoryUsed " + larder.memoryUsed() + " > " + BUDGET));
                            }
                        }
                    } catch (final Throwable e) {
                        failures.add(e);
                    }
                });
                writers.add(w);
                w.start();
            }
            for (final Thread w : writers) {
                w.join();
            }
            assertThat(failures).as(policy).isEmpty();
            assertThat(larder.memoryUsed()).isLessThanOrEqualTo(BUDGET);
            assertThat(cache.stats().evictions()).as(policy + " evicted").isPositive();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"allkeys-lru", "w-tinylfu"})
    void oneLargeEntryEvictsSeveralSmallOnes(final String policy) {
        try (Larder larder = Larder.builder().maxMemory(2L << 20).evictionPolicy(EvictionPolicies.byName(policy))
            .expiryInterval(Duration.ZERO).build()) {
            final Cache<Long, byte[]> cache = larder.cache("big", Codecs.int64(), Codecs.bytes());
            for (long k = 0; k < 50_000; k++) {
                cache.put(k, new byte[100]);
            }
            final long before = cache.stats().evictions();
            final byte[] large = new byte[40_000];
            large[39_999] = 7;
            cache.put(-1L, large);
            assertThat(cache.get(-1L)).isEqualTo(large);
            assertThat(cache.stats().evictions() - before).as("victims for one 40 KB entry").isGreaterThan(1);
            assertThat(larder.memoryUsed()).isLessThanOrEqualTo(larder.memoryLimit());
        }
    }
}
