package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Writing ten times the budget never lets the native memory in use exceed it: checked after every
 * write and, all the while, by a sampling thread.
 */
class MemoryBudgetTest {
    private static final long BUDGET = 2L << 20;

    /** Polls {@link Larder#memoryUsed()} on its own thread and remembers the highest value. */
    private static final class Sampler implements AutoCloseable {
        final AtomicLong max = new AtomicLong();
        final AtomicLong samples = new AtomicLong();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        Sampler(final Larder larder) {
            thread = new Thread(() -> {
                while (!stop.get()) {
                    max.accumulateAndGet(larder.memoryUsed(), Math::max);
                    samples.incrementAndGet();
                }
            }, "memory-sampler");
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop.set(true);
            thread.join();
        }
    }

    private static byte[] bytes(final Random rnd, final int n) {
        final byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    @Test
    void writingTenTimesTheBudgetInMixedSizesNeverExceedsIt() throws Exception {
        final Random rnd = new Random(1);
        try (Larder larder = Larder.builder().maxMemory(BUDGET).expiryInterval(Duration.ZERO).build()) {
            final Cache<Long, byte[]> cache = larder.cache("mixed", Codecs.int64(), Codecs.bytes());
            long written = 0;
            long i = 0;
            try (Sampler sampler = new Sampler(larder)) {
                while (written < 10 * BUDGET) {
                    final int size = rnd.nextInt(10) < 8 ? rnd.nextInt(200) : rnd.nextInt(20_000);
                    cache.put(i++, bytes(rnd, size));
                    written += size + 8;
                    assertThat(larder.memoryUsed()).as("after write %d", i).isLessThanOrEqualTo(BUDGET);
                }
                sampler.close();
                assertThat(sampler.samples.get()).isPositive();
                assertThat(sampler.max.get()).isLessThanOrEqualTo(BUDGET);
            }
            assertThat(cache.stats().evictions()).isPositive();
            assertThat(larder.stats().memoryUsed()).isLessThanOrEqualTo(larder.stats().memoryLimit());
        }
    }

    @Test
    void tinyEntriesThatGrowTheIndexStayWithinTheBudget() throws Exception {
        try (Larder larder = Larder.builder().maxMemory(BUDGET).expiryInterval(Duration.ZERO).build()) {
            final Cache<Long, Long> cache = larder.cache("tiny", Codecs.int64(), Codecs.int64());
            final long entries = 10 * BUDGET / 16; // 16 bytes of key and value each: ten budgets
            try (Sampler sampler = new Sampler(larder)) {
                for (long i = 0; i < entries; i++) {
                    cache.put(i, i);
                    if ((i & 63) == 0) {
                        assertThat(larder.memoryUsed()).as("after %d writes", i).isLessThanOrEqualTo(BUDGET);
                    }
                }
                sampler.close();
                assertThat(sampler.max.get()).isLessThanOrEqualTo(BUDGET);
            }
            assertThat(cache.stats().evictions()).isPositive();
            assertThat(cache.get(entries - 1)).isEqualTo(entries - 1);
        }
    }

    @Test
    void concurrentWritersOfTenTimesTheBudgetNeverExceedIt() throws Exception {
        try (Larder larder = Larder.builder().maxMemory(BUDGET).expiryInterval(Duration.ZERO).build()) {
            final Cache<Long, byte[]> a = larder.cache("a", Codecs.int64(), Codecs.bytes());
            final Cache<Long, byte[]> b = larder.cache("b", Codecs.int64(), Codecs.bytes());
            final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
            final List<Thread> writers = new ArrayList<>();
            try (Sampler sampler = new Sampler(larder)) {
                for (int t = 0; t < 3; t++) {
                    final int seed = t;
                    final Cache<Long, byte[]> c = t % 2 == 0 ? a : b;
                    final Thread w = new Thread(() -> {
                        final Random rnd = new Random(seed);
                        long written = 0;
                        long i = seed * 1_000_000_000L;
                        try {
                            while (written < 10 * BUDGET / 3) {
                                final int size = rnd.nextInt(4) == 0 ? rnd.nextInt(8_000) : rnd.nextInt(300);
                                c.put(i++, bytes(rnd, size));
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
                sampler.close();
                assertThat(failures).isEmpty();
                assertThat(sampler.max.get()).isLessThanOrEqualTo(BUDGET);
            }
            assertThat(larder.stats().evictions()).isPositive();
        }
    }

    @Test
    void noEvictionFillsUpToTheBudgetAndNoFurther() throws Exception {
        final Random rnd = new Random(2);
        try (Larder larder = Larder.builder().maxMemory(BUDGET).evictionPolicy("noeviction")
            .expiryInterval(Duration.ZERO).build()) {
            final Cache<Long, byte[]> cache = larder.cache("full", Codecs.int64(), Codecs.bytes());
            long rejected = 0;
            try (Sampler sampler = new Sampler(larder)) {
                for (long i = 0, written = 0; written < 10 * BUDGET; i++) {
                    final int size = rnd.nextInt(2_000);
                    written += size + 8;
                    try {
                        cache.put(i, bytes(rnd, size));
                    } catch (final MemoryBudgetExceededException e) {
                        rejected++;
                    }
                    assertThat(larder.memoryUsed()).isLessThanOrEqualTo(BUDGET);
                }
                sampler.close();
                assertThat(sampler.max.get()).isLessThanOrEqualTo(BUDGET);
            }
            assertThat(rejected).isPositive();
            assertThat(cache.stats().evictions()).isZero();
        }
    }
}
