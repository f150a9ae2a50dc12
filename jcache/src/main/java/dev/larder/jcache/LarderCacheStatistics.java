package dev.larder.jcache;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import javax.cache.management.CacheStatisticsMXBean;

/**
 * A cache's JSR-107 statistics, registered in the platform MBean server as
 * {@code javax.cache:type=CacheStatistics,CacheManager=<uri>,Cache=<name>} while statistics are
 * enabled. Counting follows JSR-107: a read that finds a live entry is a hit, otherwise a miss;
 * conditional operations count a hit or a miss for the lookup they make; expired entries count
 * neither as removals nor as evictions. Evictions are the entries Larder removed to stay under
 * its memory budget. Average times are in microseconds.
 */
public final class LarderCacheStatistics implements CacheStatisticsMXBean {

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder removals = new LongAdder();
    private final LongAdder getNanos = new LongAdder();
    private final LongAdder putNanos = new LongAdder();
    private final LongAdder removeNanos = new LongAdder();
    private final LongSupplier evictionSource;
    private volatile long evictionBaseline;

    LarderCacheStatistics(final LongSupplier evictionSource) {
        this.evictionSource = evictionSource;
        this.evictionBaseline = evictionSource.getAsLong();
    }

    void hit() {
        hits.increment();
    }

    void hits(final long n) {
        hits.add(n);
    }

    void miss() {
        misses.increment();
    }

    void misses(final long n) {
        misses.add(n);
    }

    void put() {
        puts.increment();
    }

    void puts(final long n) {
        puts.add(n);
    }

    void removal() {
        removals.increment();
    }

    void removals(final long n) {
        removals.add(n);
    }

    void getTime(final long nanos) {
        getNanos.add(nanos);
    }

    void putTime(final long nanos) {
        putNanos.add(nanos);
    }

    void removeTime(final long nanos) {
        removeNanos.add(nanos);
    }

    @Override
    public void clear() {
        hits.reset();
        misses.reset();
        puts.reset();
        removals.reset();
        getNanos.reset();
        putNanos.reset();
        removeNanos.reset();
        evictionBaseline = evictionSource.getAsLong();
    }

    @Override
    public long getCacheHits() {
        return hits.sum();
    }

    @Override
    public float getCacheHitPercentage() {
        final long gets = getCacheGets();
        return gets == 0 ? 0f : (float) getCacheHits() / gets * 100f;
    }

    @Override
    public long getCacheMisses() {
        return misses.sum();
    }

    @Override
    public float getCacheMissPercentage() {
        final long gets = getCacheGets();
        return gets == 0 ? 0f : (float) getCacheMisses() / gets * 100f;
    }

    @Override
    public long getCacheGets() {
        return hits.sum() + misses.sum();
    }

    @Override
    public long getCachePuts() {
        return puts.sum();
    }

    @Override
    public long getCacheRemovals() {
        return removals.sum();
    }

    @Override
    public long getCacheEvictions() {
        return Math.max(0, evictionSource.getAsLong() - evictionBaseline);
    }

    @Override
    public float getAverageGetTime() {
        return average(getNanos.sum(), getCacheGets());
    }

    @Override
    public float getAveragePutTime() {
        return average(putNanos.sum(), getCachePuts());
    }

    @Override
    public float getAverageRemoveTime() {
        return average(removeNanos.sum(), getCacheRemovals());
    }

    private static float average(final long nanos, final long count) {
        return count == 0 ? 0f : (float) nanos / count / 1_000f;
    }
}
