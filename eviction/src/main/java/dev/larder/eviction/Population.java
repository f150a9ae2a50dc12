package dev.larder.eviction;

/**
 * The entries a policy chooses victims from: the real off-heap store, or the simulator's model.
 *
 * <p>Entries are named by opaque {@code long} handles, valid until the entry leaves; a stale
 * handle is detected and reported (never an error): {@link #accessOf} returns -1 and
 * {@link #evict} returns {@code false}.
 */
public interface Population {

    /**
     * Samples up to {@code max} random entries that may be evicted now.
     *
     * @param out where to put them ({@link Candidates#count} is set)
     * @param max how many at most
     */
    void sample(Candidates out, int max);

    /**
     * Whether evicting this entry would serve the eviction at hand. The store restricts an
     * allocation's evictions to entries of the slot size it needs, and {@link #sample} honours that;
     * a policy that finds victims some other way (a queue of handles) checks them here.
     *
     * @param handle the entry
     * @return whether it is in this population's scope (always, unless restricted)
     */
    default boolean inScope(final long handle) {
        return true;
    }

    /**
     * Evicts an entry if it is still present.
     *
     * @param handle the entry
     * @return whether it was evicted by this call
     */
    boolean evict(long handle);

    /**
     * @param handle an entry
     * @return its key hash, or 0 if the handle is stale
     */
    long keyHashOf(long handle);

    /**
     * @param handle an entry
     * @return its access word, or -1 if the handle is stale
     */
    int accessOf(long handle);

    /**
     * Atomically replaces an entry's access word.
     *
     * @return whether the word was {@code expected} and is now {@code update}
     */
    boolean casAccess(long handle, int expected, int update);

    /** @return reads that found a value, over the store's life */
    long hits();

    /** @return reads that found nothing, over the store's life */
    long misses();

    /** @return entries now held */
    long size();
}
