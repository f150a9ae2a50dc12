package dev.larder.eviction.simulator;

/**
 * The outcome of one replay.
 *
 * @param hits     accesses that found the key
 * @param accesses accesses replayed
 * @param note     anything the table should flag next to the figure (empty when nothing is odd)
 * @param detail   diagnostics for the optional internals table (may be empty)
 */
public record Result(long hits, long accesses, String note, String detail) {

    /** @return a result with neither note nor detail */
    public static Result of(final long hits, final long accesses) {
        return new Result(hits, accesses, "", "");
    }

    /** @return hits / accesses, 0 for an empty trace */
    public double hitRatio() {
        return accesses == 0 ? 0 : (double) hits / accesses;
    }

    /** @return the hit ratio in percent */
    public double percent() {
        return 100.0 * hitRatio();
    }
}
