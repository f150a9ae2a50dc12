package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.eviction.Candidates;
import dev.larder.eviction.EvictionPolicy;
import dev.larder.eviction.Population;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A policy's per-region counts stay exact while readers change entries' access words and writers
 * replace the same entries: the access word the store reports when an entry leaves must include
 * every transition it reported before. (A reader that validated its read, then lost the race with a
 * writer that unlinked the entry, used to apply its transition afterwards; the store had already
 * reported the old word, so one region kept a count for an entry that was gone.)
 */
class PolicyCountsRaceTest {

    /**
     * Bit 23 of the access word is the region; every read flips it, so reads transition constantly.
     * When it evicts, it also flips the word of every entry it samples through
     * {@link Population#casAccess}, as w-tinylfu moves and demotes entries.
     */
    static class FlippingPolicy implements EvictionPolicy {
        static final int REGION = 1 << 23;
        final AtomicLong[] counts = {new AtomicLong(), new AtomicLong()};
        final boolean evicts;

        FlippingPolicy(final boolean evicts) {
            this.evicts = evicts;
        }

        static int region(final int access) {
            return (access & REGION) == 0 ? 0 : 1;
        }

        @Override
        public String name() {
            return "flipping (test)";
        }

        @Override
        public boolean evicts() {
            return evicts;
        }

        @Override
        public boolean evict(final Population population, final long tick) {
            // first the handles this thread sampled last time: stale by now, some of them left and
            // their slots were reused (as a policy's remembered candidates can be)
            final Candidates stale = STALE.get();
            flipAll(population, stale);
            final Candidates c = new Candidates(8);
            for (int attempt = 0; attempt < 8; attempt++) {
                c.count = 0;
                population.sample(c, 8);
                flipAll(population, c);
                if (c.count > 0 && population.evict(c.handles[0])) {
                    break;
                }
            }
            stale.count = 0;
            for (int k = 1; k < c.count; k++) {
                stale.add(c.handles[k], c.access[k] ^ REGION, -1);
            }
            return true;
        }

        private static final ThreadLocal<Candidates> STALE = ThreadLocal.withInitial(() -> new Candidates(8));

        private void flipAll(final Population population, final Candidates c) {
            for (int k = 0; k < c.count; k++) {
                final int to = c.access[k] ^ REGION;
                if (population.casAccess(c.handles[k], c.access[k], to)) {
                    onTransition(c.access[k], to);
                }
            }
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
            return 0;
        }

        @Override
        public int onAccess(final int access, final long keyHash, final long tick) {
            return access ^ REGION;
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
            return evicts ? 1 : NOT_EVICTABLE;
        }
    }

    @Test
    void regionCountsAreExactAfterReadersAndWritersRaceOnTheSameKeys() throws Exception {
        race(new FlippingPolicy(false), 0, 4);
    }

    @Test
    void regionCountsAreExactWhenAnEvictorAlsoChangesWordsOfEntriesThatAreLeaving() throws Exception {
        // 8 keys in a cache of 6: most writes evict, and each eviction flips the words of the entries it
        // samples and of those it sampled the time before (stale handles, some to reused slots)
        race(new FlippingPolicy(true), 6, 8);
    }

    /**
     * Every other read of an entry moves only the low 16 bits of its word, which the store writes with
     * a plain store, not a CAS, and does not report (see the store's {@code Entry}, "Stamp stores");
     * the reads in between flip the region by CAS. The plain stores must not disturb the counts.
     */
    @Test
    void regionCountsAreExactWhenSomeReadsOnlyMoveTheStamp() throws Exception {
        final AtomicLong stampOnly = new AtomicLong();
        final FlippingPolicy policy = new FlippingPolicy(false) {
            @Override
            public int onAccess(final int access, final long keyHash, final long tick) {
                final int stamp = ((access & 0xFFFF) + 1) & 0xFFFF;
                if ((access & 1) == 0) {
                    stampOnly.incrementAndGet();
                    return (access & ~0xFFFF) | stamp;
                }
                return ((access ^ REGION) & ~0xFFFF) | stamp;
            }
        };
        race(policy, 0, 4);
        assertThat(stampOnly.get()).as("reads that took the plain-store path").isPositive();
    }

    private static void race(final FlippingPolicy policy, final long maxEntries, final long keys) throws Exception {
        final Larder.Builder builder = Larder.builder().maxMemory(16L << 20).evictionPolicy(policy)
            .expiryInterval(java.time.Duration.ZERO);
        try (Larder larder = (maxEntries > 0 ? builder.maxEntries(maxEntries) : builder).build()) {
            final Cache<Long, Long> cache = larder.cache("race", Codecs.int64(), Codecs.int64());
            for (long k = 0; k < Math.min(keys, maxEntries > 0 ? maxEntries : keys); k++) {
                cache.put(k, k);
            }
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final Thread reader = new Thread(() -> {
                try {
                    long k = 0;
                    while (!stop.get()) {
                        cache.get(k++ & (keys - 1));
                    }
                } catch (final Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
            final Thread[] writers = new Thread[2];
            for (int w = 0; w < writers.length; w++) {
                final long first = w;
                writers[w] = new Thread(() -> {
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
            reader.start();
            for (final Thread w : writers) {
                w.start();
            }
            Thread.sleep(2_000);
            stop.set(true);
            reader.join();
            for (final Thread w : writers) {
                w.join();
            }
            assertThat(failure.get()).isNull();
            assertThat(policy.counts[0].get() + policy.counts[1].get()).isEqualTo(cache.size());
            cache.clear();
            assertThat(cache.size()).isZero();
            // every entry left reporting its final word: nothing is left in either region
            assertThat(policy.counts[0].get()).as("entries counted in region 0").isZero();
            assertThat(policy.counts[1].get()).as("entries counted in region 1").isZero();
        }
    }
}
