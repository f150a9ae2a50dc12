package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatsTest {
    private static final long BUDGET = 4L << 20;
    private FakeClock clock;
    private Larder larder;
    private Cache<String, String> cache;

    @BeforeEach
    void open() {
        clock = new FakeClock();
        larder = Larder.builder().maxMemory(BUDGET).clock(clock).expiryInterval(Duration.ZERO).build();
        cache = larder.cache("stats", Codecs.utf8(), Codecs.utf8());
    }

    @AfterEach
    void close() {
        larder.close();
    }

    @Test
    void freshCacheHasZeroCounters() {
        assertThat(cache.stats()).isEqualTo(new CacheStats(0, 0, 0, 0, 0, 0, 0, 0, 0));
        assertThat(cache.stats().hitRatio()).isEqualTo(1.0);
    }

    @Test
    void getsCountHitsAndMisses() {
        cache.put("a", "1");
        cache.get("a");
        cache.get("a");
        cache.get("b");
        final CacheStats s = cache.stats();
        assertThat(s.hits()).isEqualTo(2);
        assertThat(s.misses()).isEqualTo(1);
        assertThat(s.hitRatio()).isEqualTo(2.0 / 3);
    }

    @Test
    void zeroCopyReadsAndGetAllCountHitsAndMisses() {
        cache.put("a", "1");
        cache.read("a", (b, o, l) -> l);
        cache.read("b", (b, o, l) -> l);
        cache.getAll(Set.of("a", "b", "c"));
        final CacheStats s = cache.stats();
        assertThat(s.hits()).isEqualTo(2);
        assertThat(s.misses()).isEqualTo(3);
    }

    @Test
    void readOfExpiredEntryIsAMiss() {
        cache.put("a", "1", Duration.ofMillis(5));
        clock.advance(6);
        cache.get("a");
        assertThat(cache.stats().hits()).isZero();
        assertThat(cache.stats().misses()).isEqualTo(1);
    }

    @Test
    void putsCountEveryStoredValue() {
        cache.put("a", "1");
        cache.put("a", "2");
        cache.put("b", "1", Duration.ofSeconds(1));
        cache.putIfAbsent("a", "x"); // not stored
        cache.putIfAbsent("c", "x");
        cache.replace("absent", "x"); // not stored
        cache.replace("c", "y");
        cache.getAndPut("d", "1");
        assertThat(cache.stats().puts()).isEqualTo(6);
        assertThat(cache.stats().entries()).isEqualTo(4);
    }

    @Test
    void removalsCountEveryRemovedEntry() {
        for (int i = 0; i < 10; i++) {
            cache.put("k" + i, "v");
        }
        cache.remove("k0");
        cache.remove("k0"); // nothing removed
        cache.remove("k1", "v");
        cache.remove("k2", "other"); // nothing removed
        cache.getAndRemove("k3");
        cache.removeAll(Set.of("k4", "k5"));
        assertThat(cache.stats().removals()).isEqualTo(5);
        assertThat(cache.stats().entries()).isEqualTo(5);
        cache.removeAll();
        assertThat(cache.stats().removals()).isEqualTo(10);
        assertThat(cache.stats().entries()).isZero();
    }

    @Test
    void clearDropsEntriesFromTheCount() {
        cache.put("a", "1");
        cache.put("b", "1");
        cache.clear();
        assertThat(cache.stats().entries()).isZero();
    }

    @Test
    void expirationsAndEvictionsAreCounted() {
        cache.put("a", "1", Duration.ofMillis(5));
        clock.advance(6);
        larder.runMaintenance();
        assertThat(cache.stats().expirations()).isEqualTo(1);
        final String value = "v".repeat(2_000);
        for (int i = 0; i < 5_000; i++) {
            cache.put("k" + i, value);
        }
        final CacheStats s = cache.stats();
        assertThat(s.evictions()).isPositive();
        assertThat(s.entries()).isEqualTo(5_000 - s.evictions());
        assertThat(s.entries()).isEqualTo(cache.size());
    }

    @Test
    void perCacheSnapshotHasNoMemoryFiguresButLarderStatsDo() {
        cache.put("a", "x".repeat(10_000));
        assertThat(cache.stats().memoryUsed()).isZero();
        assertThat(cache.stats().memoryLimit()).isZero();
        final CacheStats total = larder.stats();
        assertThat(total.memoryLimit()).isEqualTo(BUDGET).isEqualTo(larder.memoryLimit());
        assertThat(total.memoryUsed()).isEqualTo(larder.memoryUsed());
        assertThat(total.memoryUsed()).isGreaterThan(10_000).isLessThanOrEqualTo(BUDGET);
    }

    @Test
    void larderStatsSumAllCaches() {
        final Cache<String, String> other = larder.cache("other", Codecs.utf8(), Codecs.utf8());
        cache.put("a", "1");
        cache.get("a");
        cache.get("zz");
        other.put("a", "1");
        other.put("b", "1");
        other.get("b");
        other.remove("a");
        final CacheStats total = larder.stats();
        assertThat(total.hits()).isEqualTo(2);
        assertThat(total.misses()).isEqualTo(1);
        assertThat(total.puts()).isEqualTo(3);
        assertThat(total.removals()).isEqualTo(1);
        assertThat(total.entries()).isEqualTo(2);
        assertThat(total.hits()).isEqualTo(cache.stats().hits() + other.stats().hits());
    }

    @Test
    void memoryUsedGrowsWithEntriesAndShrinksWhenTheyGo() {
        final long empty = larder.memoryUsed();
        cache.put("a", "x".repeat(100_000));
        final long one = larder.memoryUsed();
        assertThat(one - empty).isGreaterThanOrEqualTo(100_000);
        cache.remove("a");
        assertThat(larder.memoryUsed()).isLessThan(one - 90_000);
    }

    @Test
    void statsCanBeTurnedOff() {
        final Cache<String, String> quiet = larder.cache("quiet", Codecs.utf8(), Codecs.utf8(),
            CacheOptions.defaults().recordStats(false));
        quiet.put("a", "1");
        quiet.get("a");
        quiet.get("b");
        quiet.remove("a");
        final CacheStats s = quiet.stats();
        assertThat(s.hits()).isZero();
        assertThat(s.misses()).isZero();
        assertThat(s.puts()).isZero();
        assertThat(s.removals()).isZero();
    }
}
