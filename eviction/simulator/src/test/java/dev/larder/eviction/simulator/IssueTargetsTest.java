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
 * The hit-ratio targets of issue 3, checked on the committed traces. These are the issue's
 * numbers: a failure here is a finding about the policy, not a bound to loosen.
 */
class IssueTargetsTest {
    private static final String[] TRACES = {"multi1.trace.gz", "sprite.trace.gz", "loop.trace.gz", "2_pools.trace.gz"};
    private static final double[] SHARES = {0.10, 0.25, 0.50};

    private static Result wTinyLfuPure(final long[] trace, final int n) {
        return Replays.pure(wTinyLfuSeeded(), trace, n, 1);
    }

    /** @return w-tinylfu with the model seed the targets use, 1 */
    private static EvictionPolicy wTinyLfuSeeded() {
        return EvictionPolicies.wTinyLfu(EvictionPolicies.DEFAULT_SAMPLES, 1);
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

    static void assertInStoreWithin2PointsOfPure(final String name, final double share, final int threads) {
        final long[] trace = TestTraces.load(name);
        final int n = TestTraces.capacity(name, share);
        final Result pure = wTinyLfuPure(trace, n);
        // the same seeded policy as the pure replay: the comparison measures the store, not the
        // spread between two random sketch seeds (a few points on sprite at 10%, see eviction/RESULTS.md)
        final Result store = Replays.inStore(IssueTargetsTest::wTinyLfuSeeded, trace, n, threads);
        assertThat(store.percent())
            .as("w-tinylfu in-store (%d thread(s)) vs pure on %s at N = %d: %.2f%% vs %.2f%%; store: %s %s", threads,
                name, n, store.percent(), pure.percent(), store.note(), store.detail())
            .isBetween(pure.percent() - 2.0, pure.percent() + 2.0);
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
