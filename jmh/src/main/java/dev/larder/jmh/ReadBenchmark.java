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
 * Reads: {@code get} (100% reads) and {@code mix} (75% reads, 25% overwrites), 1 and 2 threads,
 * over {@code entries} prefilled 16-byte keys with 100-byte values, keys drawn from a Zipfian
 * distribution (exponent 0.99, hot keys scattered). Every read must hit: a miss fails the run.
 *
 * <p>{@code larder} reads with the copying {@code Cache.get}; {@code larder-zerocopy} with
 * {@code Cache.read(key, reader)}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    Jvm.LARDER, Jvm.CM_1, Jvm.CM_2, Jvm.CM_3, Jvm.CM_4, Jvm.CM_5, Jvm.CM_6, Jvm.CM_7, Jvm.CM_8, Jvm.CM_9,
    Jvm.CM_QUIET_1, Jvm.CM_QUIET_2, Jvm.XMS, Jvm.XMX, Jvm.DIRECT})
public class ReadBenchmark {

    /** Which store. */
    @Param({Stores.LARDER, Stores.LARDER_ZERO_COPY, Stores.CAFFEINE, Stores.CHM, Stores.OHC, Stores.CHRONICLE,
        Stores.EHCACHE})
    public String store;

    /** Prefilled entries (the CI allocation check uses fewer). */
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
     * Frees the store. (No re-check of every key here: JMH runs trial tear-downs inside the last
     * measurement iteration, so the allocation of a million copying reads would be charged to the
     * benchmark by {@code -prof gc}. Each thread counts its misses instead, see {@link Ops}.)
     */
    @TearDown(Level.Trial)
    public void tearDown() {
        cache.close();
    }

    /** A thread's precomputed Zipfian key ids and write flags. */
    @State(Scope.Thread)
    public static class Ops {
        int[] ids;
        boolean[] writes;
        int pos;
        long misses;

        /**
         * @param bench the benchmark (its workload)
         * @param tp    thread index, for a distinct seed per thread
         */
        @Setup(Level.Trial)
        public void setUp(final ReadBenchmark bench, final ThreadParams tp) {
            final long seed = 0x2545F4914F6CDD1DL * (tp.getThreadIndex() + 1);
            ids = bench.workload.zipfSequence(seed);
            writes = Workload.writeFlags(~seed, 0.25);
        }

        /** Fails the benchmark if any measured read missed: it would have measured something else. */
        @TearDown(Level.Trial)
        public void checkNoMisses() {
            if (misses != 0) {
                throw new IllegalStateException(misses + " reads missed: the store lost entries during the run");
            }
        }
    }

    private Object get(final Ops ops) {
        final Object v = cache.get(ops.ids[ops.pos++ & Workload.SAMPLE_MASK]);
        if (v == null) {
            ops.misses++;
        }
        return v;
    }

    private Object mix(final Ops ops) {
        final int p = ops.pos++ & Workload.SAMPLE_MASK;
        final int id = ops.ids[p];
        if (ops.writes[p]) {
            cache.put(id, workload.values[p & (Workload.VALUE_VARIANTS - 1)]);
            return null;
        }
        final Object v = cache.get(id);
        if (v == null) {
            ops.misses++;
        }
        return v;
    }

    /** @param ops thread state @return the value read */
    @Benchmark
    @Threads(1)
    public Object get1t(final Ops ops) {
        return get(ops);
    }

    /** @param ops thread state @return the value read */
    @Benchmark
    @Threads(2)
    public Object get2t(final Ops ops) {
        return get(ops);
    }

    /** @param ops thread state @return the value read, or null after a write */
    @Benchmark
    @Threads(1)
    public Object mix1t(final Ops ops) {
        return mix(ops);
    }

    /** @param ops thread state @return the value read, or null after a write */
    @Benchmark
    @Threads(2)
    public Object mix2t(final Ops ops) {
        return mix(ops);
    }
}
