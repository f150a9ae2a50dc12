package dev.larder.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Guards Larder's read path against allocation regressions with a short, real JMH run (one
 * forked JVM per store, the benchmark's own JVM flags, {@code -prof gc}): the zero-copy
 * {@code read(key, reader)} must allocate nothing per operation, the copying {@code get} nothing
 * beyond the returned value's byte[], and {@code put} nothing at all.
 *
 * <p>Allocation per operation is deterministic, so these are exact bounds, not timing asserts;
 * the small slack only absorbs JMH's own bookkeeping amortised over millions of operations.
 * Throughput is printed but never asserted.
 */
class LarderAllocationTest {

    /** Bytes of a byte[] header with compressed class pointers (HotSpot default): mark 8 + klass 4 + length 4. */
    private static final int ARRAY_HEADER = 16;
    /** HotSpot's default object alignment. */
    private static final int ALIGNMENT = 8;
    /** JMH bookkeeping spread over millions of operations stays far below one byte per operation. */
    private static final double SLACK = 0.5;

    /** @return the heap size of a byte[{@value Workload#VALUE_SIZE}]: 16 + 100 = 116, aligned to 8: 120 */
    static long valueArrayBytes() {
        final long raw = ARRAY_HEADER + Workload.VALUE_SIZE;
        return (raw + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /**
     * Runs one benchmark method briefly with the GC profiler.
     *
     * @return gc.alloc.rate.norm (B/op) per store
     */
    private static Map<String, Double> allocationPerOp(final String methodRegex, final String... stores)
            throws Exception {
        final Options opts = new OptionsBuilder()
            .include(methodRegex)
            .param("store", stores)
            .param("entries", "20000")
            .forks(1)
            .warmupIterations(2)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(2)
            .measurementTime(TimeValue.seconds(1))
            .addProfiler(GCProfiler.class)
            .shouldFailOnError(true)
            .build();
        final Collection<RunResult> results = new Runner(opts).run();

        final Map<String, Double> norm = new HashMap<>();
        for (final RunResult r : results) {
            final String store = r.getParams().getParam("store");
            final Map<String, Result> secondary = r.getSecondaryResults();
            Result alloc = secondary.get("gc.alloc.rate.norm");
            if (alloc == null) {
                alloc = secondary.get("\u00b7gc.alloc.rate.norm"); // JMH before 1.36 prefixed a middle dot
            }
            assertThat(alloc).as("gc.alloc.rate.norm for %s (secondary results: %s)", store, secondary.keySet())
                .isNotNull();
            norm.put(store, alloc.getScore());
            System.out.printf("allocation check: %s %s: %.3f B/op, %.0f ops/s (not asserted)%n",
                methodRegex, store, alloc.getScore(), r.getPrimaryResult().getScore());
        }
        assertThat(norm).containsOnlyKeys(stores);
        return norm;
    }

    @Test
    void readPathAllocation() throws Exception {
        final Map<String, Double> norm = allocationPerOp(ReadBenchmark.class.getName() + "\\.get1t$",
            Stores.LARDER, Stores.LARDER_ZERO_COPY);
        assertThat(norm.get(Stores.LARDER_ZERO_COPY))
            .as("zero-copy read(key, reader) must allocate nothing (B/op)")
            .isLessThanOrEqualTo(SLACK);
        assertThat(valueArrayBytes()).isEqualTo(120);
        assertThat(norm.get(Stores.LARDER))
            .as("copying get must allocate no more than the value's byte[%d] (%d B) (B/op)",
                Workload.VALUE_SIZE, valueArrayBytes())
            .isLessThanOrEqualTo(valueArrayBytes() + SLACK);
    }

    @Test
    void putAllocatesNothing() throws Exception {
        final Map<String, Double> norm = allocationPerOp(PutBenchmark.class.getName() + "\\.put1t$", Stores.LARDER);
        assertThat(norm.get(Stores.LARDER))
            .as("put of an encoded byte[] value must allocate nothing (B/op)")
            .isLessThanOrEqualTo(SLACK);
    }
}
