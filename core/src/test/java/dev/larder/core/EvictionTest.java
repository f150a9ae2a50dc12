package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EvictionTest {
    private static final long BUDGET = 2L << 20;

    @Test
    void defaultPolicyIsWTinyLfu() {
        try (Larder larder = Larder.builder().build()) {
            assertThat(larder.evictionPolicy().name()).isEqualTo("w-tinylfu");
            assertThat(larder.memoryLimit()).isEqualTo(Larder.Builder.DEFAULT_MAX_MEMORY);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"allkeys-lru", "volatile-lru", "w-tinylfu"})
    void writingFarBeyondTheBudgetEvictsAndStaysWithinIt(final String policy) {
        try (Larder larder = Larder.builder().maxMemory(BUDGET).evictionPolicy(policy).expiryInterval(Duration.ZERO).build()) {
            final Cache<Long, String> cache = larder.cache("evict", Codecs.int64(), Codecs.utf8());
            final String value = "v".repeat(512);
            for (long i = 0; i < 40_000; i++) { // ~20 MiB of values into 2 MiB
                if (policy.startsWith("volatile")) {
                    cache.put(i, value + i, Duration.ofHours(1));
                } else {
                    cache.put(i, value + i);
                }
                assertThat(larder.memoryUsed()).isLessThanOrEqualTo(larder.memoryLimit());
            }
            assertThat(cache.stats().evictions()).isPositive();
            assertThat(cache.size()).isLessThan(40_000).isPositive();
            // what is left is intact, and every write is accounted for: present or counted as evicted
            // (an entry an admission filter turns away counts as evicted, as in Caffeine)
            long present = 0;
            for (final Cache.Entry<Long, String> e : cache) {
                assertThat(e.getValue()).isEqualTo(value + e.getKey());
                present++;
            }
            assertThat(present).isEqualTo(cache.size());
            assertThat(cache.size()).isEqualTo(40_000 - cache.stats().evictions());
        }
    }

    @Test
    void leastRecentlyUsedPolicyKeepsTheNewestEntry() {
        try (Larder larder = Larder.builder().maxMemory(BUDGET).evictionPolicy("allkeys-lru").expiryInterval(Duration.ZERO).build()) {
            final Cache<Long, String> cache = larder.cache("lru", Codecs.int64(), Codecs.utf8());
            final String value = "v".repeat(512);
            for (long i = 0; i < 40_000; i++) {
                cache.put(i, value + i);
                assertThat(cache.get(i)).as("just written: %d", i).isEqualTo(value + i);
            }
            assertThat(cache.size()).isEqualTo(40_000 - cache.stats().evictions());
        }
    }

    @Test
    void recentlyReadEntriesSurviveEviction() {
        final FakeClock clock = new FakeClock();
        try (Larder larder = Larder.builder().maxMemory(BUDGET).evictionPolicy("allkeys-lru").clock(clock)
            .expiryInterval(Duration.ZERO).build()) {
            final Cache<Long, String> cache = larder.cache("lru", Codecs.int64(), Codecs.utf8());
            final String value = "v".repeat(1_000);
            final List<Long> hot = new ArrayList<>();
            for (long h = 0; h < 10; h++) {
                hot.add(-1 - h);
                cache.put(-1 - h, value);
            }
            for (long i = 0; i < 20_000; i++) {
                clock.advance(32); // two eviction ticks per write, so ages differ
                cache.put(i, value);
                for (final long h : hot) {
                    assertThat(cache.get(h)).as("hot key %d after %d writes", h, i).isEqualTo(value);
                }
            }
            assertThat(cache.stats().evictions()).isGreaterThan(10_000);
        }
    }

    @Test
    void evictionTakesFromAllCachesSharingTheBudget() {
        try (Larder larder = Larder.builder().maxMemory(BUDGET).evictionPolicy("allkeys-lru").expiryInterval(Duration.ZERO).build()) {
            final Cache<Long, String> a = larder.cache("a", Codecs.int64(), Codecs.utf8());
            final Cache<Long, String> b = larder.cache("b", Codecs.int64(), Codecs.utf8());
            final String value = "v".repeat(700);
            for (long i = 0; i < 20_000; i++) {
                (i % 2 == 0 ? a : b).put(i, value);
                assertThat(larder.memoryUsed()).isLessThanOrEqualTo(BUDGET);
            }
            assertThat(a.stats().evictions()).isPositive();
            assertThat(b.stats().evictions()).isPositive();
            assertThat(larder.stats().evictions()).isEqualTo(a.stats().evictions() + b.stats().evictions());
        }
    }

    @Test
    void volatileLruEvictsOnlyEntriesWithATtl() {
        try (Larder larder = Larder.builder().maxMemory(BUDGET).evictionPolicy("volatile-lru")
            .expiryInterval(Duration.ZERO).build()) {
            final Cache<Long, String> cache = larder.cache("vlru", Codecs.int64(), Codecs.utf8());
            final String value = "v".repeat(500);
            for (long i = 0; i < 200; i++) {
                cache.put(-1 - i, value); // persistent
            }
            for (long i = 0; i < 20_000; i++) {
                cache.put(i, value, Duration.ofHours(1));
            }
            assertThat(cache.stats().evictions()).isPositive();
            for (long i = 0; i < 200; i++) {
                assertThat(cache.get(-1 - i)).isEqualTo(value);
            }
        }
    }

    @Test
    void noEvictionRejectsAWriteThatDoesNotFitAndChangesNothing() {
        try (Larder larder = Larder.builder().maxMemory(BUDGET).evictionPolicy("noeviction")
            .expiryInterval(Duration.ZERO).build()) {
            assertThat(larder.evictionPolicy().name()).isEqualTo("noeviction");
            final Cache<Long, String> cache = larder.cache("full", Codecs.int64(), Codecs.utf8());
            final String value = "v".repeat(1_000);
            long written = 0;
            MemoryBudgetExceededException first = null;
            for (long i = 0; i < 10_000 && first == null; i++) {
                try {
                    cache.put(i, value);
                    written++;
                } catch (final MemoryBudgetExceededException e) {
                    first = e;
                }
                assertThat(larder.memoryUsed()).isLessThanOrEqualTo(BUDGET);
            }
            assertThat(first).as("a 10 MiB write into 2 MiB must fail under noeviction").isNotNull();
            assertThat(first.getMessage().toLowerCase(java.util.Locale.ROOT)).containsAnyOf("budget", "maxmemory");
            assertThat(first.getMessage()).matches(Messages.number(BUDGET));
            assertThat(written).isPositive();
            assertThat(cache.size()).isEqualTo(written);
            assertThat(cache.stats().evictions()).isZero();

            final Snapshot before = Snapshot.of(larder, cache);
            assertThatThrownBy(() -> cache.put(-1L, value)).isInstanceOf(MemoryBudgetExceededException.class);
            assertThatThrownBy(() -> cache.putIfAbsent(-2L, value)).isInstanceOf(MemoryBudgetExceededException.class);
            assertThat(Snapshot.of(larder, cache)).isEqualTo(before);
            for (long i = 0; i < written; i++) {
                assertThat(cache.get(i)).isEqualTo(value);
            }
            // removing makes room again
            cache.remove(0L);
            cache.remove(1L);
            cache.put(-1L, value);
            assertThat(cache.get(-1L)).isEqualTo(value);
        }
    }

    @Test
    void noEvictionRejectsGrowingAnExistingValueAndKeepsTheOldOne() {
        try (Larder larder = Larder.builder().maxMemory(BUDGET).evictionPolicy("noeviction")
            .expiryInterval(Duration.ZERO).build()) {
            final Cache<Long, String> cache = larder.cache("full", Codecs.int64(), Codecs.utf8());
            final String value = "v".repeat(1_000);
            long i = 0;
            try {
                while (true) {
                    cache.put(i, value);
                    i++;
                }
            } catch (final MemoryBudgetExceededException expected) {
                // full
            }
            final Snapshot before = Snapshot.of(larder, cache);
            final String bigger = "w".repeat(5_000); // another size class, which has no page yet
            assertThatThrownBy(() -> cache.put(0L, bigger)).isInstanceOf(MemoryBudgetExceededException.class);
            assertThatThrownBy(() -> cache.replace(0L, bigger)).isInstanceOf(MemoryBudgetExceededException.class);
            assertThatThrownBy(() -> cache.compute(0L, (k, v) -> bigger)).isInstanceOf(MemoryBudgetExceededException.class);
            assertThat(Snapshot.of(larder, cache)).isEqualTo(before);
            assertThat(cache.get(0L)).isEqualTo(value);
        }
    }
}
