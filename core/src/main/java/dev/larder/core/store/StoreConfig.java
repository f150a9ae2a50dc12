package dev.larder.core.store;

import dev.larder.core.LarderClock;
import dev.larder.eviction.EvictionPolicy;
import java.util.Objects;

/**
 * Immutable settings of a {@link Store}.
 *
 * @param maxMemory the hard budget in bytes for every native byte the store holds
 * @param policy    the eviction policy
 * @param clock     the time source
 */
public record StoreConfig(long maxMemory, EvictionPolicy policy, LarderClock clock) {

    /** The smallest budget: 1 MiB, i.e. sixteen 64 KiB pages. */
    public static final long MIN_MEMORY = 1L << 20;

    /**
     * Validates the settings.
     *
     * @param maxMemory the budget
     * @param policy    the policy
     * @param clock     the clock
     */
    public StoreConfig {
        if (maxMemory < MIN_MEMORY) {
            throw new IllegalArgumentException(String.format("maxMemory must be at least %,d bytes, was %,d", MIN_MEMORY, maxMemory));
        }
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(clock, "clock");
    }
}
