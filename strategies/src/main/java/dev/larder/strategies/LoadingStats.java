package dev.larder.strategies;

/**
 * Counters of a {@link LoadingCache} since it was built. Hits are not counted here (that would
 * cost every hit an extra shared write): read them from the underlying cache's
 * {@link dev.larder.core.Cache#stats()}.
 *
 * @param misses          lookups that found neither a value nor a negative entry
 * @param loads           loader calls that returned (a value or "absent"); a {@code loadAll} counts once per key
 * @param loadFailures    loader calls that threw (each waiter of a failed flight is not counted again)
 * @param loadMillis      total time spent in successful loader calls, by the loading cache's clock
 * @param coalescedWaits  lookups that waited for another thread's load of the same key instead of loading
 * @param timeouts        waits that gave up after {@code loadTimeout}
 * @param negativeHits    lookups answered "absent" by a negative entry, without the loader
 * @param refreshes       asynchronous reloads started by {@code refreshAfterWrite}
 * @param earlyReloads    synchronous reloads started early by the XFetch rule
 * @param refreshFailures refreshes and early reloads whose loader threw; the old value was kept
 */
public record LoadingStats(long misses, long loads, long loadFailures, long loadMillis, long coalescedWaits,
                           long timeouts, long negativeHits, long refreshes, long earlyReloads,
                           long refreshFailures) {
}
