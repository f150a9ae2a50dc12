package dev.larder.eviction;

/**
 * Decides which entries leave when memory runs short.
 *
 * <p>The store keeps a 24-bit <em>access word</em> in each entry's header (as Redis keeps its
 * 24-bit {@code lru} field) and asks the policy how to set it on insert and update it on each
 * read. When memory runs short the store calls {@link #evict(Population, long)}; the default
 * samples {@link #sampleSize()} entries and evicts the one with the highest {@link #score}, which
 * is how Redis's sampled LRU, LFU, random and TTL policies work. Policies with more structure
 * (W-TinyLFU's window and admission filter) override {@code evict}.
 *
 * <p>Per-entry state lives only in the access word; any other state a policy keeps (a frequency
 * sketch, a window queue) has a fixed size, chosen from {@link #configure(long)}'s capacity hint,
 * so a policy's heap use does not grow with the number of entries.
 *
 * <p>Times are <em>ticks</em>: the store's clock in milliseconds shifted right by
 * {@link #TICK_SHIFT}. Comparisons of stored ticks must be wrap-around safe ({@link #age}).
 *
 * <p>Implementations must be thread-safe. {@link #onAccess} runs on the read path: it must be
 * cheap, allocation-free and lock-free.
 */
public interface EvictionPolicy {

    /** Bits in the access word. */
    int ACCESS_BITS = 24;
    /** Mask of the access word. */
    int ACCESS_MASK = (1 << ACCESS_BITS) - 1;
    /** One tick is 2^4 = 16 ms: a 24-bit clock then wraps after about 74 hours. */
    int TICK_SHIFT = 4;
    /** {@link #score} result for an entry that must not be evicted (e.g. no TTL under volatile-*). */
    long NOT_EVICTABLE = Long.MIN_VALUE;

    /** @return the policy's name as Redis's {@code maxmemory-policy}, e.g. {@code allkeys-lru} */
    String name();

    /** @return {@code false} for {@code noeviction}: a write that does not fit then fails */
    boolean evicts();

    /** @return how many candidates to sample for each eviction */
    int sampleSize();

    /**
     * Called once by the store before use.
     *
     * @param expectedEntries a rough upper bound of how many entries the store will hold, for
     *                        sizing fixed structures
     */
    default void configure(final long expectedEntries) {
    }

    /**
     * Called once by the store before use, instead of {@link #configure(long)}, with the whole
     * store as a population: a policy that rearranges entries while the store fills up, before
     * any eviction, uses it then (see {@link WTinyLfu}'s fill-up). The store may not be fully
     * constructed yet: the policy must not use the population before the first insert.
     *
     * @param expectedEntries see {@link #configure(long)}
     * @param store           every entry of the store
     */
    default void configure(final long expectedEntries, final Population store) {
        configure(expectedEntries);
    }

    /**
     * @param keyHash the new entry's key hash
     * @param tick    the current tick
     * @return the access word for a newly written entry
     */
    int onInsert(long keyHash, long tick);

    /**
     * A key's value was replaced by a new entry: the new entry inherits the old one's standing.
     *
     * @param previousAccess the replaced entry's access word
     * @param keyHash        the key hash
     * @param tick           the current tick
     * @return the access word of the new entry
     */
    default int onUpdate(final int previousAccess, final long keyHash, final long tick) {
        return onAccess(previousAccess, keyHash, tick);
    }

    /**
     * @param access  the entry's current access word
     * @param keyHash the entry's key hash
     * @param tick    the current tick
     * @return the new access word; returning {@code access} unchanged avoids a write
     */
    int onAccess(int access, long keyHash, long tick);

    /**
     * Whether the store may split {@link #onAccess} on the read path into
     * {@link #onAccessDeferred} at once and {@link #recordAccesses} later, for a small batch of
     * reads of the same thread. A policy whose per-read work is a scattered memory update (a
     * frequency sketch) gains from the batch: the updates of different keys are independent, so
     * the CPU overlaps their cache misses instead of waiting for each in turn.
     *
     * @return whether {@link #onAccessDeferred} and {@link #recordAccesses} are implemented
     */
    default boolean batchesAccesses() {
        return false;
    }

    /**
     * {@link #onAccess} without the part that {@link #recordAccesses} does later.
     *
     * @param access  the entry's current access word
     * @param keyHash the entry's key hash
     * @param tick    the current tick
     * @return the new access word; returning {@code access} unchanged avoids a write
     */
    default int onAccessDeferred(final int access, final long keyHash, final long tick) {
        return onAccess(access, keyHash, tick);
    }

    /**
     * The deferred part of {@link #onAccess} for a batch of reads.
     *
     * @param keyHashes the hashes of the keys read, in order
     * @param count     how many of {@code keyHashes} are valid
     */
    default void recordAccesses(final long[] keyHashes, final int count) {
    }

    /**
     * The store replaced an entry's access word {@code from} by {@code to} (after
     * {@link #onAccess} or a policy's own {@link Population#casAccess}).
     *
     * <p>A read whose {@link #onAccess} changes only the low 16 bits of the word is written by the
     * store with a plain store instead of a CAS: it may be lost to a concurrent update, and it is
     * <em>not</em> reported here. A policy that counts transitions keeps what it counts (a region)
     * in bits 16 to 23.
     */
    default void onTransition(final int from, final int to) {
    }

    /**
     * An entry is now reachable in the store.
     *
     * @param handle  the entry's handle for {@link Population} calls
     * @param access  its access word
     * @param keyHash its key hash
     */
    default void onLinked(final long handle, final int access, final long keyHash) {
    }

    /**
     * An entry left the store (removed, replaced, expired or evicted).
     *
     * @param access its last access word
     */
    default void onUnlinked(final int access) {
    }

    /**
     * One entry took another's place in the index in a single step (a new value for a key, or an
     * entry moved to another slot): the same as {@link #onLinked} of the new one and
     * {@link #onUnlinked} of the old one, which is what the default does. A policy that counts
     * entries per region can skip the pair when both are in the same region, sparing a write of a
     * counter shared by every writing thread.
     *
     * @param oldAccess the old entry's last access word
     * @param handle    the new entry's handle
     * @param access    the new entry's access word
     * @param keyHash   the key hash
     */
    default void onReplaced(final int oldAccess, final long handle, final int access, final long keyHash) {
        onLinked(handle, access, keyHash);
        onUnlinked(oldAccess);
    }

    /**
     * How good a victim an entry is: the default {@link #evict} evicts the sampled entry with the
     * highest score.
     *
     * @param access          the entry's access word
     * @param remainingTtlMs  milliseconds until the entry expires, or {@code -1} if it never does
     * @param tick            the current tick
     * @return the score, or {@link #NOT_EVICTABLE}
     */
    long score(int access, long remainingTtlMs, long tick);

    /**
     * Evicts one entry (or, for admission policies, makes one eviction decision).
     *
     * @param population the store's entries
     * @param tick       the current tick
     * @return {@code false} if nothing could be evicted
     */
    default boolean evict(final Population population, final long tick) {
        return Sampling.evictBest(this, population, tick);
    }

    /**
     * Stamps up to this many ticks (about 65 seconds) <em>ahead</em> of the caller's tick count as
     * written now. Another thread may read the clock after the evicting thread did and stamp an entry
     * the evicting thread then samples; a plain masked difference would make that freshest entry
     * look almost a full clock cycle old, the oldest of all.
     */
    int FUTURE_SLACK = 1 << 12;

    /**
     * @param stamp a 24-bit tick stored earlier
     * @param tick  the current tick
     * @return ticks elapsed since {@code stamp}, wrap-around safe; 0 for a stamp slightly ahead of
     *         {@code tick} ({@link #FUTURE_SLACK})
     */
    static long age(final int stamp, final long tick) {
        return age(stamp, tick, ACCESS_MASK);
    }

    /**
     * @param stamp a tick stored earlier, in the low bits selected by {@code mask}
     * @param tick  the current tick
     * @param mask  {@code 2^k - 1}: the stamp's width; stamps narrower than 14 bits get no slack
     * @return ticks elapsed since {@code stamp}, modulo {@code 2^k}; 0 for a stamp slightly ahead of
     *         {@code tick} ({@link #FUTURE_SLACK})
     */
    static long age(final int stamp, final long tick, final int mask) {
        final long age = (tick - stamp) & mask;
        return mask > 2 * FUTURE_SLACK && age > mask - FUTURE_SLACK ? 0 : age;
    }
}
