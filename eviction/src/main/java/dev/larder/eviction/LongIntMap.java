package dev.larder.eviction;

import java.util.Arrays;

/**
 * An open-addressing {@code long -> int} map (linear probing, backward-shift deletion), so that a
 * lookup neither boxes nor allocates: {@link WindowGhosts}' shadow caches and the trace
 * simulator's model index their keys with it. Any {@code long} may be a key; values are
 * non-negative, and {@link #get} returns -1 for an absent key. Not thread-safe.
 */
public final class LongIntMap {
    private long[] keys;
    private int[] values; // -1 marks an empty cell
    private int mask;
    private int size;

    /** @param expected how many keys it will hold (it grows beyond) */
    public LongIntMap(final int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new int[cap];
        Arrays.fill(values, -1);
        mask = cap - 1;
    }

    private static int home(final long key, final int mask) {
        return (int) (WTinyLfu.mix64(key + 0x9E37_79B9_7F4A_7C15L) >>> 32) & mask;
    }

    /** @return the key's value, or -1 if absent */
    public int get(final long key) {
        for (int i = home(key, mask); ; i = (i + 1) & mask) {
            final int v = values[i];
            if (v < 0) {
                return -1;
            }
            if (keys[i] == key) {
                return v;
            }
        }
    }

    /**
     * Maps {@code key} to {@code value}, replacing any previous value.
     *
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public void put(final long key, final int value) {
        if (value < 0) {
            throw new IllegalArgumentException("negative value " + value);
        }
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        for (int i = home(key, mask); ; i = (i + 1) & mask) {
            if (values[i] < 0) {
                keys[i] = key;
                values[i] = value;
                size++;
                return;
            }
            if (keys[i] == key) {
                values[i] = value;
                return;
            }
        }
    }

    /** @return the removed value, or -1 */
    public int remove(final long key) {
        int i = home(key, mask);
        for (; ; i = (i + 1) & mask) {
            if (values[i] < 0) {
                return -1;
            }
            if (keys[i] == key) {
                break;
            }
        }
        final int removed = values[i];
        // backward-shift: move later members of the probe run into the hole
        int hole = i;
        for (int j = (hole + 1) & mask; values[j] >= 0; j = (j + 1) & mask) {
            final int h = home(keys[j], mask);
            // can keys[j] move to the hole? only if its home is not in (hole, j]
            final boolean between = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
            if (!between) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        values[hole] = -1;
        size--;
        return removed;
    }

    /** @return how many keys it holds */
    public int size() {
        return size;
    }

    private void grow() {
        final long[] oldKeys = keys;
        final int[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        Arrays.fill(values, -1);
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldValues[i] >= 0) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }
}
