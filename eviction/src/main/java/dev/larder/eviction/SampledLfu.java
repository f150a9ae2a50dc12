package dev.larder.eviction;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Redis's LFU ({@code allkeys-lfu}, {@code volatile-lfu}): a logarithmic 8-bit access counter
 * that decays with time, in the access word.
 *
 * <pre>
 * access word: [ last decrement time: 16 bits, minutes ][ counter: 8 bits ]
 * </pre>
 *
 * A new entry starts at {@link #INITIAL_COUNT} so it is not evicted before it has had a chance to
 * be read. Each access increments the counter with probability
 * {@code 1 / ((counter - INITIAL_COUNT) * logFactor + 1)}, so the counter grows roughly with the
 * logarithm of the access count (with factor 10, about a million hits saturate it). Every
 * {@code decayMinutes} minutes without access take one off the counter. Of the sampled entries,
 * the one with the lowest decayed counter is evicted. (Redis's {@code lfu-log-factor} and
 * {@code lfu-decay-time}, defaults 10 and 1.)
 */
final class SampledLfu implements EvictionPolicy {
    /** Redis's LFU_INIT_VAL. */
    static final int INITIAL_COUNT = 5;
    private static final int MAX_COUNT = 255;
    /** Ticks (16 ms) per minute. */
    private static final long TICKS_PER_MINUTE = 60_000L >> TICK_SHIFT;

    private final int samples;
    private final boolean volatileOnly;
    private final int logFactor;
    private final int decayMinutes;

    SampledLfu(final int samples, final boolean volatileOnly, final int logFactor, final int decayMinutes) {
        this.samples = EvictionPolicies.checkSamples(samples);
        if (logFactor < 0 || decayMinutes < 0) {
            throw new IllegalArgumentException("lfu log factor and decay time must not be negative, were "
                + logFactor + " and " + decayMinutes);
        }
        this.volatileOnly = volatileOnly;
        this.logFactor = logFactor;
        this.decayMinutes = decayMinutes;
    }

    static int counter(final int access) {
        return access & 0xFF;
    }

    private static int minutes(final long tick) {
        return (int) ((tick / TICKS_PER_MINUTE) & 0xFFFF);
    }

    /**
     * Minutes since the access word's stamp, modulo 2^16. A stamp one minute <em>ahead</em> is one a
     * concurrent writer made after the caller read the clock, at a minute boundary: it counts as
     * now, not as 65,535 minutes ago (which would decay its counter to 0 at once).
     */
    static int elapsedMinutes(final int access, final long tick) {
        final int elapsed = (minutes(tick) - (access >>> 8)) & 0xFFFF;
        return elapsed == 0xFFFF ? 0 : elapsed;
    }

    /** The counter after decay for the minutes elapsed since the last decrement time. */
    int decayed(final int access, final long tick) {
        final int counter = counter(access);
        if (decayMinutes == 0) {
            return counter;
        }
        final int elapsed = elapsedMinutes(access, tick);
        final int periods = elapsed / decayMinutes;
        return periods > counter ? 0 : counter - periods;
    }

    @Override
    public String name() {
        return volatileOnly ? "volatile-lfu" : "allkeys-lfu";
    }

    @Override
    public boolean evicts() {
        return true;
    }

    @Override
    public int sampleSize() {
        return samples;
    }

    @Override
    public int onInsert(final long keyHash, final long tick) {
        return (minutes(tick) << 8) | INITIAL_COUNT;
    }

    @Override
    public int onAccess(final int access, final long keyHash, final long tick) {
        int counter = decayed(access, tick);
        if (counter < MAX_COUNT) {
            final int base = Math.max(0, counter - INITIAL_COUNT);
            final double p = 1.0 / (base * (double) logFactor + 1);
            if (ThreadLocalRandom.current().nextDouble() < p) {
                counter++;
            }
        }
        final int updated = (minutes(tick) << 8) | counter;
        return updated == access ? access : updated;
    }

    @Override
    public long score(final int access, final long remainingTtlMs, final long tick) {
        if (volatileOnly && remainingTtlMs < 0) {
            return NOT_EVICTABLE;
        }
        // lowest counter first; among equals, the one whose counter was touched longest ago
        return ((long) (MAX_COUNT - decayed(access, tick)) << 16) | elapsedMinutes(access, tick);
    }

    @Override
    public String toString() {
        return name() + "(samples=" + samples + ", logFactor=" + logFactor + ", decayMinutes=" + decayMinutes + ")";
    }
}
