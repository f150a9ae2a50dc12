package dev.larder.eviction;

/**
 * The policies, by their Redis {@code maxmemory-policy} names.
 */
public final class EvictionPolicies {

    /** Redis's default {@code maxmemory-samples}. */
    public static final int DEFAULT_SAMPLES = 5;

    private EvictionPolicies() {
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
     * @param samples candidates compared per eviction, at least 1
     * @return {@code allkeys-lru}
     */
    public static EvictionPolicy allKeysLru(final int samples) {
        return new SampledLru(samples, false);
    }

    /**
     * @param samples candidates compared per eviction, at least 1
     * @return {@code volatile-lru}: as {@code allkeys-lru} but only entries with a TTL are evicted
     */
    public static EvictionPolicy volatileLru(final int samples) {
        return new SampledLru(samples, true);
    }

    /**
     * @param name a Redis {@code maxmemory-policy} name
     * @return the policy with default settings
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
            default:
                throw new IllegalArgumentException("unknown eviction policy '" + name
                    + "'; known: noeviction, allkeys-lru, volatile-lru");
        }
    }
}
