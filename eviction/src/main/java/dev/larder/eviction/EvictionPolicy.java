package dev.larder.eviction;

/**
 * Decides which entries leave when memory runs short.
 *
 * <p>The store keeps a 24-bit <em>access word</em> in each entry's header (as Redis keeps its
 * 24-bit {@code lru} field) and asks the policy how to update it on insert and on each read. When
 * memory runs short, the store samples {@link #sampleSize()} candidate entries and evicts the one
 * with the highest {@link #score}. The policy holds no per-entry state on the heap: everything it
 * knows about an entry is in that entry's access word and expiry time.
 *
 * <p>Times are <em>ticks</em>: the store's clock in milliseconds shifted right by
 * {@link #TICK_SHIFT}, truncated to 24 bits. Comparisons must be wrap-around safe: use
 * {@link #age(int, long)}.
 *
 * <p>Implementations must be thread-safe; {@link #onAccess} runs on the read path, so it must be
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
     * @param tick the current tick
     * @return the access word for a newly written entry
     */
    int onInsert(long tick);

    /**
     * @param access the entry's current access word
     * @param tick   the current tick
     * @return the new access word; returning {@code access} unchanged avoids a write
     */
    int onAccess(int access, long tick);

    /**
     * How good a victim an entry is: the store evicts the sampled entry with the highest score.
     *
     * @param access          the entry's access word
     * @param remainingTtlMs  milliseconds until the entry expires, or {@code -1} if it never does
     * @param tick            the current tick
     * @return the score, or {@link #NOT_EVICTABLE}
     */
    long score(int access, long remainingTtlMs, long tick);

    /**
     * @param stamp a 24-bit tick stored earlier
     * @param tick  the current tick
     * @return ticks elapsed since {@code stamp}, wrap-around safe
     */
    static long age(final int stamp, final long tick) {
        return (tick - stamp) & ACCESS_MASK;
    }
}
