package dev.larder.eviction.simulator;

import dev.larder.eviction.Candidates;
import dev.larder.eviction.EvictionPolicy;
import dev.larder.eviction.LongIntMap;
import dev.larder.eviction.Population;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A count-bounded cache of capacity {@code N} that drives one {@link EvictionPolicy} exactly as the
 * store does, without the store: the "pure policy" figure of the simulator.
 *
 * <ul>
 *   <li>{@link EvictionPolicy#configure} is called once with {@code N}.</li>
 *   <li>The tick is the access number: one tick per {@link #access}.</li>
 *   <li>Hit: {@code a2 = onAccess(a, hash, tick)}; if it changed, it is stored and
 *       {@code onTransition(a, a2)} is called.</li>
 *   <li>Miss: while {@code size >= N}, {@code evict(this, tick)} (until it returns false); then
 *       {@code onInsert(hash, tick)}, the entry is linked, {@code onLinked(handle, access, hash)}.
 *       If the cache is still full (the policy evicts nothing, as {@code noeviction} or a
 *       {@code volatile-*} policy on keys without TTL), the write is refused and nothing
 *       changes, as the store's {@code noeviction} does; {@link #rejectedWrites()} counts these.
 *       A policy whose {@code evict} keeps returning {@code true} without removing anything is
 *       cut off after {@link #stallLimit()} calls for one miss and counted in {@link #stalls()}.</li>
 *   <li>{@link #evict(long)} unlinks the entry and calls {@code onUnlinked(access)}.</li>
 * </ul>
 *
 * <p>Handles are {@code generation << 32 | slot}: a slot's generation changes when its entry
 * leaves, so a stale handle is never mistaken for the slot's next occupant ({@link #accessOf}
 * returns -1, {@link #keyHashOf} 0, {@link #casAccess} and {@link #evict} false).
 *
 * <p>{@link #sample} draws without replacement, uniformly from the live entries (a partial
 * Fisher-Yates shuffle of the array of live slots), so asking for at least {@link #size()}
 * entries returns every entry exactly once. Entries have no TTL: {@code remainingTtlMs} is -1.
 *
 * <p>Not thread-safe: one thread replays a trace.
 */
public final class PolicyModel implements Population {
    /** Bit position of W-TinyLFU's region in its access word (mirrors {@code WTinyLfu.REGION_SHIFT}). */
    static final int WTINYLFU_REGION_SHIFT = 22;

    private final EvictionPolicy policy;
    private final int capacity;
    private final SplittableRandom random;
    private final LongIntMap index;

    // per slot
    private long[] keys;
    private long[] hashes;
    private int[] access;
    private int[] generation;
    private int[] livePos; // position in live[], or -1 when the slot is free
    private int slotsUsed;
    private int[] free;
    private int freeCount;
    // the live slots, densely packed
    private int[] live;
    private int size;

    private long tick;
    private long hits;
    private long misses;
    private long evictions;
    private long evictCalls;
    private long rejectedWrites;
    private long stalls;
    private long maxSize;
    // diagnostics by W-TinyLFU region (bits 22-23 of the access word): 0 none, 1 window, 2 probation, 3 protected
    private final long[] evictedByRegion = new long[4];
    private final long[][] casByRegion = new long[4][4];

    /**
     * @param policy   the policy; a fresh instance (policies keep state)
     * @param capacity the most entries held, N &gt;= 1
     * @param seed     seed of the sampling random numbers
     */
    public PolicyModel(final EvictionPolicy policy, final int capacity, final long seed) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.policy = policy;
        this.capacity = capacity;
        this.random = new SplittableRandom(seed);
        this.index = new LongIntMap(capacity + 1);
        final int slots = capacity + 1;
        keys = new long[slots];
        hashes = new long[slots];
        access = new int[slots];
        generation = new int[slots];
        livePos = new int[slots];
        Arrays.fill(livePos, -1);
        free = new int[slots];
        live = new int[slots];
        policy.configure(capacity, this);
    }

    /** A model with a fixed sampling seed. */
    public PolicyModel(final EvictionPolicy policy, final int capacity) {
        this(policy, capacity, 0x1A2DE2L);
    }

    /**
     * Replays one access: a hit, or a miss followed by an insert.
     *
     * @param key the key
     * @return whether it was a hit
     */
    public boolean access(final long key) {
        final long t = tick++;
        final long hash = Hashing.mix(key);
        final int slot = index.get(key);
        if (slot >= 0) {
            final int a = access[slot];
            final int a2 = policy.onAccess(a, hash, t);
            if (a2 != a) {
                access[slot] = a2;
                policy.onTransition(a, a2);
            }
            hits++;
            return true;
        }
        misses++;
        final long limit = stallLimit();
        long calls = 0;
        while (size >= capacity) {
            final long before = evictions;
            evictCalls++;
            if (!policy.evict(this, t)) {
                break;
            }
            calls = evictions == before ? calls + 1 : 0;
            if (calls >= limit) {
                stalls++;
                break;
            }
        }
        if (size >= capacity) {
            rejectedWrites++;
            return false;
        }
        final int a = policy.onInsert(hash, t);
        final int s = link(key, hash, a);
        policy.onLinked(handle(s), a, hash);
        maxSize = Math.max(maxSize, size);
        return false;
    }

    /** @return how many {@code evict} calls in a row that remove nothing end one miss's eviction loop */
    public long stallLimit() {
        return 4L * capacity + 1024;
    }

    private int link(final long key, final long hash, final int accessWord) {
        final int s;
        if (freeCount > 0) {
            s = free[--freeCount];
        } else {
            if (slotsUsed == keys.length) {
                growSlots();
            }
            s = slotsUsed++;
        }
        keys[s] = key;
        hashes[s] = hash;
        access[s] = accessWord;
        if (size == live.length) {
            live = Arrays.copyOf(live, live.length * 2);
        }
        live[size] = s;
        livePos[s] = size;
        size++;
        index.put(key, s);
        return s;
    }

    private void growSlots() {
        final int n = keys.length * 2;
        keys = Arrays.copyOf(keys, n);
        hashes = Arrays.copyOf(hashes, n);
        access = Arrays.copyOf(access, n);
        generation = Arrays.copyOf(generation, n);
        final int old = livePos.length;
        livePos = Arrays.copyOf(livePos, n);
        Arrays.fill(livePos, old, n, -1);
        free = Arrays.copyOf(free, n);
    }

    private long handle(final int slot) {
        return ((long) generation[slot] << 32) | slot;
    }

    /** @return the slot of a live entry, or -1 if the handle is stale */
    private int slotOf(final long handle) {
        final int slot = (int) handle;
        if (slot < 0 || slot >= slotsUsed || livePos[slot] < 0 || generation[slot] != (int) (handle >>> 32)) {
            return -1;
        }
        return slot;
    }

    @Override
    public void sample(final Candidates out, final int max) {
        final int k = Math.min(max, size);
        for (int i = 0; i < k; i++) {
            final int j = i + random.nextInt(size - i);
            final int sj = live[j];
            final int si = live[i];
            live[i] = sj;
            livePos[sj] = i;
            live[j] = si;
            livePos[si] = j;
            if (!out.add(handle(sj), access[sj], -1)) {
                return;
            }
        }
    }

    @Override
    public boolean evict(final long handle) {
        final int s = slotOf(handle);
        if (s < 0) {
            return false;
        }
        final int a = access[s];
        index.remove(keys[s]);
        final int pos = livePos[s];
        final int last = live[--size];
        live[pos] = last;
        livePos[last] = pos;
        livePos[s] = -1;
        generation[s]++;
        free[freeCount++] = s;
        evictions++;
        evictedByRegion[(a >>> WTINYLFU_REGION_SHIFT) & 3]++;
        policy.onUnlinked(a);
        return true;
    }

    @Override
    public long keyHashOf(final long handle) {
        final int s = slotOf(handle);
        return s < 0 ? 0 : hashes[s];
    }

    @Override
    public int accessOf(final long handle) {
        final int s = slotOf(handle);
        return s < 0 ? -1 : access[s];
    }

    @Override
    public boolean casAccess(final long handle, final int expected, final int update) {
        final int s = slotOf(handle);
        if (s < 0 || access[s] != expected) {
            return false;
        }
        access[s] = update;
        casByRegion[(expected >>> WTINYLFU_REGION_SHIFT) & 3][(update >>> WTINYLFU_REGION_SHIFT) & 3]++;
        return true;
    }

    @Override
    public long hits() {
        return hits;
    }

    @Override
    public long misses() {
        return misses;
    }

    @Override
    public long size() {
        return size;
    }

    /** @return the capacity N */
    public int capacity() {
        return capacity;
    }

    /** @return the policy driven */
    public EvictionPolicy policy() {
        return policy;
    }

    /** @return entries removed through {@link #evict(long)} */
    public long evictions() {
        return evictions;
    }

    /** @return calls of the policy's {@code evict} */
    public long evictCalls() {
        return evictCalls;
    }

    /** @return misses not inserted because the policy would not make room */
    public long rejectedWrites() {
        return rejectedWrites;
    }

    /** @return misses whose eviction loop was cut off (see {@link #stallLimit()}) */
    public long stalls() {
        return stalls;
    }

    /** @return the most entries held at once */
    public long maxSize() {
        return maxSize;
    }

    /**
     * @param region W-TinyLFU region (bits 22-23 of the access word): 1 window, 2 probation, 3 protected
     * @return entries evicted while in that region
     */
    public long evictedFromRegion(final int region) {
        return evictedByRegion[region];
    }

    /**
     * @return successful {@link #casAccess} calls that moved an access word from region {@code from}
     *         to region {@code to} (W-TinyLFU's admissions are window to probation, its demotions
     *         protected to probation)
     */
    public long casTransitions(final int from, final int to) {
        return casByRegion[from][to];
    }

    /**
     * @return live entries by W-TinyLFU region (bits 22-23 of the access word): index 1 window,
     *         2 probation, 3 protected
     */
    public long[] liveByRegion() {
        final long[] n = new long[4];
        for (int i = 0; i < size; i++) {
            n[(access[live[i]] >>> WTINYLFU_REGION_SHIFT) & 3]++;
        }
        return n;
    }

    /** @return whether the key is held now (for tests) */
    public boolean contains(final long key) {
        return index.get(key) >= 0;
    }
}
