package dev.larder.jmh;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.agrona.UnsafeApi;
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
 * What one cache miss costs on the machine: the floor under every store's read of a cold key.
 *
 * <p>{@code dependent} follows a random cycle through {@code megabytes} of native memory, one
 * 64-byte line per step, so each load's address comes from the previous load and no two misses
 * overlap: the time per operation is the full latency of a miss (cache and TLB). {@code independent}
 * reads the same lines in an order computed from the loop counter, so the processor can overlap
 * many misses: the time per operation is what memory-level parallelism leaves of it.
 *
 * <p>A read of a key that is not in the processor's caches costs, for Larder, a chain of dependent
 * misses: the caller's key (the benchmark's {@code byte[]}), the index slot, the entry's header
 * and then its value. The peers pay a chain of the same kind. Dividing a store's time per read by
 * {@code dependent} gives the number of misses it waits for one after another.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {Jvm.LARDER})
public class MemoryLatency {
    private static final int LINE = 64;

    /** Native memory walked, in MiB (well above the last-level cache). */
    @Param("256")
    public int megabytes;

    private long address;
    private long lines;
    private long cursor;
    private long counter;

    /** Allocates the memory and links its lines into one random cycle. */
    @Setup(Level.Trial)
    public void setUp() {
        lines = ((long) megabytes << 20) / LINE;
        address = UnsafeApi.allocateMemory(lines * LINE);
        final int[] order = new int[(int) lines];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        final SplittableRandom rnd = new SplittableRandom(42);
        for (int i = order.length - 1; i > 0; i--) {
            final int j = rnd.nextInt(i + 1);
            final int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        for (int i = 0; i < order.length; i++) {
            final long from = address + (long) order[i] * LINE;
            final long to = address + (long) order[(i + 1) % order.length] * LINE;
            UnsafeApi.putLong(from, to);
        }
        cursor = address + (long) order[0] * LINE;
    }

    /** Frees the memory. */
    @TearDown(Level.Trial)
    public void tearDown() {
        UnsafeApi.freeMemory(address);
    }

    /** @return the next line's address (one full miss per call) */
    @Benchmark
    public long dependent() {
        cursor = UnsafeApi.getLong(cursor);
        return cursor;
    }

    /** @return a line's content, at an address that does not depend on the previous load */
    @Benchmark
    public long independent() {
        final long line = ((++counter) * 0x9E37_79B9_7F4A_7C15L >>> 20) % lines;
        return UnsafeApi.getLong(address + line * LINE);
    }
}
