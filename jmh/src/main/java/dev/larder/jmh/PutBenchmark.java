package dev.larder.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * Writes: {@code put} overwrites a Zipfian-chosen key (exponent 0.99) of {@code entries}
 * prefilled 16-byte keys with one of 8 precomputed 100-byte values; 1 and 2 threads.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    Jvm.LARDER, Jvm.CM_1, Jvm.CM_2, Jvm.CM_3, Jvm.CM_4, Jvm.CM_5, Jvm.CM_6, Jvm.CM_7, Jvm.CM_8, Jvm.CM_9,
    Jvm.CM_QUIET_1, Jvm.CM_QUIET_2, Jvm.XMS, Jvm.XMX, Jvm.DIRECT})
public class PutBenchmark {

    /** Which store ({@code larder-zerocopy} differs from {@code larder} only in reads). */
    @Param({Stores.LARDER, Stores.CAFFEINE, Stores.CHM, Stores.OHC, Stores.CHRONICLE, Stores.EHCACHE})
    public String store;

    /** Prefilled entries. */
    @Param("1000000")
    public int entries;

    StoreAdapter cache;
    Workload workload;

    /** Builds and prefills the store; fails if any key is missing afterwards. */
    @Setup(Level.Trial)
    public void setUp() {
        workload = Workload.get(entries);
        cache = Stores.create(store, workload.keys, entries);
        Stores.prefill(cache, workload);
        Stores.verifyAllPresent(store, cache, workload, "after prefill");
    }

    /**
     * Checks the entry count (overwrites must not evict), then frees the store. Only the count:
     * JMH runs trial tear-downs inside the last measurement iteration, where reading every value
     * back would be charged to {@code put} by {@code -prof gc}. Ehcache is not checked here: its
     * only count is a full iteration. The mix benchmark reads after writes and counts misses.
     */
    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            if (!Stores.EHCACHE.equals(store) && cache.size() != entries) {
                throw new IllegalStateException(store + " holds " + cache.size() + " entries after the run, expected "
                    + entries);
            }
        } finally {
            cache.close();
        }
    }

    /** A thread's precomputed Zipfian key ids. */
    @State(Scope.Thread)
    public static class Ops {
        int[] ids;
        int pos;

        /**
         * @param bench the benchmark (its workload)
         * @param tp    thread index, for a distinct seed per thread
         */
        @Setup(Level.Trial)
        public void setUp(final PutBenchmark bench, final ThreadParams tp) {
            ids = bench.workload.zipfSequence(0x9E3779B97F4A7C15L * (tp.getThreadIndex() + 1));
        }
    }

    private void put(final Ops ops) {
        final int p = ops.pos++ & Workload.SAMPLE_MASK;
        cache.put(ops.ids[p], workload.values[p & (Workload.VALUE_VARIANTS - 1)]);
    }

    /** @param ops thread state */
    @Benchmark
    @Threads(1)
    public void put1t(final Ops ops) {
        put(ops);
    }

    /** @param ops thread state */
    @Benchmark
    @Threads(2)
    public void put2t(final Ops ops) {
        put(ops);
    }
}
