package dev.larder.jmh.larder.strategies;

import dev.larder.core.Cache;
import dev.larder.core.Codecs;
import dev.larder.core.Larder;
import dev.larder.jmh.Jvm;
import dev.larder.strategies.CacheLoader;
import dev.larder.strategies.LoadingCache;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of the strategies layer on a hit: {@code LoadingCache.getOrLoad} (and {@code get} with
 * the configured loader) against a plain {@code Cache.get} of the same keys, all present. The
 * target is at most 10% more time per call than the plain get.
 *
 * <p>{@code entries} prefilled {@code Long} keys with 100-byte string values; each call reads the
 * next key of a fixed shuffled order (boxed keys precomputed, so no boxing in the loop). A
 * loader call would mean a miss: the tear-down fails the run if the loader ran at all.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {Jvm.LARDER, Jvm.XMS, Jvm.XMX})
public class GetOrLoadBenchmark {

    /** Prefilled entries. */
    @Param("100000")
    public int entries;

    private Larder larder;
    private Cache<Long, String> cache;
    private LoadingCache<Long, String> loading;
    private CacheLoader<Long, String> loader;
    private Long[] keys;
    private int mask;
    private volatile long loaderCalls;

    /** Per-thread position in the key order. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    /** Builds and prefills the cache; the key order is a fixed pseudo-random permutation. */
    @Setup(Level.Trial)
    public void setUp() {
        larder = Larder.builder().maxMemory(256L << 20).build();
        cache = larder.cache("bench", Codecs.int64(), Codecs.utf8());
        final String value = "v".repeat(100);
        final int size = Integer.highestOneBit(entries);
        keys = new Long[size];
        mask = size - 1;
        long x = 0x9E3779B97F4A7C15L;
        for (int i = 0; i < size; i++) {
            x ^= x << 13;
            x ^= x >>> 7;
            x ^= x << 17;
            keys[i] = Math.floorMod(x, (long) entries);
        }
        for (long k = 0; k < entries; k++) {
            cache.put(k, value);
        }
        loader = key -> {
            loaderCalls++;
            return value;
        };
        loading = LoadingCache.builder(cache).loader(loader).build();
    }

    /** Fails the run if any call missed (the comparison would be meaningless). */
    @TearDown(Level.Trial)
    public void tearDown() {
        final long calls = loaderCalls;
        larder.close();
        if (calls != 0) {
            throw new IllegalStateException("the loader ran " + calls + " times: not every call was a hit");
        }
    }

    /** @return a plain cache read, the baseline */
    @Benchmark
    public String plainGet(final Cursor cursor) {
        return cache.get(keys[cursor.next++ & mask]);
    }

    /** @return {@code getOrLoad} with a per-call loader, on a hit */
    @Benchmark
    public String getOrLoad(final Cursor cursor) {
        return loading.getOrLoad(keys[cursor.next++ & mask], loader);
    }

    /** @return {@code get} with the configured loader, on a hit */
    @Benchmark
    public String loadingGet(final Cursor cursor) {
        return loading.get(keys[cursor.next++ & mask]);
    }
}
