package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * With the default policy, large entries written into a budget full of small ones, whose arrival
 * order overwrites have scattered across pages, each find a slot of their own size class. (The
 * policy finds some victims through queues of arrivals that know nothing of size classes; see
 * {@link ClassBlindPolicyTest} for the store's side of that.)
 */
class LargeEntryAmongSmallTest {

    @Test
    void largeWritesIntoAFullBudgetOfScatteredSmallEntriesSucceed() {
        try (Larder larder = Larder.builder().maxMemory(2L << 20).build()) {
            final Cache<Long, byte[]> cache = larder.cache("mixed", Codecs.int64(), Codecs.bytes());
            final SplittableRandom rnd = new SplittableRandom(7);
            // fill far past the budget with small values, overwriting at random so that arrivals
            // no longer follow the pages' order
            for (int i = 0; i < 200_000; i++) {
                cache.put((long) rnd.nextInt(30_000), new byte[80 + rnd.nextInt(120)]);
            }
            // a page drained for one size class may still be in the free pool when the loop ends
            // (the class found slots elsewhere); write on until some class takes it, so that the
            // large writes below start from a budget that is entirely in use
            for (int i = 0; i < 100_000 && larder.memoryUsed() < larder.memoryLimit(); i++) {
                cache.put((long) rnd.nextInt(30_000), new byte[80 + rnd.nextInt(120)]);
            }
            assertThat(larder.memoryUsed()).isEqualTo(larder.memoryLimit());
            for (long k = 0; k < 40; k++) {
                final byte[] large = new byte[12_000 + rnd.nextInt(2_000)];
                large[0] = (byte) k;
                cache.put(1_000_000 + k, large);
                assertThat(cache.get(1_000_000 + k)).as("large entry %d", k).isEqualTo(large);
                // small writes go on between the large ones
                for (int i = 0; i < 2_000; i++) {
                    cache.put((long) rnd.nextInt(30_000), new byte[80 + rnd.nextInt(120)]);
                }
            }
            assertThat(larder.memoryUsed()).isLessThanOrEqualTo(larder.memoryLimit());
        }
    }
}
