package dev.larder.structures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.Cache;
import dev.larder.core.CacheConfigurationException;
import dev.larder.core.CacheOptions;
import dev.larder.core.Codecs;
import dev.larder.core.Larder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CountersTest {

    private static final long BUDGET = 16L << 20;

    private Larder larder;
    private Counters<String> counters;

    @BeforeEach
    void openLarder() {
        larder = Larder.builder().maxMemory(BUDGET).build();
        counters = Counters.of(larder, "counters");
    }

    @AfterEach
    void closeLarder() {
        larder.close();
    }

    @Test
    void incrOnMissingCounterStartsFromZero() {
        assertThat(counters.incr("a")).isEqualTo(1L);
        assertThat(counters.incr("a")).isEqualTo(2L);
        assertThat(counters.get("a")).isEqualTo(2L);
    }

    @Test
    void incrByAddsPositiveAndNegativeDeltas() {
        assertThat(counters.incrBy("a", 10)).isEqualTo(10L);
        assertThat(counters.incrBy("a", -25)).isEqualTo(-15L);
        assertThat(counters.incrBy("a", 0)).isEqualTo(-15L);
        assertThat(counters.get("a")).isEqualTo(-15L);
    }

    @Test
    void decrAndDecrBySubtract() {
        assertThat(counters.decr("a")).isEqualTo(-1L);
        assertThat(counters.decrBy("a", 9)).isEqualTo(-10L);
        assertThat(counters.decrBy("a", -30)).isEqualTo(20L);
    }

    @Test
    void missingCounterReadsAsNullOrZero() {
        assertThat(counters.get("nope")).isNull();
        assertThat(counters.getOrZero("nope")).isZero();
        assertThat(counters.cache().containsKey("nope")).isFalse();
    }

    @Test
    void setOverwritesAndIncrContinuesFromIt() {
        counters.set("a", 41);
        assertThat(counters.incr("a")).isEqualTo(42L);
        counters.set("a", -5);
        assertThat(counters.getOrZero("a")).isEqualTo(-5L);
    }

    @Test
    void removeMakesTheNextIncrStartFromZero() {
        counters.incrBy("a", 100);
        assertThat(counters.remove("a")).isTrue();
        assertThat(counters.remove("a")).isFalse();
        assertThat(counters.incr("a")).isEqualTo(1L);
    }

    @Test
    void countersAreIndependentPerKey() {
        counters.incrBy("a", 3);
        counters.incrBy("b", 5);
        counters.decr("c");
        assertThat(counters.get("a")).isEqualTo(3L);
        assertThat(counters.get("b")).isEqualTo(5L);
        assertThat(counters.get("c")).isEqualTo(-1L);
    }

    @Test
    void incrementPastMaxValueThrowsAndLeavesCounterUnchanged() {
        counters.set("a", Long.MAX_VALUE);
        assertThatThrownBy(() -> counters.incr("a"))
            .isInstanceOf(ArithmeticException.class)
            .hasMessageContaining("increment would overflow")
            .hasMessageContaining("'a'")
            .hasMessageContaining("9,223,372,036,854,775,807");
        assertThat(counters.get("a")).isEqualTo(Long.MAX_VALUE);

        counters.set("b", Long.MIN_VALUE);
        assertThatThrownBy(() -> counters.incrBy("b", -1)).isInstanceOf(ArithmeticException.class);
        assertThat(counters.get("b")).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void decrementPastMinValueThrowsAndLeavesCounterUnchanged() {
        counters.set("a", Long.MIN_VALUE);
        assertThatThrownBy(() -> counters.decr("a"))
            .isInstanceOf(ArithmeticException.class)
            .hasMessageContaining("decrement would overflow");
        assertThat(counters.get("a")).isEqualTo(Long.MIN_VALUE);

        // 0 - Long.MIN_VALUE does not fit either; the counter must not even be created.
        assertThatThrownBy(() -> counters.decrBy("fresh", Long.MIN_VALUE)).isInstanceOf(ArithmeticException.class);
        assertThat(counters.get("fresh")).isNull();
    }

    @Test
    void extremeDeltasThatFitAreAccepted() {
        assertThat(counters.incrBy("a", Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(counters.incrBy("a", Long.MIN_VALUE)).isEqualTo(-1L);
        assertThat(counters.decrBy("b", Long.MAX_VALUE)).isEqualTo(-Long.MAX_VALUE);
        assertThat(counters.decr("b")).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void nullKeyIsRejected() {
        assertThatThrownBy(() -> counters.incr(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> counters.decrBy(null, 2)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new Counters<String>(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void ofReturnsCountersOverTheSameNamedCache() {
        counters.incrBy("a", 7);
        final Counters<String> again = Counters.of(larder, "counters");
        assertThat(again.cache()).isSameAs(counters.cache());
        assertThat(again.get("a")).isEqualTo(7L);
    }

    @Test
    void ofRejectsACacheNameAlreadyUsedWithOtherCodecs() {
        larder.cache("names", Codecs.utf8(), Codecs.utf8());
        assertThatThrownBy(() -> Counters.of(larder, "names")).isInstanceOf(CacheConfigurationException.class);
    }

    @Test
    void countersWorkOverAnyInt64Cache() {
        final Cache<Long, Long> byId = larder.cache("by-id", Codecs.int64(), Codecs.int64());
        final Counters<Long> idCounters = new Counters<>(byId);
        assertThat(idCounters.incrBy(42L, 5)).isEqualTo(5L);
        assertThat(byId.get(42L)).isEqualTo(5L);
    }

    @Test
    void expiredCounterStartsAgainFromZero() {
        final AtomicLong now = new AtomicLong(1_000);
        try (Larder timed = Larder.builder().maxMemory(BUDGET).clock(now::get).expiryInterval(Duration.ZERO).build()) {
            final Counters<String> perMinute = new Counters<>(timed.cache("rate", Codecs.utf8(), Codecs.int64(),
                CacheOptions.defaults().expireAfterWrite(Duration.ofMinutes(1))));
            perMinute.incr("client-1");
            perMinute.incr("client-1");
            assertThat(perMinute.get("client-1")).isEqualTo(2L);

            now.addAndGet(Duration.ofMinutes(1).toMillis() + 1);
            assertThat(perMinute.get("client-1")).isNull();
            assertThat(perMinute.incr("client-1")).isEqualTo(1L);
        }
    }

    /**
     * Every INCR of one hot key from several threads must return a distinct value, the values must
     * be exactly 1..N, and the final count must be N: a lost update would show as a duplicate.
     */
    @Test
    void concurrentIncrementsOfOneKeyAreNeverLost() throws Exception {
        final int threads = 4;
        final int perThread = 20_000;
        final int total = threads * perThread;
        final AtomicIntegerArray seen = new AtomicIntegerArray(total + 1);

        runConcurrently(threads, t -> {
            for (int i = 0; i < perThread; i++) {
                final long value = counters.incr("hot");
                seen.incrementAndGet((int) value);
            }
        });

        assertThat(counters.get("hot")).isEqualTo((long) total);
        for (int v = 1; v <= total; v++) {
            assertThat(seen.get(v)).as("times INCR returned %d", v).isEqualTo(1);
        }
    }

    @Test
    void concurrentMixedIncrementsAndDecrementsGiveTheExactTotal() throws Exception {
        final int threads = 4;
        final int perThread = 10_000;
        final String[] keys = {"k0", "k1", "k2", "k3", "k4"};

        runConcurrently(threads, t -> {
            for (int i = 0; i < perThread; i++) {
                final String key = keys[(i + t) % keys.length];
                if (t % 2 == 0) {
                    counters.incrBy(key, 3);
                } else {
                    counters.decr(key);
                }
            }
        });

        long sum = 0;
        for (final String key : keys) {
            sum += counters.getOrZero(key);
        }
        // Two threads add 3 per op, two subtract 1 per op.
        assertThat(sum).isEqualTo(2L * perThread * 3 - 2L * perThread);
    }

    private interface Worker {
        void run(int threadIndex) throws Exception;
    }

    private static void runConcurrently(final int threads, final Worker worker) throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            final CountDownLatch start = new CountDownLatch(1);
            final List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int index = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    worker.run(index);
                    return null;
                }));
            }
            start.countDown();
            for (final Future<?> future : futures) {
                future.get(2, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
