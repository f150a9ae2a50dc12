package dev.larder.eviction;

/**
 * Redis-style eviction by sampling: of a few random entries, evict the one the policy scores
 * highest. Expired entries are always taken first.
 */
final class Sampling {
    private static final ThreadLocal<Candidates> BUFFER = ThreadLocal.withInitial(() -> new Candidates(64));

    private Sampling() {
    }

    static Candidates buffer() {
        return BUFFER.get();
    }

    /** Evicts the best-scored of {@code policy.sampleSize()} sampled entries. */
    static boolean evictBest(final EvictionPolicy policy, final Population population, final long tick) {
        final Candidates c = BUFFER.get();
        for (int attempt = 0; attempt < 4; attempt++) {
            c.count = 0;
            population.sample(c, Math.min(policy.sampleSize(), c.handles.length));
            int best = -1;
            long bestScore = EvictionPolicy.NOT_EVICTABLE;
            for (int k = 0; k < c.count; k++) {
                final long score = c.remainingTtlMs[k] == 0 ? Long.MAX_VALUE
                    : policy.score(c.access[k], c.remainingTtlMs[k], tick);
                if (score > bestScore) {
                    bestScore = score;
                    best = k;
                }
            }
            if (best < 0) {
                return false;
            }
            if (population.evict(c.handles[best])) {
                return true;
            }
            // the victim changed under us (written, pinned or gone): sample again
        }
        return true; // candidates existed but were busy; the caller retries
    }
}
