package dev.larder.eviction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WindowGhostsTest {

    /**
     * The same W-TinyLFU as {@link WindowGhosts.Ghost}, written as plainly as possible: three
     * insertion-ordered sets, eldest first. The ghost's index-linked lists and its hash table are
     * checked against it.
     */
    private static final class Reference {
        final int capacity;
        final int windowMax;
        final int protectedMax;
        final LinkedHashSet<Long> window = new LinkedHashSet<>();
        final LinkedHashSet<Long> probation = new LinkedHashSet<>();
        final LinkedHashSet<Long> protect = new LinkedHashSet<>();
        long hits;

        Reference(final int capacity, final double share) {
            this.capacity = capacity;
            this.windowMax = Math.max(1, (int) Math.round(capacity * share));
            this.protectedMax = (int) ((capacity - Math.min(windowMax, capacity)) * WTinyLfu.PROTECTED_SHARE);
        }

        int size() {
            return window.size() + probation.size() + protect.size();
        }

        static long eldest(final LinkedHashSet<Long> set) {
            return set.iterator().next();
        }

        void access(final long key, final FrequencySketch sketch) {
            if (window.remove(key)) {
                hits++;
                window.add(key);
            } else if (probation.remove(key)) {
                hits++;
                protect.add(key);
                if (protect.size() > protectedMax) {
                    final long demoted = eldest(protect);
                    protect.remove(demoted);
                    probation.add(demoted);
                }
            } else if (protect.remove(key)) {
                hits++;
                protect.add(key);
            } else {
                window.add(key);
                while (window.size() > windowMax) {
                    final long candidate = eldest(window);
                    window.remove(candidate);
                    if (size() + 1 <= capacity) {
                        probation.add(candidate);
                        continue;
                    }
                    final LinkedHashSet<Long> from = !probation.isEmpty() ? probation : protect;
                    if (!from.isEmpty() && sketch.frequency(candidate) > sketch.frequency(eldest(from))) {
                        from.remove(eldest(from));
                        probation.add(candidate);
                    }
                }
                if (size() > capacity) {
                    final LinkedHashSet<Long> from = !probation.isEmpty() ? probation : !protect.isEmpty() ? protect : window;
                    from.remove(eldest(from));
                }
            }
        }

        int regionOf(final long key) {
            return window.contains(key) ? WindowGhosts.Ghost.WINDOW
                : probation.contains(key) ? WindowGhosts.Ghost.PROBATION
                : protect.contains(key) ? WindowGhosts.Ghost.PROTECTED : WindowGhosts.Ghost.FREE;
        }
    }

    /** Keys from a skewed distribution over {@code range}, with runs of one-time keys (scans). */
    private static List<Long> workload(final Random random, final int length, final int range) {
        final List<Long> keys = new ArrayList<>(length);
        long scan = 1L << 40;
        while (keys.size() < length) {
            if (random.nextInt(20) == 0) {
                for (int i = random.nextInt(3 * range / 2 + 1); i > 0 && keys.size() < length; i--) {
                    keys.add(scan++);
                }
            } else {
                final double u = random.nextDouble();
                keys.add(2 + (long) (u * u * range));
            }
        }
        return keys;
    }

    @Test
    void aGhostHitsAndHoldsExactlyWhatThePlainModelDoes() {
        final Random random = new Random(11);
        final int[] capacities = {1, 2, 3, 10, 100, 1_024};
        int checks = 0;
        for (final int capacity : capacities) {
            for (final double share : WindowGhosts.SHARES) {
                final FrequencySketch a = new FrequencySketch(4L * capacity, capacity, 5, 6);
                final FrequencySketch b = new FrequencySketch(4L * capacity, capacity, 5, 6);
                final WindowGhosts.Ghost ghost = new WindowGhosts.Ghost(capacity, share);
                final Reference reference = new Reference(capacity, share);
                final List<Long> keys = workload(random, 20_000, 3 * capacity + 10);
                for (int i = 0; i < keys.size(); i++) {
                    final long key = keys.get(i);
                    a.increment(key);
                    ghost.access(key, a);
                    b.increment(key);
                    reference.access(key, b);
                    assertThat(ghost.hits).as("capacity %d, share %s, access %d", capacity, share, i).isEqualTo(reference.hits);
                    assertThat(ghost.live()).isEqualTo(reference.size()).isLessThanOrEqualTo(capacity);
                    if (i % 97 == 0) {
                        for (int k = Math.max(0, i - 50); k <= i; k++) {
                            assertThat(ghost.regionOf(keys.get(k))).isEqualTo(reference.regionOf(keys.get(k)));
                            checks++;
                        }
                    }
                }
                for (int r = WindowGhosts.Ghost.WINDOW; r <= WindowGhosts.Ghost.PROTECTED; r++) {
                    final int region = r;
                    final long expected = keys.stream().distinct().filter(k -> reference.regionOf(k) == region).count();
                    assertThat(ghost.size(r)).isEqualTo((int) expected);
                }
                assertThat(ghost.hits + ghost.misses).isEqualTo(keys.size());
            }
        }
        assertThat(checks).isGreaterThan(10_000);
    }

    @Test
    void upToMaxGhostEntriesEveryKeyIsSampledBeyondThatAShareOfThem() {
        final Random random = new Random(3);
        final WindowGhosts small = new WindowGhosts(WindowGhosts.MAX_GHOST, 1);
        for (int i = 0; i < 10_000; i++) {
            assertThat(small.sampled(random.nextLong())).isTrue();
        }
        final WindowGhosts large = new WindowGhosts(1_000_000, 1);
        int sampled = 0;
        final int n = 1_000_000;
        for (int i = 0; i < n; i++) {
            final long hash = random.nextLong();
            if (large.sampled(hash)) {
                sampled++;
                assertThat(large.sampled(hash)).as("a key is sampled always or never").isTrue();
            }
        }
        // expected MAX_GHOST (rate MAX_GHOST / 1,000,000); five standard deviations either way
        final int spread = (int) (5 * Math.sqrt(WindowGhosts.MAX_GHOST));
        assertThat(sampled).isBetween(WindowGhosts.MAX_GHOST - spread, WindowGhosts.MAX_GHOST + spread);
    }

    @Test
    void aRingNotDrainedInTimeLosesItsOldestKeysAndNothingElse() {
        final WindowGhosts ghosts = new WindowGhosts(100, 1);
        for (long k = 2; k < 2 + 3 * WindowGhosts.RING; k++) {
            ghosts.offer(k);
        }
        final WindowGhosts.Period period = ghosts.period();
        assertThat(period.accesses()).isEqualTo(WindowGhosts.RING);
        for (int i = 0; i < WindowGhosts.SHARES.length; i++) {
            assertThat(period.hits(i)).isZero();
            assertThat(ghosts.ghost(i).live()).isEqualTo(100);
        }
        assertThat(ghosts.period().accesses()).as("nothing left to drain").isZero();
    }

    @Test
    void aBatchRecordsItsSampledKeysInOrder() {
        final WindowGhosts small = new WindowGhosts(100, 1); // every key sampled
        final long[] batch = {2, 3, 2, 4, 2};
        small.offerAll(batch, 4); // the fifth is beyond count
        final WindowGhosts.Period period = small.period();
        assertThat(period.accesses()).isEqualTo(4);
        assertThat(period.hits(0)).as("the second 2 hits").isEqualTo(1);
        final WindowGhosts large = new WindowGhosts(1_000_000, 1);
        final Random random = new Random(5);
        final long[] hashes = new long[16];
        long expected = 0;
        for (int round = 0; round < 1_000; round++) {
            for (int i = 0; i < hashes.length; i++) {
                hashes[i] = random.nextLong();
                expected += large.sampled(hashes[i]) ? 1 : 0;
            }
            large.offerAll(hashes, hashes.length);
            large.tryDrain();
        }
        assertThat(expected).isPositive();
        assertThat(large.period().accesses()).as("only the sampled keys").isEqualTo(expected);
    }

    @Test
    void concurrentOffersWhileDrainingKeepEveryGhostConsistent() throws Exception {
        final WindowGhosts ghosts = new WindowGhosts(256, 1);
        final int perThread = 300_000;
        final CountDownLatch start = new CountDownLatch(1);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            final long base = 2 + t * 1_000L;
            threads.add(new Thread(() -> {
                try {
                    start.await();
                    final Random random = new Random(base);
                    for (int i = 0; i < perThread; i++) {
                        ghosts.offer(base + random.nextInt(400));
                        if (i % 500 == 0) {
                            ghosts.tryDrain();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        threads.forEach(Thread::start);
        start.countDown();
        long accesses = 0;
        while (threads.stream().anyMatch(Thread::isAlive)) {
            accesses += ghosts.period().accesses();
        }
        for (final Thread t : threads) {
            t.join();
        }
        accesses += ghosts.period().accesses();
        assertThat(failure.get()).isNull();
        assertThat(accesses).isPositive().isLessThanOrEqualTo(3L * perThread);
        final long seen = ghosts.ghost(0).hits + ghosts.ghost(0).misses;
        assertThat(seen).isEqualTo(accesses);
        for (int i = 0; i < WindowGhosts.SHARES.length; i++) {
            final WindowGhosts.Ghost g = ghosts.ghost(i);
            assertThat(g.hits + g.misses).as("every ghost saw the same keys").isEqualTo(seen);
            assertThat(g.live()).isLessThanOrEqualTo(256);
            assertThat(g.size(WindowGhosts.Ghost.WINDOW) + g.size(WindowGhosts.Ghost.PROBATION)
                + g.size(WindowGhosts.Ghost.PROTECTED)).isEqualTo(g.live());
        }
    }
}
