package dev.larder.jmh;

import dev.larder.core.Cache;
import dev.larder.core.CacheOptions;
import dev.larder.core.Codecs;
import dev.larder.core.Larder;
import java.util.SplittableRandom;
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
 * Writes into a full Larder: the cost of eviction on the write path. {@code maxEntries} is half of
 * {@code keys} 16-byte keys; the cache is prefilled with the first half, then {@code put} writes a
 * uniformly chosen key (100-byte value), so about half the writes overwrite and half insert a new
 * key, each insert evicting one entry through the policy (its contests, queues and sampling). Larder
 * only: the off-heap peers bound memory in bytes with policies of their own, or do not evict.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {
    Jvm.LARDER, Jvm.CM_1, Jvm.CM_2, Jvm.CM_3, Jvm.CM_4, Jvm.CM_5, Jvm.CM_6, Jvm.CM_7, Jvm.CM_8, Jvm.CM_9,
    Jvm.CM_QUIET_1, Jvm.CM_QUIET_2, Jvm.XMS, Jvm.XMX, Jvm.DIRECT})
public class EvictingPutBenchmark {

    /** The eviction policy. */
    @Param({"w-tinylfu", "allkeys-lru"})
    public String policy;

    /** Distinct keys written; the cache holds half of them. */
    @Param("1000000")
    public int keys;

    Workload workload;
    Larder larder;
    Cache<byte[], byte[]> cache;

    /** Builds the Larder and fills it to its entry bound. */
    @Setup(Level.Trial)
    public void setUp() {
        workload = Workload.get(keys);
        larder = Larder.builder().maxMemory(Workload.BUDGET).maxEntries(keys / 2).evictionPolicy(policy).build();
        cache = larder.cache("bench", Codecs.bytes(), Codecs.bytes(), CacheOptions.defaults());
        for (int i = 0; i < keys / 2; i++) {
            cache.put(workload.keys[i], workload.values[i & (Workload.VALUE_VARIANTS - 1)]);
        }
    }

    /** Checks the bound held (eviction kept up), then frees the native memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            final long size = cache.size();
            if (size > keys / 2) {
                throw new IllegalStateException(policy + ": " + size + " entries after the run, bound " + keys / 2);
            }
        } finally {
            larder.close();
        }
    }

    /** A thread's precomputed uniform key ids. */
    @State(Scope.Thread)
    public static class Ops {
        int[] ids;
        int pos;

        /**
         * @param bench the benchmark (its key count)
         * @param tp    thread index, for a distinct seed per thread
         */
        @Setup(Level.Trial)
        public void setUp(final EvictingPutBenchmark bench, final ThreadParams tp) {
            final SplittableRandom random = new SplittableRandom(0x5DEECE66DL * (tp.getThreadIndex() + 1));
            ids = new int[Workload.SAMPLES];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = random.nextInt(bench.keys);
            }
        }
    }

    private void put(final Ops ops) {
        final int p = ops.pos++ & Workload.SAMPLE_MASK;
        cache.put(workload.keys[ops.ids[p]], workload.values[p & (Workload.VALUE_VARIANTS - 1)]);
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
