package dev.larder.eviction.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.eviction.EvictionPolicies;
import dev.larder.eviction.EvictionPolicy;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hit-ratio targets of issue 3, checked on the committed traces, in every build. These are the
 * issue's numbers: a failure here is a finding about the policy, not a bound to loosen.
 *
 * <p>The pure replays are deterministic: the policy is seeded (seed 1), and Caffeine's replay gives
 * the same figure every run (ten runs agree to the hundredth, eviction/RESULTS.md). So a cell met by
 * a small margin is not a flaky test. The in-store replays are not deterministic (the store samples
 * at random, and threads interleave as they will); see {@link #STORE_RUNS}.
 */
class IssueTargetsTest {
    private static final String[] TRACES = {"multi1.trace.gz", "sprite.trace.gz", "loop.trace.gz", "2_pools.trace.gz"};
    private static final double[] SHARES = {0.10, 0.25, 0.50};

    private static Result wTinyLfuPure(final long[] trace, final int n) {
        return wTinyLfuPure(trace, n, 1);
    }

    /** @return the pure replay of w-tinylfu seeded with {@code seed}, in a model seeded alike */
    private static Result wTinyLfuPure(final long[] trace, final int n, final long seed) {
        return Replays.pure(wTinyLfuSeeded(seed), trace, n, seed);
    }

    /** @return w-tinylfu seeded with {@code seed} (the targets use 1; the in-store check 1 to {@link #STORE_RUNS}) */
    private static EvictionPolicy wTinyLfuSeeded(final long seed) {
        return EvictionPolicies.wTinyLfu(EvictionPolicies.DEFAULT_SAMPLES, seed);
    }

    @Test
    void loopAt512LruGetsZero() {
        final long[] loop = TestTraces.load("loop.trace.gz");
        assertThat(Replays.exactLru(loop, 512).hits()).isZero();
    }

    @Test
    void loopAt512WTinyLfuKeepsAbove40Percent() {
        assertLoopAt512AboveFortyPercent();
    }

    static void assertLoopAt512AboveFortyPercent() {
        final long[] loop = TestTraces.load("loop.trace.gz");
        final Result r = wTinyLfuPure(loop, 512);
        assertThat(r.percent()).as("w-tinylfu (pure) on loop.trace.gz at N = 512, %%; %s", r.detail()).isGreaterThan(40.0);
    }

    /** The issue's second target: above LRU on average over the twelve cells (exact LRU, as the simulator's lru-exact). */
    @Test
    void wTinyLfuIsAboveLruOnAverage() {
        double wTinyLfu = 0;
        double lru = 0;
        int cells = 0;
        for (final String name : TRACES) {
            final long[] trace = TestTraces.load(name);
            for (final double share : SHARES) {
                final int n = TestTraces.capacity(name, share);
                wTinyLfu += wTinyLfuPure(trace, n).percent();
                lru += Replays.exactLru(trace, n).percent();
                cells++;
            }
        }
        assertThat(cells).isEqualTo(12);
        assertThat(wTinyLfu / cells).as("mean hit ratio over the 12 cells, %%: w-tinylfu against LRU (%.2f)", lru / cells)
            .isGreaterThan(lru / cells);
    }

    static Stream<Arguments> storeCases() {
        final Stream.Builder<Arguments> b = Stream.builder();
        for (final String t : TRACES) {
            for (final double share : SHARES) {
                for (final int threads : new int[] {1, 2}) {
                    b.add(Arguments.of(t, share, threads));
                }
            }
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0} at {1} of distinct keys, {2} thread(s)")
    @MethodSource("storeCases")
    void inStoreWTinyLfuWithin2PointsOfPure(final String name, final double share, final int threads) {
        assertInStoreWithin2PointsOfPure(name, share, threads);
    }

    /**
     * Seeds 1 to this many: the in-store check compares the mean of as many in-store replays with
     * the mean of as many pure ones. One replay of a small cache moves by a point or two with its
     * seed and, in the store, with the store's own sampling (loop at 10%, N = 101: in-store replays
     * of seed 1 gave 6.35 to 8.75 against pure's 6.71), so one against one tested the spread of two
     * samples rather than whether the store changes the policy's hit ratio.
     */
    static final int STORE_RUNS = 3;

    static void assertInStoreWithin2PointsOfPure(final String name, final double share, final int threads) {
        final long[] trace = TestTraces.load(name);
        final int n = TestTraces.capacity(name, share);
        double pure = 0;
        double store = 0;
        final StringBuilder runs = new StringBuilder();
        for (int seed = 1; seed <= STORE_RUNS; seed++) {
            final long s = seed;
            // the same seeded policy in both replays: the comparison measures the store, not the
            // spread between two random sketch seeds (a few points on sprite at 10%, see eviction/RESULTS.md)
            final Result p = wTinyLfuPure(trace, n, s);
            final Result st = Replays.inStore(() -> wTinyLfuSeeded(s), trace, n, threads);
            pure += p.percent() / STORE_RUNS;
            store += st.percent() / STORE_RUNS;
            runs.append(String.format("%n  seed %d: pure %.2f%%, store %.2f%% %s %s", s, p.percent(), st.percent(),
                st.note(), st.detail()));
        }
        assertThat(store)
            .as("w-tinylfu in-store (%d thread(s)) vs pure on %s at N = %d, means of %d seeds: %.2f%% vs %.2f%%%s",
                threads, name, n, STORE_RUNS, store, pure, runs)
            .isBetween(pure - 2.0, pure + 2.0);
    }

    static Stream<Arguments> caffeineCases() {
        final Stream.Builder<Arguments> b = Stream.builder();
        for (final String t : TRACES) {
            for (final double share : SHARES) {
                b.add(Arguments.of(t, share));
            }
        }
        return b.build();
    }

    /** The issue's headline target. */
    @ParameterizedTest(name = "{0} at {1} of distinct keys")
    @MethodSource("caffeineCases")
    void wTinyLfuAtLeastCaffeineMinusOnePoint(final String name, final double share) {
        assertAtLeastCaffeineMinusOnePoint(name, share);
    }

    static void assertAtLeastCaffeineMinusOnePoint(final String name, final double share) {
        final long[] trace = TestTraces.load(name);
        final int n = TestTraces.capacity(name, share);
        final Result w = wTinyLfuPure(trace, n);
        final Result caffeine = Replays.caffeine(trace, n);
        assertThat(w.percent())
            .as("w-tinylfu (pure) vs caffeine on %s at N = %d: %.2f%% vs %.2f%%; %s", name, n, w.percent(),
                caffeine.percent(), w.detail())
            .isGreaterThanOrEqualTo(caffeine.percent() - 1.0);
    }
}
