package dev.larder.eviction;

/**
 * The policies, by their Redis {@code maxmemory-policy} names, plus {@code w-tinylfu}.
 *
 * <table>
 *   <caption>Policies</caption>
 *   <tr><th>name</th><th>evicts</th></tr>
 *   <tr><td>{@code noeviction}</td><td>nothing: a write that does not fit fails</td></tr>
 *   <tr><td>{@code allkeys-lru}, {@code volatile-lru}</td><td>the least recently used of a sample</td></tr>
 *   <tr><td>{@code allkeys-lfu}, {@code volatile-lfu}</td><td>the least frequently used of a sample (decaying log counter)</td></tr>
 *   <tr><td>{@code allkeys-random}, {@code volatile-random}</td><td>a random entry</td></tr>
 *   <tr><td>{@code volatile-ttl}</td><td>the sampled entry closest to expiry</td></tr>
 *   <tr><td>{@code w-tinylfu} (default)</td><td>window + frequency-filtered segmented LRU</td></tr>
 * </table>
 * {@code volatile-*} policies evict only entries with a TTL; when none is left they behave as
 * {@code noeviction}.
 */
public final class EvictionPolicies {

    /** Redis's default {@code maxmemory-samples}. */
    public static final int DEFAULT_SAMPLES = 5;
    /** Redis's default {@code lfu-log-factor}. */
    public static final int DEFAULT_LFU_LOG_FACTOR = 10;
    /** Redis's default {@code lfu-decay-time}, in minutes. */
    public static final int DEFAULT_LFU_DECAY_MINUTES = 1;

    /** Every name {@link #byName} accepts. */
    public static final String[] NAMES = {"noeviction", "allkeys-lru", "volatile-lru", "allkeys-lfu", "volatile-lfu",
        "allkeys-random", "volatile-random", "volatile-ttl", "w-tinylfu"};

    private EvictionPolicies() {
    }

    static int checkSamples(final int samples) {
        if (samples < 1 || samples > 64) {
            throw new IllegalArgumentException("sample size must be between 1 and 64, was " + samples);
        }
        return samples;
    }

    /** @return {@code noeviction}: a write that does not fit fails and nothing changes */
    public static EvictionPolicy noEviction() {
        return NoEviction.INSTANCE;
    }

    /** @return {@code allkeys-lru} with 5 samples */
    public static EvictionPolicy allKeysLru() {
        return new SampledLru(DEFAULT_SAMPLES, false);
    }

    /**
     * @param samples candidates compared per eviction, 1 to 64
     * @return {@code allkeys-lru}
     */
    public static EvictionPolicy allKeysLru(final int samples) {
        return new SampledLru(samples, false);
    }

    /**
     * @param samples candidates compared per eviction, 1 to 64
     * @return {@code volatile-lru}: as {@code allkeys-lru} but only entries with a TTL are evicted
     */
    public static EvictionPolicy volatileLru(final int samples) {
        return new SampledLru(samples, true);
    }

    /**
     * @param samples      candidates compared per eviction
     * @param logFactor    Redis's {@code lfu-log-factor}: higher means slower counter growth
     * @param decayMinutes Redis's {@code lfu-decay-time}: minutes per counter decrement when idle (0: never)
     * @return {@code allkeys-lfu}
     */
    public static EvictionPolicy allKeysLfu(final int samples, final int logFactor, final int decayMinutes) {
        return new SampledLfu(samples, false, logFactor, decayMinutes);
    }

    /**
     * @param samples      candidates compared per eviction
     * @param logFactor    Redis's {@code lfu-log-factor}
     * @param decayMinutes Redis's {@code lfu-decay-time}
     * @return {@code volatile-lfu}
     */
    public static EvictionPolicy volatileLfu(final int samples, final int logFactor, final int decayMinutes) {
        return new SampledLfu(samples, true, logFactor, decayMinutes);
    }

    /** @return {@code allkeys-random} */
    public static EvictionPolicy allKeysRandom() {
        return new RandomEviction(false);
    }

    /** @return {@code volatile-random} */
    public static EvictionPolicy volatileRandom() {
        return new RandomEviction(true);
    }

    /**
     * @param samples candidates compared per eviction
     * @return {@code volatile-ttl}
     */
    public static EvictionPolicy volatileTtl(final int samples) {
        return new VolatileTtl(samples);
    }

    /** @return {@code w-tinylfu} with 5 main-region samples (a new instance: it has state) */
    public static EvictionPolicy wTinyLfu() {
        return new WTinyLfu(DEFAULT_SAMPLES);
    }

    /**
     * @param samples main-region candidates compared per eviction
     * @return {@code w-tinylfu} (a new instance: it has state)
     */
    public static EvictionPolicy wTinyLfu(final int samples) {
        return new WTinyLfu(samples);
    }

    /**
     * A {@code w-tinylfu} whose random choices (the frequency sketch's hash seeds and the admission
     * jitter) all come from {@code seed}: two instances with the same seed that see the same accesses
     * from one thread make the same decisions. For simulators and tests that must be reproducible.
     * Production caches should keep {@link #wTinyLfu(int)}: seeds an attacker cannot know are part
     * of the defence against hash flooding.
     *
     * @param samples main-region candidates compared per eviction
     * @param seed    the source of every random choice
     * @return {@code w-tinylfu} (a new instance: it has state)
     */
    public static EvictionPolicy wTinyLfu(final int samples, final long seed) {
        return new WTinyLfu(samples, seed);
    }

    /**
     * @param name a Redis {@code maxmemory-policy} name or {@code w-tinylfu}
     * @return a new policy with default settings
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static EvictionPolicy byName(final String name) {
        switch (name) {
            case "noeviction":
                return noEviction();
            case "allkeys-lru":
                return allKeysLru();
            case "volatile-lru":
                return volatileLru(DEFAULT_SAMPLES);
            case "allkeys-lfu":
                return allKeysLfu(DEFAULT_SAMPLES, DEFAULT_LFU_LOG_FACTOR, DEFAULT_LFU_DECAY_MINUTES);
            case "volatile-lfu":
                return volatileLfu(DEFAULT_SAMPLES, DEFAULT_LFU_LOG_FACTOR, DEFAULT_LFU_DECAY_MINUTES);
            case "allkeys-random":
                return allKeysRandom();
            case "volatile-random":
                return volatileRandom();
            case "volatile-ttl":
                return volatileTtl(DEFAULT_SAMPLES);
            case "w-tinylfu":
                return wTinyLfu();
            default:
                throw new IllegalArgumentException("unknown eviction policy '" + name + "'; known: "
                    + String.join(", ", NAMES));
        }
    }
}
