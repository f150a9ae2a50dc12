package dev.larder.eviction;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Shadow caches that tell {@link WTinyLfu}'s hill climber which window share suits the workload
 * <em>now</em>: one small, exact W-TinyLFU cache of keys only (a "ghost") per share in
 * {@link #SHARES}, all fed the same sample of the accesses. The climber compares the ghosts' hits
 * over the same period, so a change of workload phase moves them all alike and cannot pass for the
 * effect of a window change; a climber that compares the real cache's hit ratio of one period with
 * the previous one can be fooled that way (see {@code eviction/RESULTS.md}, sessions 7 and 10).
 *
 * <h2>References</h2>
 * <ol>
 *   <li>G. Einziger, O. Eytan, R. Friedman, B. Manes: "Adaptive Software Cache Management",
 *       Middleware 2018: adapting W-TinyLFU's window by hill climbing, and by simulating
 *       configurations side by side on a sample ("mini-simulations").</li>
 *   <li>C. Waldspurger, N. Park, A. Garthwaite, I. Ahmad: "Efficient MRC Construction with SHARDS",
 *       FAST 2015: spatial sampling. A key is sampled or not by its hash, at rate {@code R}, and a
 *       cache of {@code R x N} entries fed the sampled keys behaves like one of {@code N} fed all
 *       of them.</li>
 * </ol>
 *
 * <h2>Cost</h2>
 * <ul>
 *   <li>Heap: at most {@link #MAX_GHOST} keys per ghost, whatever the cache's size (about 22 KiB
 *       per ghost at most, 5 ghosts), plus one shared frequency sketch sized for a ghost.</li>
 *   <li>Read path: an xor, a shift and a compare per access; a sampled access adds a plain
 *       store into a lossy ring, and a batch of reads one release store of the ring's index.
 *       Lock-free and allocation-free: concurrent producers may overwrite each other's slots, and a
 *       ring not drained in time loses its oldest keys. Either only thins the sample.</li>
 *   <li>The ghosts themselves are updated by writers, under a lock taken with {@code tryLock}: a
 *       writer that finds it held skips the work instead of waiting. Each sampled access costs one
 *       update per ghost; in a cache of up to {@link #MAX_GHOST} entries every access is sampled.</li>
 * </ul>
 */
final class WindowGhosts {
    /**
     * The window shares simulated, one ghost each (the climber moves between neighbours). Five, not
     * more: every sampled access costs one update per ghost, paid by evicting writers (seven shares
     * and 1,024-key ghosts halved a 1,000-entry cache's evicting puts; see eviction/RESULTS.md).
     */
    static final double[] SHARES = {0.01, 0.03, 0.10, 0.20, 0.40};
    /** Keys a ghost holds at most: larger caches are sampled down to this. */
    static final int MAX_GHOST = 512;
    /** Sampled keys buffered between drains (a power of two). */
    static final int RING = 1 << 12;
    private static final VarHandle WRITTEN;

    static {
        try {
            WRITTEN = MethodHandles.lookup().findVarHandle(WindowGhosts.class, "written", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Ghost[] ghosts;
    private final FrequencySketch sketch;
    /** A key is sampled when the top 24 bits of its salted hash are below this. */
    private final long threshold;
    private final long salt;
    private final long[] ring = new long[RING];
    @SuppressWarnings("unused") // through WRITTEN
    private long written;
    private long drained;
    private final ReentrantLock lock = new ReentrantLock();
    private final long[] periodStart;
    private long periodStartAccesses;
    private final long cacheEntries;

    /**
     * @param cacheEntries how many entries the real cache holds
     * @param seed         seeds the sampling salt and the sketch (reproducible simulations)
     */
    WindowGhosts(final long cacheEntries, final long seed) {
        this.cacheEntries = cacheEntries;
        final long entries = Math.max(1, cacheEntries);
        final int capacity = (int) Math.min(MAX_GHOST, entries);
        threshold = entries <= MAX_GHOST ? 1L << 24 : Math.max(1, (long) ((double) MAX_GHOST / entries * (1L << 24)));
        salt = seed * 0x9E37_79B9_7F4A_7C15L + 0x632B_E59B_D9B4_E019L;
        sketch = new FrequencySketch(4L * capacity, capacity, WTinyLfu.mix64(seed + 2), WTinyLfu.mix64(seed + 3));
        ghosts = new Ghost[SHARES.length];
        for (int i = 0; i < SHARES.length; i++) {
            ghosts[i] = new Ghost(capacity, SHARES[i]);
        }
        periodStart = new long[SHARES.length];
    }

    /** @return whether accesses to this key are simulated */
    boolean sampled(final long keyHash) {
        return ((keyHash ^ salt) >>> 40) < threshold; // keyHash is a well-mixed hash already
    }

    /** Records an access (hit or insert) if its key is sampled: lock-free, lossy. */
    void offer(final long keyHash) {
        if (sampled(keyHash)) {
            final long w = (long) WRITTEN.getOpaque(this);
            ring[(int) w & (RING - 1)] = keyHash;
            WRITTEN.setRelease(this, w + 1);
        }
    }

    /**
     * Records a batch of accesses, those whose keys are sampled: one update of the ring's shared
     * index per batch (a reader thread's batch of sixteen), not one per access, so that readers of
     * a small cache, where every key is sampled, do not all write one index line on every read.
     *
     * @param keyHashes the batch
     * @param count     how many of it to record
     */
    void offerAll(final long[] keyHashes, final int count) {
        final long start = (long) WRITTEN.getOpaque(this);
        long w = start;
        for (int i = 0; i < count; i++) {
            final long h = keyHashes[i];
            if (sampled(h)) {
                ring[(int) w++ & (RING - 1)] = h;
            }
        }
        if (w != start) {
            WRITTEN.setRelease(this, w);
        }
    }

    /** Feeds the buffered keys to the ghosts, unless another thread is doing so. */
    void tryDrain() {
        if ((long) WRITTEN.getAcquire(this) != drained && lock.tryLock()) {
            try {
                drain();
            } finally {
                lock.unlock();
            }
        }
    }

    private void drain() {
        final long end = (long) WRITTEN.getAcquire(this);
        long from = drained;
        if (end - from > RING) {
            from = end - RING; // lost to newer keys
        }
        for (long i = from; i < end; i++) {
            final long key = ring[(int) i & (RING - 1)];
            sketch.increment(key);
            for (final Ghost g : ghosts) {
                g.access(key, sketch);
            }
        }
        drained = end;
    }

    /**
     * Drains the ring, then closes the period: what each ghost did since the last call.
     *
     * @return the period's hits per share of {@link #SHARES}, and its sampled accesses
     */
    Period period() {
        lock.lock();
        try {
            drain();
            final long[] hits = new long[ghosts.length];
            for (int i = 0; i < ghosts.length; i++) {
                hits[i] = ghosts[i].hits - periodStart[i];
                periodStart[i] = ghosts[i].hits;
            }
            final long accesses = ghosts[0].hits + ghosts[0].misses;
            final Period period = new Period(hits, accesses - periodStartAccesses);
            periodStartAccesses = accesses;
            return period;
        } finally {
            lock.unlock();
        }
    }

    /** @return the cache size the ghosts sample (see the constructor) */
    long cacheEntries() {
        return cacheEntries;
    }

    /** What the ghosts did over one period. */
    static final class Period {
        private final long[] hits;
        private final long accesses;

        Period(final long[] hits, final long accesses) {
            this.hits = hits;
            this.accesses = accesses;
        }

        /** @return hits of the ghost for {@code SHARES[i]} */
        long hits(final int i) {
            return hits[i];
        }

        /** @return sampled accesses (every ghost saw the same ones) */
        long accesses() {
            return accesses;
        }

        /** @return the index of the ghost that hit most (the smallest share among equals) */
        int best() {
            int best = 0;
            for (int i = 1; i < hits.length; i++) {
                if (hits[i] > hits[best]) {
                    best = i;
                }
            }
            return best;
        }

        @Override
        public String toString() {
            return java.util.Arrays.toString(hits) + " of " + accesses;
        }
    }

    /** @return the index in {@link #SHARES} of the share closest to {@code share} */
    static int nearest(final double share) {
        int best = 0;
        for (int i = 1; i < SHARES.length; i++) {
            if (Math.abs(SHARES[i] - share) < Math.abs(SHARES[best] - share)) {
                best = i;
            }
        }
        return best;
    }

    /** @return the ghost for {@code SHARES[i]} (tests) */
    Ghost ghost(final int i) {
        return ghosts[i];
    }

    /**
     * An exact W-TinyLFU cache of keys (no values) with a fixed window share, in the structure
     * Caffeine uses: an LRU window, then a main region split into probation (20%) and protected
     * (80%). A new key enters the window; the window's overflow moves to probation while the cache
     * has room, and once it is full contests probation's eldest key (or protected's, if probation
     * is empty) through the shared sketch. Lists are index-linked arrays, so a ghost allocates
     * nothing after construction.
     */
    static final class Ghost {
        static final byte FREE = 0;
        static final byte WINDOW = 1;
        static final byte PROBATION = 2;
        static final byte PROTECTED = 3;

        private final int capacity;
        private final int windowMax;
        private final int protectedMax;
        /** Slots 0..capacity hold keys (one spare); capacity + region is that region's list head. */
        private final long[] keys;
        private final int[] prev;
        private final int[] next;
        private final byte[] region;
        private final int[] size = new int[4];
        private int freeTop;
        private final int[] freeSlots;
        /** Key to slot. */
        private final LongIntMap index;
        long hits;
        long misses;

        Ghost(final int capacity, final double windowShare) {
            this.capacity = capacity;
            this.windowMax = Math.max(1, (int) Math.round(capacity * windowShare));
            this.protectedMax = (int) ((capacity - Math.min(windowMax, capacity)) * WTinyLfu.PROTECTED_SHARE);
            final int slots = capacity + 1 + 3; // one spare: a miss links before anything leaves
            keys = new long[slots];
            prev = new int[slots];
            next = new int[slots];
            region = new byte[slots];
            for (int r = WINDOW; r <= PROTECTED; r++) {
                final int h = head(r);
                prev[h] = h;
                next[h] = h;
            }
            freeSlots = new int[capacity + 1];
            for (int i = 0; i <= capacity; i++) {
                freeSlots[i] = capacity - i;
            }
            freeTop = capacity + 1;
            index = new LongIntMap(capacity + 1);
        }

        private int head(final int r) {
            return capacity + r;
        }

        /** @return the region holding {@code key}, or {@link #FREE} if the ghost does not hold it (tests) */
        int regionOf(final long key) {
            final int slot = index.get(key);
            return slot < 0 ? FREE : region[slot];
        }

        /** @return keys held */
        int live() {
            return capacity + 1 - freeTop;
        }

        int size(final int r) {
            return size[r];
        }

        /** Records an access: a hit updates recency, a miss inserts (and may evict). */
        void access(final long key, final FrequencySketch sketch) {
            final int slot = index.get(key);
            if (slot >= 0) {
                hits++;
                final int r = region[slot];
                if (r == PROBATION) {
                    moveTo(slot, PROTECTED);
                    if (size[PROTECTED] > protectedMax) {
                        moveTo(next[head(PROTECTED)], PROBATION); // demote protected's eldest
                    }
                } else {
                    moveTo(slot, r); // to the MRU end of its own region
                }
                return;
            }
            misses++;
            final int s = freeSlots[--freeTop];
            keys[s] = key;
            index.put(key, s);
            region[s] = FREE;
            link(s, WINDOW);
            while (size[WINDOW] > windowMax) {
                final int candidate = next[head(WINDOW)];
                if (live() <= capacity) {
                    moveTo(candidate, PROBATION); // room left: the overflow moves to main
                    continue;
                }
                final int victim = size[PROBATION] > 0 ? next[head(PROBATION)] : next[head(PROTECTED)];
                if (victim != head(PROTECTED) && sketch.frequency(keys[candidate]) > sketch.frequency(keys[victim])) {
                    remove(victim);
                    moveTo(candidate, PROBATION);
                } else {
                    remove(candidate);
                }
            }
            if (live() > capacity) { // a window as large as the cache: main's eldest leaves
                remove(size[PROBATION] > 0 ? next[head(PROBATION)]
                    : size[PROTECTED] > 0 ? next[head(PROTECTED)] : next[head(WINDOW)]);
            }
        }

        /** Unlinks from its list (if any) and appends at the MRU end of region {@code r}. */
        private void moveTo(final int slot, final int r) {
            if (region[slot] != FREE) {
                unlink(slot);
            }
            link(slot, r);
        }

        private void link(final int slot, final int r) {
            final int h = head(r);
            final int last = prev[h];
            next[last] = slot;
            prev[slot] = last;
            next[slot] = h;
            prev[h] = slot;
            region[slot] = (byte) r;
            size[r]++;
        }

        private void unlink(final int slot) {
            next[prev[slot]] = next[slot];
            prev[next[slot]] = prev[slot];
            size[region[slot]]--;
            region[slot] = FREE;
        }

        private void remove(final int slot) {
            unlink(slot);
            index.remove(keys[slot]);
            freeSlots[freeTop++] = slot;
        }
    }
}
