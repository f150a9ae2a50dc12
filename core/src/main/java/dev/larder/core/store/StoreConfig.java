package dev.larder.core.store;

import dev.larder.core.LarderClock;
import dev.larder.eviction.EvictionPolicy;
import java.util.Objects;

/**
 * Immutable settings of a {@link Store}. (A plain class rather than a record: Lincheck's model
 * checker instruments every object reachable from the store and cannot handle record fields.)
 */
public final class StoreConfig {

    /** The smallest budget: 1 MiB, i.e. thirty-two 32 KiB pages. */
    public static final long MIN_MEMORY = 1L << 20;

    private final long maxMemory;
    private final EvictionPolicy policy;
    private final LarderClock clock;
    private final long maxEntries;
    private final long expectedEntries;
    private final boolean hugePages;

    /**
     * @param maxMemory the hard budget in bytes for every native byte the store holds
     * @param policy    the eviction policy
     * @param clock     the time source
     */
    public StoreConfig(final long maxMemory, final EvictionPolicy policy, final LarderClock clock) {
        this(maxMemory, policy, clock, 0);
    }

    /**
     * @param maxMemory  the hard budget in bytes for every native byte the store holds
     * @param policy     the eviction policy
     * @param clock      the time source
     * @param maxEntries the most entries held (over all caches), or 0 for no count bound
     */
    public StoreConfig(final long maxMemory, final EvictionPolicy policy, final LarderClock clock, final long maxEntries) {
        this(maxMemory, policy, clock, maxEntries, 0);
    }

    /**
     * @param maxMemory       the hard budget in bytes for every native byte the store holds
     * @param policy          the eviction policy
     * @param clock           the time source
     * @param maxEntries      the most entries held (over all caches), or 0 for no count bound
     * @param expectedEntries how many entries to size the index for up front, or 0 to start small
     */
    public StoreConfig(final long maxMemory, final EvictionPolicy policy, final LarderClock clock, final long maxEntries,
                       final long expectedEntries) {
        this(maxMemory, policy, clock, maxEntries, expectedEntries, true);
    }

    /**
     * @param maxMemory       the hard budget in bytes for every native byte the store holds
     * @param policy          the eviction policy
     * @param clock           the time source
     * @param maxEntries      the most entries held (over all caches), or 0 for no count bound
     * @param expectedEntries how many entries to size the index for up front, or 0 to start small
     * @param hugePages       whether regions of 16 MiB or more ask Linux for transparent huge pages
     */
    public StoreConfig(final long maxMemory, final EvictionPolicy policy, final LarderClock clock, final long maxEntries,
                       final long expectedEntries, final boolean hugePages) {
        this.hugePages = hugePages;
        if (expectedEntries < 0) {
            throw new IllegalArgumentException("expectedEntries must not be negative, was " + expectedEntries);
        }
        this.expectedEntries = expectedEntries;
        if (maxMemory < MIN_MEMORY) {
            throw new IllegalArgumentException(String.format("maxMemory must be at least %,d bytes, was %,d", MIN_MEMORY, maxMemory));
        }
        this.maxMemory = maxMemory;
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries must not be negative, was " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    /** @return the entries to size the index for up front, or 0 */
    public long expectedEntries() {
        return expectedEntries;
    }

    /** @return whether large regions ask for transparent huge pages */
    public boolean hugePages() {
        return hugePages;
    }

    /** @return the entry-count bound, or 0 for none */
    public long maxEntries() {
        return maxEntries;
    }

    /** @return the budget in bytes */
    public long maxMemory() {
        return maxMemory;
    }

    /** @return the eviction policy */
    public EvictionPolicy policy() {
        return policy;
    }

    /** @return the time source */
    public LarderClock clock() {
        return clock;
    }
}
