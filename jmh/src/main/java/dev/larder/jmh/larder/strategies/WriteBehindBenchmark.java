package dev.larder.jmh.larder.strategies;

import dev.larder.core.Cache;
import dev.larder.core.Codecs;
import dev.larder.core.Larder;
import dev.larder.jmh.Jvm;
import dev.larder.strategies.CacheWriter;
import dev.larder.strategies.WriteBehindCache;
import dev.larder.strategies.WriteBehindStats;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Write-behind throughput: {@code WriteBehindCache.put} (cache write + queueing, with the
 * write-behind thread draining batches of 1,000 into a store of record that only counts) against a
 * plain {@code Cache.put} of the same keys. Keys cycle through {@code keys} distinct values in a
 * fixed pseudo-random order, so writes of a key still queued coalesce.
 *
 * <p>The store of record here costs nothing, so this measures the strategy's own overhead and the
 * rate at which the single write-behind thread keeps up; with a real database the writer, not the
 * queue, is the limit. Policy {@code BLOCK}: when the drain falls behind, producers wait, and that
 * waiting is part of the measured time. The tear-down flushes and checks that every queued
 * operation reached the writer.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Jvm.LARDER, Jvm.XMS, Jvm.XMX})
public class WriteBehindBenchmark {

    /** Distinct keys written. */
    @Param("100000")
    public int keys;

    private Larder larder;
    private Cache<Long, String> plain;
    private Cache<Long, String> behindCache;
    private WriteBehindCache<Long, String> behind;
    private final LongAdder applied = new LongAdder();
    private Long[] order;
    private int mask;
    private String value;

    /** Per-thread position in the key order. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    /** Two caches (plain and write-behind) and the key order. */
    @Setup(Level.Trial)
    public void setUp() {
        larder = Larder.builder().maxMemory(512L << 20).build();
        plain = larder.cache("plain", Codecs.int64(), Codecs.utf8());
        behindCache = larder.cache("behind", Codecs.int64(), Codecs.utf8());
        value = "v".repeat(100);
        final int size = Integer.highestOneBit(keys) << 1;
        order = new Long[size];
        mask = size - 1;
        long x = 0x2545F4914F6CDD1DL;
        for (int i = 0; i < size; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            order[i] = Math.floorMod(x, (long) keys);
        }
        final CacheWriter<Long, String> countingStore = new CacheWriter<>() {
            @Override
            public void write(final Long key, final String v) {
                applied.increment();
            }

            @Override
            public void writeAll(final Collection<Map.Entry<Long, String>> entries) {
                applied.add(entries.size());
            }

            @Override
            public void delete(final Long key) {
                applied.increment();
            }
        };
        behind = WriteBehindCache.builder(behindCache, countingStore).batchSize(1_000)
            .maxDelay(Duration.ofMillis(50)).queueCapacity(65_536).build();
    }

    /** Flushes, checks that every queued operation was written, and frees everything. */
    @TearDown(Level.Trial)
    public void tearDown() {
        behind.close();
        final WriteBehindStats stats = behind.stats();
        larder.close();
        if (stats.written() != stats.enqueued() || applied.sum() != stats.enqueued()) {
            throw new IllegalStateException("write-behind lost operations: " + stats + ", writer saw " + applied.sum());
        }
        System.out.println("write-behind stats: " + stats);
    }

    /** Baseline: a plain cache put. */
    @Benchmark
    public void plainPut(final Cursor cursor) {
        plain.put(order[cursor.next++ & mask], value);
    }

    /** Write-behind put: cache write, queue or coalesce, background drain. */
    @Benchmark
    public void writeBehindPut(final Cursor cursor) {
        behind.put(order[cursor.next++ & mask], value);
    }
}
