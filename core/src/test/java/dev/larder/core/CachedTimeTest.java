package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.store.Scratch;
import dev.larder.core.store.Store;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * With the system clock, hits and plain puts take their time from the store's cached time instead
 * of reading the clock (see {@code Store#coarseNow}). These tests pin what that may and may not
 * change: deadlines are still exact, and the cached time lags the clock by a bounded amount.
 */
class CachedTimeTest {

    @Test
    void anEntryWithADeadlineIsNeverReturnedAfterItEvenWhileReadsUseTheCachedTime() throws Exception {
        try (Larder larder = Larder.builder().maxMemory(8L << 20).expiryInterval(Duration.ZERO).build()) {
            final Cache<String, String> cache = larder.cache("ttl", Codecs.utf8(), Codecs.utf8());
            // plenty of hits on an entry without a deadline, so the cached time is in use
            cache.put("plain", "p");
            for (int i = 0; i < 1_000; i++) {
                assertThat(cache.get("plain")).isEqualTo("p");
            }
            for (int round = 0; round < 20; round++) {
                final long beforePut = larder.clock().millis();
                cache.put("k", "v", Duration.ofMillis(30));
                final long afterPut = larder.clock().millis();
                // the deadline is put's own clock reading + 30 ms: between these two
                final long earliest = beforePut + 30;
                final long latest = afterPut + 30;
                boolean seenGone = false;
                while (!seenGone) {
                    assertThat(cache.get("plain")).isEqualTo("p"); // keeps the cached-time path warm
                    final long beforeGet = larder.clock().millis();
                    final String v = cache.get("k");
                    final long afterGet = larder.clock().millis();
                    if (v == null) {
                        assertThat(afterGet).as("round %d: gone before its deadline", round)
                            .isGreaterThanOrEqualTo(earliest);
                        seenGone = true;
                    } else {
                        assertThat(beforeGet).as("round %d: returned after its deadline", round).isLessThan(latest);
                        if (afterGet > latest + 2_000) {
                            throw new AssertionError("entry still returned 2 s after its deadline");
                        }
                    }
                }
                // once gone, always gone
                for (int i = 0; i < 100; i++) {
                    assertThat(cache.get("k")).isNull();
                }
            }
        }
    }

    @Test
    void theCachedTimeNeverRunsAheadOfTheClockAndLagsByAtMostOneTickAfterARefresh() {
        try (Larder larder = Larder.builder().maxMemory(8L << 20).expiryInterval(Duration.ZERO).build()) {
            final Store store = larder.store();
            final int n = 200_000;
            final long[] before = new long[n];
            final long[] value = new long[n];
            final Scratch sc = Scratch.acquire();
            try {
                for (int i = 0; i < n; i++) {
                    before[i] = store.now();
                    value[i] = store.coarseNow(sc);
                    assertThat(value[i]).isLessThanOrEqualTo(store.now());
                }
            } finally {
                sc.release();
            }
            // within any run of CLOCK_REFRESH_READS (32) calls one refreshed from the clock, and the
            // cached time then moved to that reading unless it was already less than a tick (16 ms) behind
            for (int i = 32; i < n; i++) {
                assertThat(value[i]).as("call %d", i).isGreaterThanOrEqualTo(before[i - 32] - 16);
            }
        }
    }
}
