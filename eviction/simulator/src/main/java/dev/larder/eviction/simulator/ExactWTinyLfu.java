package dev.larder.eviction.simulator;

import dev.larder.eviction.FrequencySketch;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A diagnostic reference, not a policy the store can use: W-TinyLFU with <em>exact</em> LRU lists
 * on the heap (a 1% LRU window in front of a segmented LRU main region, 20% probation and 80%
 * protected, as in Caffeine before its window adapts), deciding admission with Larder's own
 * {@link FrequencySketch}. Comparing it with the real {@code w-tinylfu} (which samples instead of
 * keeping lists, so that its state lives in the entry headers) separates what the sketch costs from
 * what sampling costs.
 *
 * <p>On each access the key's frequency is incremented. A hit in the window or protected moves the
 * key to its list's most recent end; a hit in probation promotes it to protected, whose least
 * recent entry is demoted to probation's most recent end when protected is over its share. A miss
 * enters the window; the window's least recent entry, once the window is over its share, goes to
 * probation if main has room, else it meets probation's least recent entry (protected's if
 * probation is empty) and is admitted only if its estimated frequency is higher, or, as in
 * Caffeine, by a 1-in-128 chance when it is at least 6 (against hash flooding).
 */
final class ExactWTinyLfu {
    private static final double WINDOW_SHARE = 0.01;
    private static final double PROTECTED_SHARE = 0.80;
    private static final int WARM = 6;
    private static final int JITTER = 128;

    private ExactWTinyLfu() {
    }

    /**
     * @param trace keys in access order
     * @param n     capacity in entries
     * @param seed  seed of the anti-flooding coin
     * @return the hit ratio
     */
    static Result replay(final long[] trace, final int n, final long seed) {
        final FrequencySketch sketch = new FrequencySketch(Math.max(64, n));
        final int windowMax = Math.max(1, (int) (n * WINDOW_SHARE));
        final int mainMax = Math.max(1, n - windowMax);
        final int protectedMax = (int) (mainMax * PROTECTED_SHARE);
        final Map<Long, Boolean> window = lru();
        final Map<Long, Boolean> probation = lru();
        final Map<Long, Boolean> protectedList = lru();
        final SplittableRandom coin = new SplittableRandom(seed);
        long hits = 0;
        long admitted = 0;
        long rejected = 0;
        for (final long k : trace) {
            final Long key = k;
            final long hash = Hashing.mix(k);
            sketch.increment(hash);
            if (window.get(key) != null || protectedList.get(key) != null) {
                hits++; // get() moved it to its list's most recent end
                continue;
            }
            if (probation.remove(key) != null) {
                hits++;
                protectedList.put(key, Boolean.TRUE);
                if (protectedList.size() > protectedMax) {
                    final Long demoted = eldest(protectedList);
                    protectedList.remove(demoted);
                    probation.put(demoted, Boolean.TRUE);
                }
                continue;
            }
            window.put(key, Boolean.TRUE);
            if (window.size() <= windowMax) {
                continue;
            }
            final Long candidate = eldest(window);
            window.remove(candidate);
            if (probation.size() + protectedList.size() < mainMax) {
                probation.put(candidate, Boolean.TRUE);
                continue;
            }
            final Map<Long, Boolean> victimList = probation.isEmpty() ? protectedList : probation;
            final Long victim = eldest(victimList);
            final int candidateFrequency = sketch.frequency(hash(candidate));
            if (candidateFrequency > sketch.frequency(hash(victim))
                || (candidateFrequency >= WARM && coin.nextInt(JITTER) == 0)) {
                victimList.remove(victim);
                probation.put(candidate, Boolean.TRUE);
                admitted++;
            } else {
                rejected++;
            }
        }
        return new Result(hits, trace.length, "",
            String.format(java.util.Locale.ROOT, "exact lists, window %d, probation %d, protected %d at end; "
                + "contests won by the candidate %,d, lost %,d", window.size(), probation.size(), protectedList.size(),
                admitted, rejected));
    }

    private static long hash(final Long key) {
        return Hashing.mix(key);
    }

    private static Map<Long, Boolean> lru() {
        return new LinkedHashMap<>(64, 0.75f, true);
    }

    private static Long eldest(final Map<Long, Boolean> list) {
        return list.keySet().iterator().next();
    }
}
