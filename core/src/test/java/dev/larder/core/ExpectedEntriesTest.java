package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code expectedEntries}: the index is sized up front and does not grow while filling to it. */
class ExpectedEntriesTest {
    /** Enough entries that the index spans many pages, so its load shows in the memory used. */
    private static final long ENTRIES = 1_000_000;

    @Test
    void presizedIndexHoldsTheExpectedEntriesWithoutGrowing() {
        try (Larder larder = Larder.builder().maxMemory(64L << 20).expectedEntries(200_000)
                .expiryInterval(Duration.ZERO).build()) {
            final long capacity = larder.store().indexCapacity();
            assertThat(capacity).isGreaterThanOrEqualTo((long) (200_000 / 0.8));
            // whole pages once a table needs more than one (the rest of a page would be held anyway)
            final long slotsPerPage = larder.store().pageSize() / 8;
            assertThat(capacity).isLessThanOrEqualTo((long) (200_000 / 0.78) + slotsPerPage);
            final Cache<Long, Long> cache = larder.cache("c", Codecs.int64(), Codecs.int64());
            for (long i = 0; i < 200_000; i++) {
                cache.put(i, -i);
            }
            assertThat(larder.store().indexCapacity()).as("no growth up to the expected count").isEqualTo(capacity);
            for (long i = 0; i < 200_000; i += 997) {
                assertThat(cache.get(i)).isEqualTo(-i);
            }
            assertThat(cache.size()).isEqualTo(200_000);
        }
    }

    @Test
    void presizingUsesNoMoreMemoryThanGrowing() {
        final long grown;
        final long presized;
        try (Larder larder = Larder.builder().maxMemory(128L << 20).expiryInterval(Duration.ZERO).build()) {
            fill(larder);
            grown = larder.memoryUsed();
        }
        try (Larder larder = Larder.builder().maxMemory(128L << 20).expectedEntries(ENTRIES)
                .expiryInterval(Duration.ZERO).build()) {
            fill(larder);
            presized = larder.memoryUsed();
        }
        // grown by itself the index is loaded 60-80%, presized 78%: presizing saves the copies while
        // filling and never costs memory (since growth targets 60% instead of 50%, it rarely saves
        // a page either: at this count both use the same number of pages)
        System.out.printf("1M entries: memoryUsed grown %,d, presized %,d%n", grown, presized);
        assertThat(presized).isLessThanOrEqualTo(grown);
    }

    private static void fill(final Larder larder) {
        final Cache<Long, Long> cache = larder.cache("c", Codecs.int64(), Codecs.int64());
        for (long i = 0; i < ENTRIES; i++) {
            cache.put(i, i);
        }
    }

    @Test
    void indexLargerThanHalfTheBudgetIsRefusedWithBothFigures() {
        assertThatThrownBy(() -> Larder.builder().maxMemory(4L << 20).expectedEntries(10_000_000).build())
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("10,000,000")
            .hasMessageContaining("4,194,304");
        assertThatThrownBy(() -> Larder.builder().expectedEntries(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Larder.builder().expectedEntries(-5)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("-5");
    }
}
