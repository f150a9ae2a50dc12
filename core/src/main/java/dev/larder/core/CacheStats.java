package dev.larder.core;

/**
 * A point-in-time snapshot of counters. Per cache from {@link Cache#stats()}, summed over all
 * caches from {@link Larder#stats()} (which also fills the memory figures).
 *
 * @param hits          reads that found a value
 * @param misses        reads that found nothing
 * @param puts          values stored
 * @param removals      entries removed by callers
 * @param evictions     entries removed to make room
 * @param expirations   entries removed because their time to live ran out
 * @param entries       entries currently held (expired ones not yet reclaimed included)
 * @param memoryUsed    native bytes held by the Larder (all caches; 0 in a per-cache snapshot)
 * @param memoryLimit   the Larder's budget in bytes (0 in a per-cache snapshot)
 */
public record CacheStats(long hits, long misses, long puts, long removals, long evictions, long expirations,
                         long entries, long memoryUsed, long memoryLimit) {

    /** @return hits / (hits + misses), or 1.0 when there were no reads (as Caffeine) */
    public double hitRatio() {
        final long requests = hits + misses;
        return requests == 0 ? 1.0 : (double) hits / requests;
    }

    /**
     * @param other another snapshot
     * @return the element-wise sum (memory figures of {@code this} kept)
     */
    public CacheStats plus(final CacheStats other) {
        return new CacheStats(hits + other.hits, misses + other.misses, puts + other.puts,
            removals + other.removals, evictions + other.evictions, expirations + other.expirations,
            entries + other.entries, memoryUsed, memoryLimit);
    }
}
