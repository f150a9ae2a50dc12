package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Sliding TTL under memory pressure: a session read every 0.6 TTL never expires while another cache
 * churns through the budget, so the policy keeps changing the sessions' access words (moving them
 * between regions) and compaction moves their entries. A read whose deadline CAS lost to such a
 * change used to drop the extension (about 1 run in 3 had a session expire); it now extends the
 * deadline on the word that won.
 */
class SlidingTtlUnderCompactionTest {

    @Test
    void aSessionReadMoreOftenThanItsTtlNeverExpiresWhileTheBudgetChurns() throws Exception {
        final FakeClock clock = new FakeClock();
        final long ttl = 10_000;
        try (Larder larder = Larder.builder().maxMemory(2L << 20).clock(clock).expiryInterval(Duration.ZERO).build()) {
            final Cache<Long, byte[]> sessions = larder.cache("sessions", Codecs.int64(), Codecs.bytes(),
                CacheOptions.defaults().expireAfterAccess(Duration.ofMillis(ttl)));
            final Cache<Long, byte[]> churn = larder.cache("churn", Codecs.int64(), Codecs.bytes());
            final int keys = 256;
            for (long k = 0; k < keys; k++) {
                sessions.put(k, new byte[100]);
            }
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            // fills memory with entries of two alternating sizes, so pages change class and the
            // sessions' pages are drained: their entries move
            final Thread churner = new Thread(() -> {
                try {
                    long k = 0;
                    while (!stop.get()) {
                        final int size = ((k >> 12) & 1) == 0 ? 100 : 1_500;
                        churn.put(k++ & 8_191, new byte[size]);
                    }
                } catch (final Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            churner.start();
            long reads = 0;
            final long end = System.nanoTime() + 4_000_000_000L;
            while (System.nanoTime() < end && failure.get() == null) {
                for (long k = 0; k < keys; k++) {
                    if (sessions.get(k) == null) {
                        sessions.put(k, new byte[100]); // evicted (allowed): start a new session
                    }
                    reads++;
                }
                clock.advance(ttl * 6 / 10);
            }
            stop.set(true);
            churner.join();
            assertThat(failure.get()).isNull();
            assertThat(reads).isPositive();
            assertThat(sessions.stats().expirations())
                .as("sessions that expired although read every 0.6 TTL (%,d reads, %,d evicted)", reads,
                    sessions.stats().evictions())
                .isZero();
        }
    }
}
