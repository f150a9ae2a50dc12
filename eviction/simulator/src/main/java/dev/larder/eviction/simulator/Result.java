package dev.larder.eviction.simulator;

import java.util.List;

/**
 * The outcome of one replay, or of several replays of the same configuration pooled.
 *
 * @param hits     accesses that found the key (summed over the pooled replays)
 * @param accesses accesses replayed (summed over the pooled replays)
 * @param note     anything the table should flag next to the figure (empty when nothing is odd)
 * @param detail   diagnostics for the optional internals table (may be empty)
 * @param runs     how many replays were pooled
 * @param low      the lowest single replay's hit ratio in percent
 * @param high     the highest single replay's hit ratio in percent
 */
public record Result(long hits, long accesses, String note, String detail, int runs, double low, double high) {

    /** One replay. */
    public Result(final long hits, final long accesses, final String note, final String detail) {
        this(hits, accesses, note, detail, 1, percent(hits, accesses), percent(hits, accesses));
    }

    /** @return a result with neither note nor detail */
    public static Result of(final long hits, final long accesses) {
        return new Result(hits, accesses, "", "");
    }

    /**
     * Pools replays of one configuration that differ only in their random seeds: the hit ratio of
     * the pool is the mean over the replays (they have the same length), with the range kept.
     *
     * @param replays one or more results
     * @return the pooled result; notes are joined, the detail is the first replay's
     */
    public static Result pool(final List<Result> replays) {
        if (replays.size() == 1) {
            return replays.get(0);
        }
        long hits = 0;
        long accesses = 0;
        double low = Double.MAX_VALUE;
        double high = -Double.MAX_VALUE;
        final StringBuilder note = new StringBuilder();
        for (final Result r : replays) {
            hits += r.hits;
            accesses += r.accesses;
            low = Math.min(low, r.low);
            high = Math.max(high, r.high);
            if (!r.note.isEmpty() && note.indexOf(r.note) < 0) {
                note.append(note.length() == 0 ? "" : "; ").append(r.note);
            }
        }
        final String detail = replays.get(0).detail.isEmpty() ? ""
            : replays.get(0).detail + " (first of " + replays.size() + " runs)";
        return new Result(hits, accesses, note.toString(), detail, replays.size(), low, high);
    }

    private static double percent(final long hits, final long accesses) {
        return accesses == 0 ? 0 : 100.0 * hits / accesses;
    }

    /** @return hits / accesses, 0 for an empty trace */
    public double hitRatio() {
        return accesses == 0 ? 0 : (double) hits / accesses;
    }

    /** @return the hit ratio in percent */
    public double percent() {
        return percent(hits, accesses);
    }
}
