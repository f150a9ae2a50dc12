package dev.larder.core.store;

import dev.larder.eviction.Candidates;
import dev.larder.eviction.Population;

/**
 * The store as seen by an eviction policy: handles are entries' global offsets. Sampling is
 * restricted to one slab class when an allocation of that class is what needs memory (freeing a
 * slot of another size would not help it), or spans all entries for the entry-count bound.
 */
final class Victims implements Population {
    private final Store store;
    private final int slabClass;

    Victims(final Store store, final int slabClass) {
        this.store = store;
        this.slabClass = slabClass;
    }

    @Override
    public void sample(final Candidates out, final int max) {
        store.sample(out, max, slabClass);
    }

    @Override
    public boolean inScope(final long handle) {
        return slabClass < 0 || store.classOf(handle) == slabClass;
    }

    @Override
    public boolean evict(final long handle) {
        return store.evictHandle(handle);
    }

    @Override
    public long keyHashOf(final long handle) {
        return store.keyHashOf(handle);
    }

    @Override
    public int accessOf(final long handle) {
        return store.accessOf(handle);
    }

    @Override
    public boolean casAccess(final long handle, final int expected, final int update) {
        return store.casAccess(handle, expected, update);
    }

    @Override
    public long hits() {
        return store.totalHits();
    }

    @Override
    public long misses() {
        return store.totalMisses();
    }

    @Override
    public long size() {
        return store.totalSize();
    }
}
