package dev.larder.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.junit.jupiter.api.Test;

/**
 * {@link PolicyCostBenchmark}'s pairing of iterations, and a short real run of it (a smoke test:
 * throughput is printed, never asserted).
 */
class PolicyCostBenchmarkTest {

    @Test
    void afterAnEvenWarmUpEveryTwoMeasuredIterationsAreOneOfEachStore() {
        for (int warmup = 0; warmup <= 10; warmup += 2) {
            for (int k = 0; k < 40; k += 2) {
                final int a = PolicyCostBenchmark.storeOf(warmup + k);
                final int b = PolicyCostBenchmark.storeOf(warmup + k + 1);
                assertThat(a + b).as("warm-up %d, pair at %d", warmup, k).isEqualTo(1);
            }
        }
        assertThat(new int[] {PolicyCostBenchmark.storeOf(0), PolicyCostBenchmark.storeOf(1),
            PolicyCostBenchmark.storeOf(2), PolicyCostBenchmark.storeOf(3)}).containsExactly(0, 1, 1, 0);
    }

    @Test
    void aShortRunMeasuresBothOrdersWithPairedIterations() throws Exception {
        final Options opts = new OptionsBuilder()
            .include(PolicyCostBenchmark.class.getName() + "\\.get1t$")
            .param("entries", "20000")
            .forks(1)
            .warmupIterations(2)
            .warmupTime(TimeValue.milliseconds(300))
            .measurementIterations(4)
            .measurementTime(TimeValue.milliseconds(300))
            .shouldFailOnError(true)
            .build();
        final Collection<RunResult> results = new Runner(opts).run();
        final Set<String> orders = new HashSet<>();
        for (final RunResult r : results) {
            orders.add(r.getParams().getParam("stores"));
            for (final BenchmarkResult fork : r.getBenchmarkResults()) {
                final Collection<IterationResult> iterations = fork.getIterationResults();
                assertThat(iterations).hasSize(4);
                for (final IterationResult it : iterations) {
                    assertThat(it.getPrimaryResult().getScore()).isPositive();
                }
            }
            System.out.printf("policy cost smoke run: %s %.0f ops/s (not asserted)%n",
                r.getParams().getParam("stores"), r.getPrimaryResult().getScore());
        }
        assertThat(orders).containsExactlyInAnyOrder("larder+noeviction/larder+full", "larder+full/larder+noeviction");
    }
}
