package dev.larder.strategies;

import java.util.Collection;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Striped locks that serialize writers of one key in the strategies layer.
 *
 * <h2>Design</h2>
 * Write-through must keep the order "store of record, then cache" the same for all writers of a
 * key, and write-behind must put a write in the cache and in its queue as one step; both take the
 * key's stripe around that step. Stripes are reentrant and a multi-key operation takes its
 * distinct stripes in ascending index order, so two bulk writers cannot deadlock.
 */
final class KeyLocks {

    private final ReentrantLock[] stripes;
    private final int mask;

    KeyLocks(final int minimumStripes) {
        final int size = Integer.highestOneBit(Math.max(1, minimumStripes - 1)) << 1;
        stripes = new ReentrantLock[size];
        for (int i = 0; i < size; i++) {
            stripes[i] = new ReentrantLock();
        }
        mask = size - 1;
    }

    int stripe(final Object key) {
        final int h = key.hashCode();
        return (h ^ (h >>> 16) ^ (h >>> 7)) & mask;
    }

    ReentrantLock lockFor(final Object key) {
        return stripes[stripe(key)];
    }

    /** Locks the distinct stripes of {@code keys} in ascending order; returns them for {@link #unlock}. */
    int[] lockAll(final Collection<?> keys) {
        final int[] indexes = keys.stream().mapToInt(this::stripe).distinct().sorted().toArray();
        int locked = 0;
        try {
            for (final int index : indexes) {
                stripes[index].lock();
                locked++;
            }
        } catch (final RuntimeException | Error e) {
            for (int i = locked - 1; i >= 0; i--) {
                stripes[indexes[i]].unlock();
            }
            throw e;
        }
        return indexes;
    }

    void unlock(final int[] indexes) {
        for (int i = indexes.length - 1; i >= 0; i--) {
            stripes[indexes[i]].unlock();
        }
    }

    /** Takes and releases every stripe: afterwards, no one is inside a critical section begun before. */
    void barrier() {
        for (final ReentrantLock stripe : stripes) {
            stripe.lock();
            stripe.unlock();
        }
    }
}
