package dev.larder.eviction.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.eviction.Candidates;
import dev.larder.eviction.EvictionPolicies;
import dev.larder.eviction.EvictionPolicy;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyModelTest {

    /** A skewed synthetic trace: key k (0..distinct-1) with probability ~ 1/(k+1) (Zipf, s = 1). */
    static long[] zipfTrace(final int accesses, final int distinct, final long seed) {
        final double[] cdf = new double[distinct];
        double sum = 0;
        for (int k = 0; k < distinct; k++) {
            sum += 1.0 / (k + 1);
            cdf[k] = sum;
        }
        final Random rnd = new Random(seed);
        final long[] trace = new long[accesses];
        for (int i = 0; i < accesses; i++) {
            final double u = rnd.nextDouble() * sum;
            int lo = 0;
            int hi = distinct - 1;
            while (lo < hi) {
                final int mid = (lo + hi) >>> 1;
                if (cdf[mid] < u) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            trace[i] = 1000 + 37L * lo; // keys not 0..n, to keep the hash honest
        }
        return trace;
    }

    /** Exact LRU, written here independently of the simulator's reference. */
    static long exactLruHits(final long[] trace, final int capacity) {
        final LinkedHashMap<Long, Boolean> lru = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(final Map.Entry<Long, Boolean> eldest) {
                return size() > capacity;
            }
        };
        long hits = 0;
        for (final long k : trace) {
            if (lru.containsKey(k)) {
                lru.get(k); // touch
                hits++;
            } else {
                lru.put(k, Boolean.TRUE);
            }
        }
        return hits;
    }

    /** The test: with a sample that covers the whole cache, sampled LRU is exact LRU. */
    @ParameterizedTest
    @ValueSource(ints = {1, 8, 32, 64})
    void sampledLruWithFullSampleEqualsExactLru(final int capacity) {
        final long[] trace = zipfTrace(5_000, 100, 7);
        final long expected = exactLruHits(trace, capacity);
        final PolicyModel model = new PolicyModel(EvictionPolicies.allKeysLru(64), capacity, 99);
        long hits = 0;
        for (final long k : trace) {
            if (model.access(k)) {
                hits++;
            }
        }
        assertThat(hits).as("capacity %d", capacity).isEqualTo(expected);
        assertThat(model.hits()).isEqualTo(hits);
        assertThat(model.misses()).isEqualTo(trace.length - hits);
        assertThat(model.maxSize()).isLessThanOrEqualTo(capacity);
        assertThat(model.stalls()).isZero();
        assertThat(model.rejectedWrites()).isZero();
        if (capacity >= 8) {
            assertThat(hits).as("a trace where the cache matters").isBetween(trace.length / 10L, trace.length - 200L);
        }
    }

    @Test
    void simulatorsLruReferenceAgreesWithTheTestsOwn() {
        final long[] trace = zipfTrace(5_000, 100, 11);
        assertThat(Replays.exactLru(trace, 32).hits()).isEqualTo(exactLruHits(trace, 32));
    }

    @Test
    void staleHandlesAreReportedNotReused() {
        final PolicyModel m = new PolicyModel(EvictionPolicies.allKeysLru(64), 4);
        for (long k = 1; k <= 4; k++) {
            m.access(k);
        }
        final Candidates c = new Candidates(64);
        m.sample(c, 64);
        assertThat(c.count).isEqualTo(4);
        final long h = c.handles[0];
        final int a = c.access[0];
        final long hash = m.keyHashOf(h);
        assertThat(hash).isNotZero();
        assertThat(m.accessOf(h)).isEqualTo(a);
        assertThat(m.evict(h)).isTrue();
        assertThat(m.size()).isEqualTo(3);
        // stale now, and still stale after its slot is taken by a new key
        m.access(5);
        assertThat(m.size()).isEqualTo(4);
        assertThat(m.accessOf(h)).isEqualTo(-1);
        assertThat(m.keyHashOf(h)).isZero();
        assertThat(m.casAccess(h, a, a + 1)).isFalse();
        assertThat(m.evict(h)).isFalse();
        assertThat(m.size()).isEqualTo(4);
    }

    @Test
    void casAccessNeedsTheExpectedWord() {
        final PolicyModel m = new PolicyModel(EvictionPolicies.allKeysLru(64), 4);
        m.access(1);
        final Candidates c = new Candidates(8);
        m.sample(c, 8);
        final long h = c.handles[0];
        final int a = m.accessOf(h);
        assertThat(m.casAccess(h, a + 1, 77)).isFalse();
        assertThat(m.casAccess(h, a, 77)).isTrue();
        assertThat(m.accessOf(h)).isEqualTo(77);
    }

    @Test
    void sampleIsWithoutReplacementAndCoversEverythingWhenAskedForAll() {
        final PolicyModel m = new PolicyModel(EvictionPolicies.allKeysLru(64), 50);
        for (long k = 0; k < 50; k++) {
            m.access(k);
        }
        final Candidates all = new Candidates(64);
        m.sample(all, 64);
        final Set<Long> hashes = new HashSet<>();
        for (int i = 0; i < all.count; i++) {
            hashes.add(m.keyHashOf(all.handles[i]));
            assertThat(all.remainingTtlMs[i]).isEqualTo(-1);
        }
        assertThat(all.count).isEqualTo(50);
        assertThat(hashes).hasSize(50);
        final Set<Long> expected = new HashSet<>();
        for (long k = 0; k < 50; k++) {
            expected.add(Hashing.mix(k));
        }
        assertThat(hashes).isEqualTo(expected);
        // a small sample: distinct entries, and over many draws every entry shows up
        final Set<Long> union = new HashSet<>();
        for (int round = 0; round < 200; round++) {
            final Candidates c = new Candidates(5);
            m.sample(c, 5);
            final Set<Long> once = new HashSet<>();
            for (int i = 0; i < c.count; i++) {
                once.add(c.handles[i]);
                union.add(c.handles[i]);
            }
            assertThat(once).hasSize(5);
        }
        assertThat(union).hasSize(50);
    }

    @Test
    void noevictionRefusesNewKeysWhenFull() {
        final PolicyModel m = new PolicyModel(EvictionPolicies.noEviction(), 3);
        for (long k = 0; k < 10; k++) {
            m.access(k);
        }
        assertThat(m.size()).isEqualTo(3);
        assertThat(m.rejectedWrites()).isEqualTo(7);
        assertThat(m.access(0)).isTrue();
        assertThat(m.access(9)).isFalse();
    }

    @Test
    void volatilePolicyBehavesAsNoevictionOnKeysWithoutTtl() {
        final EvictionPolicy p = EvictionPolicies.byName("volatile-lru");
        final long[] trace = zipfTrace(2_000, 100, 3);
        final PolicyModel m = new PolicyModel(p, 10);
        for (final long k : trace) {
            m.access(k);
        }
        assertThat(m.evictions()).isZero();
        assertThat(m.size()).isEqualTo(10);
        assertThat(m.rejectedWrites()).isPositive();
    }

    @Test
    void hashIsNeverZeroAndMixesNeighbours() {
        final Set<Long> hashes = new HashSet<>();
        for (long k = -1000; k < 1000; k++) {
            final long h = Hashing.mix(k);
            assertThat(h).isNotZero();
            hashes.add(h);
        }
        assertThat(hashes).hasSize(2000);
        assertThat(Long.bitCount(Hashing.mix(1) ^ Hashing.mix(2))).isBetween(16, 48);
    }
}
