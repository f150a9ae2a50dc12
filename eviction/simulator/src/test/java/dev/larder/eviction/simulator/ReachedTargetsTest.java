package dev.larder.eviction.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.eviction.EvictionPolicies;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The issue-3 targets that w-tinylfu reaches today, run in CI so they cannot regress silently.
 * The bounds are the issue's own; cells reached by less than half a point (which the policy's
 * random seeds can flip) and the cells not reached yet are left to {@link IssueTargetsTest}, which
 * runs with {@code -Ptargets} and is reported in eviction/RESULTS.md.
 */
class ReachedTargetsTest {

    private static Result wTinyLfuPure(final long[] trace, final int n) {
        return Replays.pure(EvictionPolicies.wTinyLfu(), trace, n, 1);
    }

    @Test
    void loopAt512WTinyLfuKeepsAbove40PercentWhereLruGetsZero() {
        final long[] loop = TestTraces.load("loop.trace.gz");
        assertThat(Replays.exactLru(loop, 512).hits()).isZero();
        final Result r = wTinyLfuPure(loop, 512);
        assertThat(r.percent()).as("w-tinylfu (pure) on loop.trace.gz at N = 512, %%; %s", r.detail()).isGreaterThan(40.0);
    }

    @ParameterizedTest(name = "{0} at {1} of distinct keys")
    @CsvSource({"2_pools.trace.gz, 0.10", "2_pools.trace.gz, 0.25", "2_pools.trace.gz, 0.50",
        "sprite.trace.gz, 0.10", "sprite.trace.gz, 0.25", "sprite.trace.gz, 0.50", "loop.trace.gz, 0.50"})
    void wTinyLfuAtLeastCaffeineMinusOnePoint(final String name, final double share) {
        final long[] trace = TestTraces.load(name);
        final int n = TestTraces.capacity(name, share);
        final Result w = wTinyLfuPure(trace, n);
        final Result caffeine = Replays.caffeine(trace, n);
        assertThat(w.percent())
            .as("w-tinylfu (pure) vs caffeine on %s at N = %d: %.2f%% vs %.2f%%; %s", name, n, w.percent(),
                caffeine.percent(), w.detail())
            .isGreaterThanOrEqualTo(caffeine.percent() - 1.0);
    }

    @ParameterizedTest(name = "sprite at {0} of distinct keys, 1 thread")
    @CsvSource({"0.10", "0.25", "0.50"})
    void inStoreWTinyLfuWithin2PointsOfPure(final double share) {
        final String name = "sprite.trace.gz";
        final long[] trace = TestTraces.load(name);
        final int n = TestTraces.capacity(name, share);
        final Result pure = wTinyLfuPure(trace, n);
        final Result store = Replays.inStore(EvictionPolicies::wTinyLfu, trace, n, 1);
        assertThat(store.percent())
            .as("w-tinylfu in-store vs pure on %s at N = %d: %.2f%% vs %.2f%%; store: %s %s", name, n,
                store.percent(), pure.percent(), store.note(), store.detail())
            .isBetween(pure.percent() - 2.0, pure.percent() + 2.0);
    }
}
