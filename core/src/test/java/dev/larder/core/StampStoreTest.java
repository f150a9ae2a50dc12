package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.eviction.EvictionPolicy;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A read whose new access word differs from the old one only in the low 16 bits is written with a
 * plain store instead of a CAS (see the store's {@code Entry}, "Stamp stores"). These tests check
 * that such a store lands, and that it never disturbs what a policy counts per region, while other
 * reads of the same entries change their region by CAS and writers replace and remove them.
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

    /**
     * Bit 23 is the region. A read either moves only the stamp (plain store) or flips the region and
     * moves the stamp (CAS, reported); the two alternate by the stamp's lowest bit.
     */
    static final class MixedPolicy implements EvictionPolicy {
        static final int REGION = 1 << 23;
        final AtomicLong[] counts = {new AtomicLong(), new AtomicLong()};
        final AtomicLong stampOnly = new AtomicLong();

        static int region(final int access) {
            return (access & REGION) == 0 ? 0 : 1;
        }

        @Override
        public String name() {
            return "mixed (test)";
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
            return 0;
        }

        @Override
        public int onUpdate(final int previousAccess, final long keyHash, final long tick) {
            return previousAccess & REGION; // a new value keeps its region, stamp restarts
        }

        @Override
        public int onAccess(final int access, final long keyHash, final long tick) {
            final int stamp = ((access & 0xFFFF) + 1) & 0xFFFF;
            if ((access & 1) == 0) {
                stampOnly.incrementAndGet();
                return (access & ~0xFFFF) | stamp;
            }
            return ((access ^ REGION) & ~0xFFFF) | stamp;
        }

        @Override
        public void onTransition(final int from, final int to) {
            counts[region(from)].decrementAndGet();
            counts[region(to)].incrementAndGet();
        }

        @Override
        public void onLinked(final long handle, final int access, final long keyHash) {
            counts[region(access)].incrementAndGet();
        }

        @Override
        public void onUnlinked(final int access) {
            counts[region(access)].decrementAndGet();
        }

        @Override
        public long score(final int access, final long remainingTtlMs, final long tick) {
            return NOT_EVICTABLE;
        }
    }

    @Test
    void stampStoresNeverDisturbRegionCountsUnderReadersAndWriters() throws Exception {
        final MixedPolicy policy = new MixedPolicy();
        final long keys = 8;
        try (Larder larder = Larder.builder().maxMemory(16L << 20).evictionPolicy(policy)
            .expiryInterval(java.time.Duration.ZERO).build()) {
            final Cache<Long, Long> cache = larder.cache("mixed", Codecs.int64(), Codecs.int64());
            for (long k = 0; k < keys; k++) {
                cache.put(k, k);
            }
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread[] threads = new Thread[4];
            for (int r = 0; r < 2; r++) {
                final long first = r;
                threads[r] = new Thread(() -> {
                    try {
                        long k = first;
                        while (!stop.get()) {
                            final Long v = cache.get(k++ & (keys - 1));
                            if (v != null && v < 0) {
                                throw new AssertionError("negative value " + v);
                            }
                        }
                    } catch (final Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            for (int w = 2; w < 4; w++) {
                final long first = w;
                threads[w] = new Thread(() -> {
                    try {
                        long k = first;
                        while (!stop.get()) {
                            final long key = k++ & (keys - 1);
                            if ((k & 7) == 0) {
                                cache.remove(key);
                            }
                            cache.put(key, k);
                        }
                    } catch (final Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            for (final Thread t : threads) {
                t.start();
            }
            Thread.sleep(2_000);
            stop.set(true);
            for (final Thread t : threads) {
                t.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(policy.stampOnly.get()).as("reads that took the plain-store path").isPositive();
            assertThat(policy.counts[0].get() + policy.counts[1].get()).isEqualTo(cache.size());
            cache.clear();
            assertThat(policy.counts[0].get()).as("entries counted in region 0").isZero();
            assertThat(policy.counts[1].get()).as("entries counted in region 1").isZero();
        }
    }
}
