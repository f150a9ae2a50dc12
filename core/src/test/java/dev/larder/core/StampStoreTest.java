package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.eviction.EvictionPolicy;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A read whose new access word differs from the old one only in the low 16 bits is written with a
 * plain store instead of a CAS (see the store's {@code Entry}, "Stamp stores"). This checks that
 * such a store lands where it should; {@link PolicyCountsRaceTest} checks that it never disturbs what
 * a policy counts per region.
 */
class StampStoreTest {

    /** Records the access word each read passes in; each read moves the 16-bit stamp on by one. */
    static final class StampingPolicy implements EvictionPolicy {
        final AtomicInteger lastSeen = new AtomicInteger(-1);

        @Override
        public String name() {
            return "stamping (test)";
        }

        @Override
        public boolean evicts() {
            return false;
        }

        @Override
        public int sampleSize() {
            return 5;
        }

        @Override
        public int onInsert(final long keyHash, final long tick) {
            return 0x12_0000; // bits above the stamp set, so a store that touched them would show
        }

        @Override
        public int onAccess(final int access, final long keyHash, final long tick) {
            lastSeen.set(access);
            return (access & ~0xFFFF) | ((access + 1) & 0xFFFF);
        }

        @Override
        public long score(final int access, final long remainingTtlMs, final long tick) {
            return NOT_EVICTABLE;
        }
    }

    @Test
    void aStampOnlyChangeLandsAndLeavesTheHighBitsAlone() {
        final StampingPolicy policy = new StampingPolicy();
        try (Larder larder = Larder.builder().maxMemory(8L << 20).evictionPolicy(policy).build()) {
            final Cache<Long, Long> cache = larder.cache("stamp", Codecs.int64(), Codecs.int64());
            cache.put(1L, 10L);
            for (int i = 0; i < 0x1_0005; i++) { // past the stamp's wrap: the carry must not reach bit 16
                assertThat(cache.get(1L)).isEqualTo(10L);
                assertThat(policy.lastSeen.get()).as("read %d", i).isEqualTo(0x12_0000 | (i & 0xFFFF));
            }
        }
    }
}
