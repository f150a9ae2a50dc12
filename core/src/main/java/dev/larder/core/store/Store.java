package dev.larder.core.store;

import com.dynatrace.hash4j.hashing.Hasher64;
import com.dynatrace.hash4j.hashing.Hashing;
import dev.larder.core.EntryTooLargeException;
import dev.larder.core.LarderClock;
import dev.larder.core.MemoryBudgetExceededException;
import dev.larder.core.ValueReader;
import dev.larder.eviction.Candidates;
import dev.larder.eviction.EvictionPolicy;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.agrona.DirectBuffer;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The off-heap store: entries of all caches of one Larder, in one {@link HashIndex}, in slots of
 * the {@link SlabAllocator}, inside the pages of {@link NativeMemory}.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>Reads</b> are optimistic and write nothing: find the index slot, check the entry's
 *       guard, read, then re-check guard, index slot and table (see {@link Entry}). A failed check
 *       retries; nothing blocks. Zero-copy reads pin the entry instead (one CAS in, one out) so
 *       the caller can look at bytes that are guaranteed not to change.</li>
 *   <li><b>Writes</b> of one key lock only that key's index slot. A new value is always a new
 *       entry: allocate, fill, mark LIVE, then swap the index slot's ref and free the old entry.
 *       Allocation (and eviction) happens before the lock where the new value is known up front
 *       (put and friends); compute allocates under its own key's lock, and eviction then only
 *       <em>tries</em> other keys' locks, so no writer ever waits while holding a lock.</li>
 *   <li><b>Eviction</b> asks the {@link EvictionPolicy} to score sampled entries of the same size
 *       class as the entry being written (memcached style: freeing a slot of another class would
 *       not help) and evicts the best victim. When a class has no pages, or nothing evictable in
 *       it, a whole page is drained (every entry in it evicted) and handed to whoever needs it;
 *       that is also how the index gets memory to grow.</li>
 *   <li><b>Expiry</b>: every read checks the deadline; an expired entry found by a reader or
 *       writer is reclaimed on the spot, and {@link #expireStep} walks the index incrementally so
 *       entries nobody reads are reclaimed too.</li>
 * </ul>
 * Where something waits: writers wait while the index is being copied (resize), and a writer of a
 * key waits for another writer of the same key. A drain waits (boundedly) for pinned readers.
 */
public final class Store {

    /** Action of a {@link Mutator}: leave the entry as it is. */
    public static final int KEEP = 0;
    /** Action of a {@link Mutator}: store the new value. */
    public static final int WRITE = 1;
    /** Action of a {@link Mutator}: remove the entry. */
    public static final int REMOVE = 2;
    /** Bit of {@link #update}'s result: an unexpired entry was present. */
    public static final int PRESENT = 4;
    /** Bit of {@link #update}'s result: the present entry was expired and has been reclaimed. */
    public static final int EXPIRED = 8;

    private static final Hasher64 HASHER = Hashing.komihash5_0();
    private static final long BYTE_BASE = org.agrona.UnsafeApi.arrayBaseOffset(byte[].class);
    private static final long LOCKED = -2;
    /** Thrown (preallocated, no stack) from an allocation under a key lock that must let a resize finish. */
    private static final RuntimeException RETRY_AFTER_RESIZE = new RuntimeException("retry after resize", null, false, false) {
        private static final long serialVersionUID = 1L;
    };
    private static final long ABSENT = -1;
    private static final int MAX_EVICTION_ATTEMPTS = 10_000;
    /** Evictions in one allocation after which it also drains a page for its class (see allocate). */
    static final int EVICTIONS_PER_DRAIN = 64;
    /** Probes per eviction candidate before giving up on finding one of the right class. */
    private static final int PROBES_PER_SAMPLE = 16;
    /** At most this many index slots are probed for one sample. */
    private static final long MAX_SAMPLE_PROBES = 1 << 12;

    /** Called by the store about one cache's entries. */
    public interface CacheHooks {
        /**
         * An entry was reclaimed because it expired ({@code expired}) or was evicted. The entry's
         * bytes are stable for the duration of the call.
         */
        void onReclaimed(boolean expired, DirectBuffer buffer, int keyOffset, int keyLength, int valueOffset,
                         int valueLength);

        /** @return the cache's expire-after-access in ms, or 0 */
        long expireAfterAccessMillis();

        /** @return the cache's hits so far (for adaptive policies) */
        long hits();

        /** @return the cache's misses so far (for adaptive policies) */
        long misses();
    }

    /**
     * Decides, under the key's lock, what a write does. Implementations are per-thread or
     * per-call objects; the store calls {@link #decide} exactly once per {@link #update}.
     */
    public interface Mutator {
        /**
         * @param present whether an unexpired entry exists
         * @param buffer  the current value's bytes (valid during the call) if present
         * @param offset  value offset in {@code buffer}
         * @param length  value length
         * @param expiry  the current absolute deadline in ms, or 0 for none
         * @return {@link #KEEP}, {@link #WRITE} or {@link #REMOVE}
         */
        int decide(boolean present, DirectBuffer buffer, int offset, int length, long expiry);

        /** @return for {@link #WRITE} without a prepared entry: the new value's length */
        int newValueLength();

        /** @return for {@link #WRITE} without a prepared entry: the array holding the new value (read after {@link #decide}) */
        byte[] newValueBytes();

        /** @return for {@link #WRITE}: the new absolute deadline in ms, 0 for none, or -1 to keep the current one */
        long newExpiry();
    }

    /**
     * Whether {@link #touch} may write a stamp-only change as a 16-bit store at the meta word's
     * address: the low 16 bits are its first two bytes only on a little-endian machine.
     */
    private static final boolean STAMP_STORES = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;

    private final NativeMemory memory;
    private final SlabAllocator slabs;
    /** Every entry, as the policy sees them: its view while filling up, and the entry-count bound's victims. */
    private final Victims allEntries = new Victims(this, -1);
    private final HashIndex index;
    private final EvictionPolicy policy;
    private final LarderClock clock;
    private final long timeBase;
    private final AtomicBoolean resizing = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger drainsInProgress = new java.util.concurrent.atomic.AtomicInteger();
    private final AtomicReferenceArray<CacheHooks> hooks = new AtomicReferenceArray<>(Entry.MAX_CACHES + 1);
    private final LongAdder[] sizes = new LongAdder[Entry.MAX_CACHES + 1];
    private final java.util.Map<String, Integer> ids = new java.util.HashMap<>();
    /** The highest cache id given out; ids of destroyed caches are never reused. */
    private int lastId;
    private final long maxEntries;
    private final Quiescence quiescence = new Quiescence();
    private final java.util.List<HashIndex.Table> deferredTables = new java.util.ArrayList<>();
    private volatile boolean closed;
    /**
     * Set once the first entry with a deadline is written (and never cleared): until then active
     * expiry has nothing to find and skips its index walk, so a cache without TTLs pays nothing for
     * it. A write racing the flag's first setting is seen by the walk after next at the latest.
     */
    private volatile boolean anyDeadline;
    /**
     * Reads a thread makes before their frequency updates reach a batching policy
     * ({@link EvictionPolicy#batchesAccesses()}): large enough for the updates' cache misses to
     * overlap, small enough that the policy's view lags by a handful of reads per thread.
     */
    static final int ACCESS_BATCH = 16;
    private final boolean batchesAccesses;
    /** Distinguishes stores in a thread's pending reads ({@link Scratch.Frames#accessOwner}); never 0. */
    final long id = IDS.incrementAndGet();
    private static final java.util.concurrent.atomic.AtomicLong IDS = new java.util.concurrent.atomic.AtomicLong();
    private long expiryCursor;
    /**
     * Reads on one thread between two readings of the system clock, when a read needs the time only
     * for the policy's recency stamp (the entry has no deadline and its cache no
     * expire-after-access). On a virtual machine one reading of {@code System.nanoTime} costs about
     * 45 ns, as much as the rest of an in-cache read's bookkeeping.
     */
    static final int CLOCK_REFRESH_READS = 32;
    /** Time in ms below which {@link #coarseNow} is not advanced: one policy tick. */
    private static final long COARSE_STEP = 1L << EvictionPolicy.TICK_SHIFT;
    private static final VarHandle COARSE_NOW;

    static {
        try {
            COARSE_NOW = java.lang.invoke.MethodHandles.lookup().findVarHandle(Store.class, "coarseNow", long.class);
        } catch (final ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Whether {@link #clock} is {@link LarderClock#SYSTEM} (then reads may use {@link #coarseNow}). */
    private final boolean systemClock;
    /**
     * A recent reading of the system clock, for reads that need time only to stamp recency (the
     * policy's 16 ms ticks). It only moves forward, in steps of at least one tick; every write, every
     * {@link #CLOCK_REFRESH_READS}-th read of each thread and every active-expiry step (each 100 ms by
     * default) advance it. Redis stamps LRU recency from a clock cached the same way
     * ({@code server.lruclock}, refreshed by its cron). Deadlines are always checked against a
     * fresh reading.
     */
    private volatile long coarseNow;

    /**
     * @param config budget, policy and clock
     */
    public Store(final StoreConfig config) {
        this.memory = new NativeMemory(config.maxMemory(), config.hugePages());
        this.slabs = new SlabAllocator(memory);
        this.policy = config.policy();
        this.batchesAccesses = policy.batchesAccesses();
        this.clock = config.clock();
        this.systemClock = clock == LarderClock.SYSTEM;
        this.timeBase = clock.millis() - 1;
        this.coarseNow = timeBase;
        this.maxEntries = config.maxEntries();
        final long expected = config.expectedEntries();
        policy.configure(maxEntries > 0 ? maxEntries : expected > 0 ? expected : Math.max(1024, memory.limit / 128),
            allEntries);
        final long initialCapacity = expected > 0 ? HashIndex.capacityForExpected(expected, memory) : HashIndex.MIN_CAPACITY;
        final int pageCount = HashIndex.pagesFor(initialCapacity, memory);
        if ((long) pageCount * memory.pageSize > memory.limit / 2) {
            memory.close();
            throw new IllegalArgumentException(String.format(
                "expectedEntries of %,d needs an index of %,d bytes, more than half of maxMemory (%,d bytes): "
                    + "raise maxMemory or lower expectedEntries", expected, (long) pageCount * memory.pageSize,
                memory.limit));
        }
        final int[] pages = new int[pageCount];
        for (int k = 0; k < pageCount; k++) {
            pages[k] = slabs.acquireIndexPage();
        }
        final HashIndex.Table table = new HashIndex.Table(initialCapacity, pages, memory);
        table.zero(memory.pageSize);
        this.index = new HashIndex(table);
    }

    // ------------------------------------------------------------------ registry and lifecycle

    /**
     * @param name a cache name
     * @return the id of a new cache
     */
    public synchronized int registerCache(final String name) {
        final Integer existing = ids.get(name);
        if (existing != null) {
            return existing;
        }
        final int id = lastId + 1;
        if (id > Entry.MAX_CACHES) {
            throw new IllegalStateException(String.format(
                "a Larder can create at most %,d caches in its lifetime (destroyed caches included)", Entry.MAX_CACHES));
        }
        lastId = id;
        ids.put(name, id);
        sizes[id] = new LongAdder();
        return id;
    }

    /**
     * @param id    the cache id
     * @param hooks its callbacks
     */
    public void attach(final int id, final CacheHooks hooks) {
        this.hooks.set(id, hooks);
    }

    /**
     * First half of destroying a cache: frees its name (a new cache of that name gets a new id)
     * and detaches its hooks. Inserting a new key into a cache requires its hooks, so from now on
     * no insert into it can start. Follow with {@link #sweepDestroyed}.
     *
     * @param id   the cache id
     * @param name its name
     */
    public void detachCache(final int id, final String name) {
        checkOpen();
        synchronized (this) {
            ids.remove(name, id);
        }
        hooks.set(id, null);
    }

    /**
     * Second half of destroying a cache: waits until the inserts already past the check in
     * {@link #detachCache} have finished, then removes every entry of the cache. From inside a
     * callback (a listener, a compute function) the thread cannot wait for itself: the sweep then
     * runs without that wait, and an insert racing it may leave an entry that only eviction removes.
     * Must not be called while holding a lock that store operations take.
     *
     * @param id the detached cache's id
     * @return how many entries were removed
     */
    public long sweepDestroyed(final int id) {
        checkOpen();
        if (!Quiescence.inside(Scratch.current())) {
            quiescence.await();
        }
        return removeWhere(id, clock.millis(), false, null);
    }

    /** @throws IllegalStateException if closed */
    public void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this Larder is closed");
        }
    }

    /** @return whether closed */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Frees all native memory, once every operation already inside the store has left (operations
     * that start afterwards see the store closed and throw).
     */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!Quiescence.inside(Scratch.current())) {
            quiescence.await();
        }
        memory.close();
    }

    /** Enters the quiescence scheme, failing if the store is closed (checked inside, so close waits for us). */
    private int enterOpen(final Scratch.Frames self) {
        final int token = quiescence.enter(self);
        if (closed) {
            quiescence.exit(token, self);
            throw new IllegalStateException("this Larder is closed");
        }
        return token;
    }

    /** @return bytes held in pages */
    public long memoryUsed() {
        return memory.used();
    }

    /** @return how many memory regions the kernel accepted transparent-huge-page advice for */
    public int hugePageRegions() {
        return memory.hugeRegions();
    }

    /** @return the budget */
    public long memoryLimit() {
        return memory.limit;
    }

    /** @return the clock expiry and recency follow */
    public LarderClock clock() {
        return clock;
    }

    /** @return the eviction policy */
    public EvictionPolicy policy() {
        return policy;
    }

    /**
     * @param cacheId a cache id
     * @return its entry count
     */
    public long size(final int cacheId) {
        return sizes[cacheId].sum();
    }

    // ------------------------------------------------------------------ hashing and time

    /**
     * @param cacheId the cache
     * @param key     key bytes
     * @param length  key length
     * @return the hash used by the index
     */
    public static long hash(final int cacheId, final byte[] key, final int length) {
        long h = HASHER.hashBytesToLong(key, 0, length) + cacheId * 0x9E3779B97F4A7C15L;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    /** @return current time in ms by the store's clock */
    public long now() {
        return clock.millis();
    }

    /**
     * The time for a write that sets no deadline and whose caller needs neither the old value nor
     * events: with the system clock, the cached time of {@link #readTime} (refreshed every
     * {@link #CLOCK_REFRESH_READS} such calls per thread); otherwise {@link #now()}. It stamps the
     * new entry's recency and decides whether the entry it replaces had expired: one that expired
     * less than a tick (16 ms) ago may count as replaced rather than expired in the statistics,
     * which is all a plain {@code put} can observe of the difference.
     *
     * @param sc the calling thread's frame
     * @return a time in ms by the store's clock
     */
    public long coarseNow(final Scratch sc) {
        return systemClock ? coarseNow(sc.frames()) : clock.millis();
    }

    private long coarseNow(final Scratch.Frames self) {
        if (--self.clockCountdown > 0) {
            return coarseNow;
        }
        self.clockCountdown = CLOCK_REFRESH_READS;
        return advanceCoarse(clock.millis());
    }

    /**
     * Moves {@link #coarseNow} forward to {@code now} if that is at least a tick later.
     *
     * @return {@code now}
     */
    private long advanceCoarse(final long now) {
        final long c = coarseNow;
        if (now - c >= COARSE_STEP) {
            COARSE_NOW.compareAndSet(this, c, now); // lost race: another thread moved it forward
        }
        return now;
    }

    /** @return the expire-after-access of cache {@code cacheId} in ms, or 0 */
    private long expireAfterAccess(final int cacheId) {
        final CacheHooks h = hooks.get(cacheId);
        return h == null ? 0 : h.expireAfterAccessMillis();
    }

    /**
     * The time for a hit on an entry with {@code meta}: a fresh clock reading when the entry has a
     * deadline, its cache expires after access ({@code afterAccess > 0}) or the clock is not the
     * system clock (tests' fake clocks stay exact); otherwise {@link #coarseNow}, refreshed every
     * {@link #CLOCK_REFRESH_READS} reads of this thread.
     */
    private long readTime(final long meta, final long afterAccess, final Scratch.Frames self) {
        if (!systemClock || Entry.expiry(meta) != 0 || afterAccess > 0) {
            return clock.millis();
        }
        return coarseNow(self);
    }

    private long tick(final long now) {
        return now >>> EvictionPolicy.TICK_SHIFT;
    }

    private long encodeExpiry(final long deadline) {
        if (deadline <= 0) {
            return 0;
        }
        if (!anyDeadline) {
            anyDeadline = true; // from now on the active-expiry walk has something to look for
        }
        final long rel = deadline - timeBase;
        return rel <= 0 ? 1 : Math.min(rel, Entry.MAX_EXPIRY);
    }

    private long decodeExpiry(final long expiry) {
        return expiry == 0 ? 0 : expiry + timeBase;
    }

    private boolean expired(final long meta, final long now) {
        final long expiry = Entry.expiry(meta);
        return expiry != 0 && expiry + timeBase <= now;
    }

    // ------------------------------------------------------------------ reads

    /**
     * Optimistic read: {@code reader} may be called more than once if a concurrent write
     * invalidates what it saw; only the last result is returned.
     *
     * @return the reader's result, or {@code null} if absent or expired
     */
    public <R> R read(final int cacheId, final byte[] key, final int klen, final long hash,
                      final ValueReader<R> reader, final Scratch sc) {
        final Scratch.Frames self = sc.frames();
        final int token = enterOpen(self);
        try {
            return read0(cacheId, key, klen, hash, reader, sc);
        } finally {
            quiescence.exit(token, self);
        }
    }

    private <R> R read0(final int cacheId, final byte[] key, final int klen, final long hash,
                        final ValueReader<R> reader, final Scratch sc) {
        final UnsafeBuffer view = sc.view;
        final long tag = HashIndex.tagOf(hash);
        retry:
        for (;;) {
            final HashIndex.Table t = index.table();
            long i = t.home(hash);
            for (long n = 0; n < t.capacity; n++, i = t.next(i)) {
                final long s = t.load(i);
                if (s == HashIndex.EMPTY) {
                    if (index.table() != t) {
                        continue retry;
                    }
                    return null;
                }
                final long ref = s & HashIndex.REF_MASK;
                if ((s >>> HashIndex.TAG_SHIFT) != tag || ref == HashIndex.TOMBSTONE) {
                    continue;
                }
                final long global = ref << 3;
                final UnsafeBuffer buf = memory.bufferOrNull(global, Entry.HEADER);
                if (buf == null) {
                    continue retry;
                }
                final int off = NativeMemory.offset(global);
                // bufferOrNull checked that the header lies inside the region; the key and value
                // are checked below before they are read, so raw reads at `at` stay in bounds
                final long at = buf.addressOffset() + off;
                final int g1 = UnsafeApi.getIntVolatile(null, at + Entry.GUARD);
                if ((g1 & Entry.LIVE) == 0) {
                    continue retry;
                }
                if (!keyMatchesAt(at, buf.capacity() - off, cacheId, key, klen)) {
                    if (!unchanged(at, g1, t, i, s)) {
                        continue retry;
                    }
                    continue;
                }
                final long meta = UnsafeApi.getLong(at + Entry.META);
                final int vlen = UnsafeApi.getInt(at + Entry.VALUE_LENGTH);
                final int voff = off + Entry.HEADER + klen;
                if (vlen < 0 || (long) voff + vlen > buf.capacity()) {
                    continue retry;
                }
                final long afterAccess = expireAfterAccess(cacheId);
                final long now = readTime(meta, afterAccess, sc.frames());
                if (expired(meta, now)) {
                    if (!unchanged(at, g1, t, i, s)) {
                        continue retry;
                    }
                    tryReclaim(t, i, s, true);
                    return null;
                }
                R result;
                view.wrap(at + Entry.HEADER + klen, vlen);
                try {
                    result = reader.read(view, 0, vlen);
                } catch (final RuntimeException e) {
                    if (!unchanged(at, g1, t, i, s) || index.table() != t) {
                        continue retry;
                    }
                    throw e;
                }
                if (!unchanged(at, g1, t, i, s) || index.table() != t) {
                    continue retry;
                }
                sc.deadline = decodeExpiry(Entry.expiry(meta));
                if (touch(buf, off, meta, afterAccess, now, hash, sc)) {
                    extendMoved(cacheId, key, klen, hash, encodeExpiry(now + afterAccess));
                }
                return result;
            }
            if (index.table() == t) {
                return null;
            }
        }
    }

    /**
     * Zero-copy read: pins the entry so {@code reader} sees bytes that cannot change, and calls it
     * exactly once.
     *
     * @return the reader's result, or {@code null} if absent or expired
     */
    public <R> R readPinned(final int cacheId, final byte[] key, final int klen, final long hash,
                            final ValueReader<R> reader, final Scratch sc) {
        final Scratch.Frames self = sc.frames();
        final int token = enterOpen(self);
        try {
            return readPinned0(cacheId, key, klen, hash, reader, sc);
        } finally {
            quiescence.exit(token, self);
        }
    }

    private <R> R readPinned0(final int cacheId, final byte[] key, final int klen, final long hash,
                            final ValueReader<R> reader, final Scratch sc) {
        final UnsafeBuffer view = sc.view;
        final long tag = HashIndex.tagOf(hash);
        retry:
        for (;;) {
            final HashIndex.Table t = index.table();
            long i = t.home(hash);
            for (long n = 0; n < t.capacity; n++, i = t.next(i)) {
                final long s = t.load(i);
                if (s == HashIndex.EMPTY) {
                    if (index.table() != t) {
                        continue retry;
                    }
                    return null;
                }
                final long ref = s & HashIndex.REF_MASK;
                if ((s >>> HashIndex.TAG_SHIFT) != tag || ref == HashIndex.TOMBSTONE) {
                    continue;
                }
                final long global = ref << 3;
                final UnsafeBuffer buf = memory.bufferOrNull(global, Entry.HEADER);
                if (buf == null) {
                    continue retry;
                }
                final int off = NativeMemory.offset(global);
                final long at = buf.addressOffset() + off; // header in bounds (bufferOrNull), key checked next
                final int g1 = UnsafeApi.getIntVolatile(null, at + Entry.GUARD);
                if ((g1 & Entry.LIVE) == 0 || (g1 & Entry.RETIRING) != 0) {
                    continue retry;
                }
                if (!keyMatchesAt(at, buf.capacity() - off, cacheId, key, klen)) {
                    if (!unchanged(at, g1, t, i, s)) {
                        continue retry;
                    }
                    continue;
                }
                if (index.table() != t || !slabs.isAllocatedSlot(global)) {
                    continue retry;
                }
                if (Entry.pins(g1) == Entry.PIN_MASK >>> 2 || !buf.compareAndSetInt(off + Entry.GUARD, g1, g1 + Entry.PIN)) {
                    Thread.onSpinWait();
                    continue retry;
                }
                try {
                    if (!sameSlot(t, i, s) || index.table() != t) {
                        continue retry;
                    }
                    final long meta = UnsafeApi.getLong(at + Entry.META);
                    final long afterAccess = expireAfterAccess(cacheId);
                    final long now = readTime(meta, afterAccess, sc.frames());
                    if (expired(meta, now)) {
                        return null;
                    }
                    // pinned and allocated, so the length is the writer's; checked all the same, as
                    // the raw view below has no bounds of its own (a bad one can only be corruption)
                    final int vlen = UnsafeApi.getInt(at + Entry.VALUE_LENGTH);
                    if (vlen < 0 || (long) off + Entry.HEADER + klen + vlen > buf.capacity()) {
                        throw new IllegalStateException(String.format(
                            "corrupt entry at %,d: value length %,d does not fit its region (internal error)", global, vlen));
                    }
                    view.wrap(at + Entry.HEADER + klen, vlen);
                    final R result = reader.read(view, 0, vlen);
                    if (touch(buf, off, meta, afterAccess, now, hash, sc)) {
                        extendMoved(cacheId, key, klen, hash, encodeExpiry(now + afterAccess));
                    }
                    return result;
                } finally {
                    unpin(global, buf, off);
                }
            }
            if (index.table() == t) {
                return null;
            }
        }
    }

    private static boolean sameSlot(final HashIndex.Table t, final long i, final long s) {
        return ((t.load(i) ^ s) & HashIndex.IDENTITY) == 0;
    }

    /**
     * An optimistic read's re-check (see {@link Entry}): after a load fence, whether the entry at
     * {@code at} still has guard {@code g1} and index slot {@code i} still links what it did.
     */
    private static boolean unchanged(final long at, final int g1, final HashIndex.Table t, final long i, final long s) {
        VarHandle.acquireFence();
        return UnsafeApi.getIntVolatile(null, at + Entry.GUARD) == g1 && sameSlot(t, i, s);
    }

    /**
     * {@link #keyMatches} on a raw address: {@code room} is how many bytes from {@code at} to the
     * end of the region (the header's room was checked by the caller).
     */
    private static boolean keyMatchesAt(final long at, final int room, final int cacheId, final byte[] key,
                                        final int klen) {
        if ((UnsafeApi.getShort(at + Entry.CACHE_ID) & 0xFFFF) != cacheId
            || (UnsafeApi.getShort(at + Entry.KEY_LENGTH) & 0xFFFF) != klen
            || Entry.HEADER + (long) klen > room) {
            return false;
        }
        final long base = at + Entry.HEADER;
        int k = 0;
        for (; k + 8 <= klen; k += 8) {
            if (UnsafeApi.getLong(base + k) != UnsafeApi.getLong(key, BYTE_BASE + k)) {
                return false;
            }
        }
        for (; k < klen; k++) {
            if (UnsafeApi.getByte(base + k) != key[k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean keyMatches(final UnsafeBuffer buf, final int off, final int cacheId, final byte[] key,
                                      final int klen) {
        return keyMatchesAt(buf.addressOffset() + off, buf.capacity() - off, cacheId, key, klen);
    }

    /**
     * Updates the access word (and the deadline under expire-after-access) after a hit.
     *
     * @return whether a sliding deadline could not be written because the entry's meta word is
     *         sealed: the entry is moving to another slot (compaction), or being replaced or removed,
     *         and the caller must extend the deadline of the key's current entry instead
     */
    private boolean touch(final UnsafeBuffer buf, final int off, final long meta, final long afterAccess, final long now,
                          final long hash, final Scratch sc) {
        final int access = Entry.access(meta);
        final int updated;
        if (batchesAccesses) {
            updated = policy.onAccessDeferred(access, hash, tick(now));
            final Scratch.Frames f = sc.frames();
            if (f.accessOwner != id) {
                // the pending reads were of another store: dropped (at most ACCESS_BATCH - 1 counts)
                f.accessOwner = id;
                f.accessCount = 0;
            }
            final long[] pending = f.accessHashes;
            pending[f.accessCount++] = hash;
            if (f.accessCount == ACCESS_BATCH) {
                f.accessCount = 0;
                policy.recordAccesses(pending, ACCESS_BATCH);
            }
        } else {
            updated = policy.onAccess(access, hash, tick(now));
        }
        long expiry = Entry.expiry(meta);
        if (afterAccess > 0) {
            expiry = encodeExpiry(now + afterAccess);
        }
        if (Entry.sealed(meta)) {
            return afterAccess > 0; // a relocation copied the word before this read's deadline
        }
        if (updated != access || expiry != Entry.expiry(meta)) {
            if (STAMP_STORES && expiry == Entry.expiry(meta) && ((updated ^ access) & ~Entry.STAMP_MASK) == 0) {
                // only the low 16 bits change (a recency stamp moving on, same region): a plain store
                // of those two bytes, no CAS (see Entry, "Stamp stores")
                UnsafeApi.putShort(buf.addressOffset() + off + Entry.META, (short) updated);
                return false;
            }
            // best effort: a failed CAS means someone else just updated it, or the entry left and
            // its word was sealed (then the transition must not be reported)
            if (buf.compareAndSetLong(off + Entry.META, meta, Entry.meta(expiry, updated))) {
                if (updated != access) {
                    policy.onTransition(access, updated);
                }
            } else if (afterAccess > 0) {
                return !extendDeadline(buf, off, expiry);
            }
        }
        return false;
    }

    /**
     * Extends the sliding deadline of {@code key}'s current entry to at least {@code expiry}, after a
     * read found the entry it read sealed. A sealed entry that is still linked is being relocated:
     * its copy in the new slot carries the deadline from before the read, and the read must not be
     * lost for it (a session read in time would expire). The new copy is found through the index as
     * a read finds it; a word sealed again (another move, an overwrite, a removal) is retried a
     * bounded number of times, and a key that is gone needs nothing.
     */
    private void extendMoved(final int cacheId, final byte[] key, final int klen, final long hash, final long expiry) {
        for (int attempt = 0; attempt < 64; attempt++) {
            final long global = findLinked(cacheId, key, klen, hash);
            if (global == NOT_LINKED) {
                return;
            }
            if (global >= 0 && extendDeadline(memory.buffer(global), NativeMemory.offset(global), expiry)) {
                return;
            }
            Thread.onSpinWait();
        }
    }

    /** {@link #findLinked}: the key has no entry. */
    private static final long NOT_LINKED = -1;
    /** {@link #findLinked}: a concurrent change got in the way; look again. */
    private static final long LOOK_AGAIN = -2;

    /**
     * Finds the entry the index links for {@code key}, without locking, validated as a read is (see
     * {@link Entry}): off the read path, for work that needs the entry's address rather than its value.
     *
     * @return the entry's global offset, {@link #NOT_LINKED}, or {@link #LOOK_AGAIN}
     */
    private long findLinked(final int cacheId, final byte[] key, final int klen, final long hash) {
        final long tag = HashIndex.tagOf(hash);
        final HashIndex.Table t = index.table();
        long i = t.home(hash);
        for (long n = 0; n < t.capacity; n++, i = t.next(i)) {
            final long s = t.load(i);
            if (s == HashIndex.EMPTY) {
                break;
            }
            final long ref = s & HashIndex.REF_MASK;
            if ((s >>> HashIndex.TAG_SHIFT) != tag || ref == HashIndex.TOMBSTONE) {
                continue;
            }
            final long global = ref << 3;
            final UnsafeBuffer buf = memory.bufferOrNull(global, Entry.HEADER);
            if (buf == null) {
                return LOOK_AGAIN;
            }
            final int off = NativeMemory.offset(global);
            final long at = buf.addressOffset() + off;
            final int g = UnsafeApi.getIntVolatile(null, at + Entry.GUARD);
            if ((g & Entry.LIVE) == 0) {
                return LOOK_AGAIN;
            }
            final boolean match = keyMatchesAt(at, buf.capacity() - off, cacheId, key, klen);
            if (!unchanged(at, g, t, i, s)) {
                return LOOK_AGAIN;
            }
            if (match) {
                return global;
            }
        }
        return index.table() == t ? NOT_LINKED : LOOK_AGAIN;
    }

    /**
     * After a touch's CAS lost to another update of the meta word (an evictor moving the entry
     * between regions, another reader): the recency stamp may be dropped, but a sliding deadline
     * may not, so it is extended on whatever word is there now, keeping that word's access part.
     *
     * @return false if the word is sealed, so the deadline could not be written here
     */
    private static boolean extendDeadline(final UnsafeBuffer buf, final int off, final long expiry) {
        for (;;) {
            final long cur = buf.getLongVolatile(off + Entry.META);
            if (Entry.sealed(cur)) {
                return false; // the entry left or is moving
            }
            if (Entry.expiry(cur) >= expiry
                || buf.compareAndSetLong(off + Entry.META, cur, Entry.meta(expiry, Entry.access(cur)))) {
                return true; // extended, by us or by someone at least as far
            }
        }
    }

    private void unpin(final long global, final UnsafeBuffer buf, final int off) {
        for (;;) {
            final int g = buf.getIntVolatile(off + Entry.GUARD);
            if (Entry.pins(g) == 1 && (g & Entry.RETIRING) != 0) {
                final int freed = (g & Entry.SEQ_MASK) + Entry.SEQ_ONE;
                if (buf.compareAndSetInt(off + Entry.GUARD, g, freed)) {
                    slabs.free(global);
                    return;
                }
            } else if (buf.compareAndSetInt(off + Entry.GUARD, g, g - Entry.PIN)) {
                return;
            }
        }
    }

    /** Frees an unlinked entry now, or leaves it to its last pinned reader. */
    private void freeEntry(final long global) {
        final UnsafeBuffer buf = memory.buffer(global);
        final int off = NativeMemory.offset(global);
        // every caller sealed it already: unlinkedAccess, relocate, or prepare for an unused entry
        assert Entry.sealed(buf.getLongVolatile(off + Entry.META)) : "freeing an entry whose meta word is not sealed";
        for (;;) {
            final int g = buf.getIntVolatile(off + Entry.GUARD);
            if (Entry.pins(g) > 0) {
                if (buf.compareAndSetInt(off + Entry.GUARD, g, g | Entry.RETIRING)) {
                    return;
                }
            } else if (buf.compareAndSetInt(off + Entry.GUARD, g, (g & Entry.SEQ_MASK) + Entry.SEQ_ONE)) {
                slabs.free(global);
                return;
            }
        }
    }

    // ------------------------------------------------------------------ writes

    /**
     * Builds a complete entry from the scratch key and value, allocating (and evicting) as needed.
     * The entry is LIVE but not linked; link it with {@link #update} or discard it with
     * {@link #discard}.
     *
     * @return the entry's global offset
     */
    public long prepare(final int cacheId, final byte[] key, final int klen, final long hash, final byte[] value,
                        final int vlen, final long deadline, final String cacheName, final boolean holdsLock,
                        final Scratch sc) {
        final Scratch.Frames self = sc.frames();
        final int token = enterOpen(self);
        try {
            return prepare(cacheId, key, klen, hash, value, vlen, deadline, cacheName, holdsLock, -1, clock.millis());
        } finally {
            quiescence.exit(token, self);
        }
    }

    /**
     * A plain {@code put}: builds the entry from the scratch value and links it in place of any
     * current one, in one pass through the store (one quiescence section, no mutator callback).
     * Same effect as {@link #prepare} then {@link #update} with a mutator that always writes.
     *
     * @param deadline absolute ms, or 0 for none
     * @param now      the caller's reading of {@link #now()} (one clock reading per operation)
     * @return {@link #WRITE} with the {@link #PRESENT} / {@link #EXPIRED} bits of the old entry
     */
    public int put(final int cacheId, final byte[] key, final int klen, final long hash, final byte[] value,
                   final int vlen, final long deadline, final long now, final String cacheName, final Scratch sc) {
        final Scratch.Frames self = sc.frames();
        final int token = enterOpen(self);
        final long prepared;
        try {
            prepared = prepare(cacheId, key, klen, hash, value, vlen, deadline, cacheName, false, -1, now);
        } catch (final RuntimeException | Error e) {
            quiescence.exit(token, self);
            throw e;
        }
        return update(token, self, cacheId, key, klen, hash, null, true, prepared, deadline, now, cacheName);
    }

    private long prepare(final int cacheId, final byte[] key, final int klen, final long hash, final byte[] value,
                         final int vlen, final long deadline, final String cacheName, final boolean holdsLock,
                         final int access, final long now) {
        final long size = (long) Entry.HEADER + klen + vlen; // a long: near-2 GiB values must not wrap to a small slot
        if (klen > Entry.MAX_KEY_LENGTH) {
            throw new EntryTooLargeException(String.format(
                "key of %,d bytes exceeds the key limit of %,d bytes (cache '%s')", klen, Entry.MAX_KEY_LENGTH, cacheName));
        }
        if (size > slabs.maxSlotSize) {
            throw new EntryTooLargeException(String.format(
                "entry of %,d bytes (key %,d + value %,d + header %d) exceeds the largest entry this Larder can hold, "
                    + "%,d bytes (page size %,d, budget %,d bytes) (cache '%s')",
                size, klen, vlen, Entry.HEADER, slabs.maxSlotSize, memory.pageSize, memory.limit, cacheName));
        }
        if (klen < 0 || vlen < 0 || klen > key.length || vlen > value.length) {
            throw new IllegalArgumentException(String.format(
                "key length %,d / value length %,d outside their arrays of %,d / %,d bytes (cache '%s')",
                klen, vlen, key.length, value.length, cacheName));
        }
        final long global = allocate((int) size, holdsLock, cacheName);
        // the slot holds `size` bytes, and the lengths fit their arrays: raw writes stay in bounds
        final long at = memory.buffer(global).addressOffset() + NativeMemory.offset(global);
        // without an access word yet (a write prepared outside the lock), the meta stays sealed
        // until setMeta writes the final one: a reader that validated a read of this slot's previous
        // entry cannot land a stale CAS on a word that is about to be overwritten (see Entry)
        UnsafeApi.putLong(at + Entry.META, access >= 0 ? Entry.meta(encodeExpiry(deadline), access)
            : Entry.meta(encodeExpiry(deadline), policy.onInsert(hash, tick(now))) | Entry.SEALED);
        UnsafeApi.putInt(at + Entry.VALUE_LENGTH, vlen);
        UnsafeApi.putShort(at + Entry.KEY_LENGTH, (short) klen);
        UnsafeApi.putShort(at + Entry.CACHE_ID, (short) cacheId);
        UnsafeApi.copyMemory(key, BYTE_BASE, null, at + Entry.HEADER, klen);
        UnsafeApi.copyMemory(value, BYTE_BASE, null, at + Entry.HEADER + klen, vlen);
        final int g = UnsafeApi.getIntVolatile(null, at + Entry.GUARD);
        UnsafeApi.putIntRelease(null, at + Entry.GUARD, (g & Entry.SEQ_MASK) | Entry.LIVE);
        return global;
    }

    /**
     * Runs one atomic write on a key.
     *
     * @param claim    whether the key may be inserted if absent (lock a new index slot)
     * @param prepared a prepared entry to link on {@link #WRITE}, or -1 to build one from the
     *                 scratch value after {@link Mutator#decide}; a prepared entry that is not used
     *                 is freed
     * @return the action taken, with {@link #PRESENT} / {@link #EXPIRED} bits
     */
    public int update(final int cacheId, final byte[] key, final int klen, final long hash, final Mutator mutator,
                      final boolean claim, final long prepared, final String cacheName, final Scratch sc) {
        final Scratch.Frames self = sc.frames();
        final int token = enterOpen(self); // throws only when closed, and close() has freed every page
        return update(token, self, cacheId, key, klen, hash, mutator, claim, prepared, -1, clock.millis(), cacheName);
    }

    /**
     * {@link #update} from inside a quiescence section that it takes over (and leaves).
     *
     * @param mutator  the decision, or {@code null} for "always write" ({@link #put})
     * @param deadline with a {@code null} mutator, the new entry's deadline
     * @param started  the clock reading at the start; read again on every retry
     */
    private int update(final int entered, final Scratch.Frames self, final int cacheId, final byte[] key,
                       final int klen, final long hash, final Mutator mutator, final boolean claim, final long prepared,
                       final long deadline, final long started, final String cacheName) {
        boolean preparedUsed = false;
        int mutatorRetries = 0;
        HashIndex.Table triedToGrow = null;
        int token = entered;
        long now = advanceCoarse(started);
        try {
            for (boolean first = true; ; first = false) {
                if (!first) {
                    now = clock.millis(); // a retry, often after a wait: time has moved on
                }
                final HashIndex.Table t = index.table();
                if (claim && t != triedToGrow && t.claimed.sum() > t.threshold) {
                    triedToGrow = t; // once per table: if it cannot grow (no memory), write into it as it is
                    // grow before, not after, the write: growing may drain a page, and the entry
                    // being written must not be the one that pays for it
                    quiescence.exit(token, self);
                    token = -1;
                    grow(t);
                    token = enterOpen(self);
                    continue;
                }
                final long i = lockKey(t, cacheId, key, klen, hash, claim);
                if (i == LOCKED) {
                    continue; // table changed under us
                }
                if (i == ABSENT) {
                    if (mutator != null) {
                        mutator.decide(false, null, 0, 0, 0);
                    }
                    return KEEP;
                }
                if (i < 0) { // index too full to claim a slot: grow it, outside our critical section
                    quiescence.exit(token, self);
                    token = -1;
                    grow(t);
                    token = enterOpen(self);
                    continue;
                }
                final long s = t.load(i);
                final long oldRef = s & HashIndex.REF_MASK;
                final boolean hadEntry = oldRef != HashIndex.TOMBSTONE;
                final boolean claimed = !hadEntry;
                final long oldGlobal = oldRef << 3;
                boolean present = false;
                boolean wasExpired = false;
                long oldMeta = 0;
                int action;
                try {
                    UnsafeBuffer ob = null;
                    int ooff = 0;
                    if (hadEntry) {
                        ob = memory.buffer(oldGlobal);
                        ooff = NativeMemory.offset(oldGlobal);
                        oldMeta = ob.getLong(ooff + Entry.META);
                        wasExpired = expired(oldMeta, now);
                        present = !wasExpired;
                    }
                    if (mutator == null) {
                        action = WRITE;
                    } else if (present) {
                        final int vlen = ob.getInt(ooff + Entry.VALUE_LENGTH);
                        action = mutator.decide(true, ob, ooff + Entry.HEADER + klen, vlen, decodeExpiry(Entry.expiry(oldMeta)));
                    } else {
                        action = mutator.decide(false, null, 0, 0, 0);
                    }
                } catch (final RuntimeException | Error e) {
                    unlock(t, i, s, claimed, hadEntry && wasExpired, cacheId, oldGlobal);
                    throw e;
                }
                long newGlobal = -1;
                int newAccess = -1;
                if (action == WRITE && !present && hooks.get(cacheId) == null) {
                    unlock(t, i, s, claimed, hadEntry && wasExpired, cacheId, oldGlobal);
                    throw new IllegalStateException("cache '" + cacheName + "' was destroyed");
                }
                if (action == WRITE && !present && !wasExpired && maxEntries > 0 && !makeRoomForOne()) {
                    unlock(t, i, s, claimed, false, cacheId, oldGlobal);
                    if (policy.evicts() && mutatorRetries++ < 64) {
                        // other writers' locks (or an index copy that our own lock held up) hid every
                        // candidate: let go of our slot, wait a moment, retry
                        quiescence.exit(token, self);
                        token = -1;
                        if (resizing.get()) {
                            awaitResize(t);
                        } else {
                            Thread.yield();
                        }
                        token = enterOpen(self);
                        continue;
                    }
                    throw new MemoryBudgetExceededException(String.format(
                        "maxEntries of %,d reached in cache '%s' and policy %s found nothing it may evict",
                        maxEntries, cacheName, policy.name()));
                }
                if (action == WRITE) {
                    long expiry = mutator == null ? deadline : mutator.newExpiry();
                    if (expiry == -1) {
                        expiry = present ? decodeExpiry(Entry.expiry(oldMeta)) : 0;
                    }
                    final long tick = tick(now);
                    try {
                        if (prepared >= 0) {
                            newGlobal = prepared;
                            preparedUsed = true;
                            final long meta = memory.buffer(prepared).getLong(NativeMemory.offset(prepared) + Entry.META);
                            newAccess = present ? policy.onUpdate(Entry.access(oldMeta), hash, tick) : Entry.access(meta);
                            setMeta(prepared, expiry, newAccess);
                        } else {
                            newAccess = present ? policy.onUpdate(Entry.access(oldMeta), hash, tick) : policy.onInsert(hash, tick);
                            newGlobal = prepare(cacheId, key, klen, hash, mutator.newValueBytes(), mutator.newValueLength(),
                                expiry, cacheName, true, newAccess, now);
                        }
                    } catch (final RuntimeException | Error e) {
                        unlock(t, i, s, claimed, hadEntry && wasExpired, cacheId, oldGlobal);
                        if (e == RETRY_AFTER_RESIZE) {
                            quiescence.exit(token, self);
                            token = -1;
                            awaitResize(t);
                            token = enterOpen(self);
                            mutatorRetries++;
                            if (mutatorRetries > 1000) {
                                throw new MemoryBudgetExceededException("no room found while the index was being resized");
                            }
                            continue;
                        }
                        throw e;
                    }
                    t.storeRelease(i, HashIndex.tagBits(hash) | (newGlobal >>> 3));
                    if (!hadEntry) {
                        policy.onLinked(newGlobal, newAccess, hash);
                    }
                } else if (action == REMOVE && present) {
                    t.storeRelease(i, HashIndex.TOMBSTONE);
                } else {
                    unlock(t, i, s, claimed, hadEntry && wasExpired, cacheId, oldGlobal);
                    return KEEP | (present ? PRESENT : 0) | (wasExpired ? EXPIRED : 0);
                }
                // the old entry is unlinked: reclaim it
                if (hadEntry) {
                    final int oldAccess = unlinkedAccess(oldGlobal);
                    if (action == WRITE) {
                        // one policy call for the pair: counts of a region the entry stays in are not touched
                        policy.onReplaced(oldAccess, newGlobal, newAccess, hash);
                    } else {
                        policy.onUnlinked(oldAccess);
                    }
                    if (wasExpired) {
                        notifyReclaimed(true, cacheId, oldGlobal);
                    }
                    freeEntry(oldGlobal);
                }
                // an expired entry replaced by a write leaves the count as it was
                if (action == WRITE && !present && !wasExpired) {
                    sizes[cacheId].increment();
                } else if (action == REMOVE) {
                    sizes[cacheId].decrement();
                }
                return action | (present ? PRESENT : 0) | (wasExpired ? EXPIRED : 0);
            }
        } finally {
            if (prepared >= 0 && !preparedUsed) {
                if (token < 0) {
                    token = quiescence.enter(self); // so that close() cannot free the memory under us
                }
                if (!closed) {
                    freeEntry(prepared);
                }
            }
            if (token >= 0) {
                quiescence.exit(token, self);
            }
        }
    }

    /** Releases a locked slot without a new value; an expired old entry is reclaimed. */
    private void unlock(final HashIndex.Table t, final long i, final long s, final boolean claimed,
                        final boolean reclaimExpired, final int cacheId, final long oldGlobal) {
        if (claimed) {
            t.storeRelease(i, HashIndex.TOMBSTONE);
        } else if (reclaimExpired) {
            t.storeRelease(i, HashIndex.TOMBSTONE);
            notifyReclaimed(true, cacheId, oldGlobal);
            retire(oldGlobal);
            sizes[cacheId].decrement();
        } else {
            t.storeRelease(i, s & ~HashIndex.LOCK);
        }
    }

    /** Sets the meta word of a prepared (not yet linked) entry. */
    private void setMeta(final long global, final long deadline, final int access) {
        final UnsafeBuffer buf = memory.buffer(global);
        // a release store: the index slot's release store that links the entry publishes it; until
        // then only a stale CAS (or stamp store) of the slot's previous entry can meet this word,
        // and a fence here would not change what that meets (see Entry)
        buf.putLongRelease(NativeMemory.offset(global) + Entry.META, Entry.meta(encodeExpiry(deadline), access));
    }

    /** Frees an entry that has just been unlinked from the index, telling the policy it left. */
    private void retire(final long global) {
        policy.onUnlinked(unlinkedAccess(global));
        freeEntry(global);
    }

    /**
     * Seals the meta word of an entry this thread has just unlinked (see {@link Entry}): no reader or
     * evictor can change its access word any more.
     *
     * @return the final access word
     */
    private int unlinkedAccess(final long global) {
        return Entry.access(seal(memory.buffer(global), NativeMemory.offset(global)));
    }

    /** @return the meta word as it was when this call sealed it (without the seal bit) */
    private static long seal(final UnsafeBuffer buf, final int off) {
        for (;;) {
            final long meta = buf.getLongVolatile(off + Entry.META);
            if (Entry.sealed(meta)) {
                return meta & ~Entry.SEALED; // sealed already: sealing is idempotent
            }
            if (buf.compareAndSetLong(off + Entry.META, meta, meta | Entry.SEALED)) {
                return meta;
            }
        }
    }

    /**
     * Changes the deadline of an existing, unexpired entry in place.
     *
     * @param deadline absolute ms, or 0 to persist
     * @return the previous deadline (0 for none), or -1 if absent
     */
    public long setExpiry(final int cacheId, final byte[] key, final int klen, final long hash, final long deadline) {
        final Scratch.Frames self = Scratch.current();
        final int token = enterOpen(self);
        try {
            return setExpiry0(cacheId, key, klen, hash, deadline);
        } finally {
            quiescence.exit(token, self);
        }
    }

    private long setExpiry0(final int cacheId, final byte[] key, final int klen, final long hash, final long deadline) {
        for (;;) {
            final HashIndex.Table t = index.table();
            final long i = lockKey(t, cacheId, key, klen, hash, false);
            if (i == LOCKED) {
                continue;
            }
            if (i == ABSENT) {
                return -1;
            }
            final long s = t.load(i);
            final long global = (s & HashIndex.REF_MASK) << 3;
            final UnsafeBuffer buf = memory.buffer(global);
            final int off = NativeMemory.offset(global);
            for (;;) {
                final long meta = buf.getLongVolatile(off + Entry.META);
                if (expired(meta, clock.millis())) {
                    unlock(t, i, s, false, true, cacheId, global);
                    return -1;
                }
                if (buf.compareAndSetLong(off + Entry.META, meta, Entry.meta(encodeExpiry(deadline), Entry.access(meta)))) {
                    t.storeRelease(i, s & ~HashIndex.LOCK);
                    return decodeExpiry(Entry.expiry(meta));
                }
            }
        }
    }

    /**
     * Finds and locks the slot of a key.
     *
     * @return the slot index with LOCK held (its ref is TOMBSTONE for a newly claimed slot),
     *         {@link #ABSENT}, {@link #LOCKED} if the table changed (retry), or -3 if a new slot
     *         is needed but the table is too full (grow, then retry)
     */
    private long lockKey(final HashIndex.Table t, final int cacheId, final byte[] key, final int klen, final long hash,
                         final boolean claim) {
        final long tag = HashIndex.tagOf(hash);
        long i = t.home(hash);
        int spins = 0;
        for (long n = 0; n < t.capacity; ) {
            final long s = t.load(i);
            if ((s & HashIndex.FROZEN) != 0) {
                awaitResize(t);
                return LOCKED;
            }
            if (s == HashIndex.EMPTY) {
                if (!claim) {
                    return ABSENT;
                }
                if (t.claimed.sum() >= t.hardLimit) {
                    return -3;
                }
                if (t.cas(i, HashIndex.EMPTY, HashIndex.tagBits(hash) | HashIndex.LOCK | HashIndex.TOMBSTONE)) {
                    t.claimed.increment();
                    return i;
                }
                continue; // re-read the same slot
            }
            if ((s >>> HashIndex.TAG_SHIFT) != tag) {
                n++;
                i = t.next(i);
                continue;
            }
            if ((s & HashIndex.LOCK) != 0) {
                spins = backoff(spins);
                if (index.table() != t) {
                    return LOCKED;
                }
                continue; // same key (or a tag twin) is being written: wait and re-read
            }
            final long ref = s & HashIndex.REF_MASK;
            if (ref == HashIndex.TOMBSTONE) {
                n++;
                i = t.next(i);
                continue;
            }
            final long global = ref << 3;
            final UnsafeBuffer buf = memory.buffer(global);
            final int off = NativeMemory.offset(global);
            final boolean match = keyMatches(buf, off, cacheId, key, klen);
            if (t.load(i) != s) {
                continue; // changed while comparing: re-read
            }
            if (!match) {
                n++;
                i = t.next(i);
                continue;
            }
            if (t.cas(i, s, s | HashIndex.LOCK)) {
                return i;
            }
        }
        return claim ? -3 : ABSENT;
    }

    private static int backoff(final int spins) {
        if (spins < 64) {
            Thread.onSpinWait();
        } else if (spins < 128) {
            Thread.yield();
        } else {
            LockSupport.parkNanos(10_000);
        }
        return spins + 1;
    }

    private void awaitResize(final HashIndex.Table t) {
        int spins = 0;
        while (index.table() == t && resizing.get()) {
            spins = backoff(spins);
        }
        spins = 0;
        while (index.table() == t) {
            // frozen slots but the resizer has not published yet
            spins = backoff(spins);
            if (!resizing.get() && index.table() == t) {
                return; // resize aborted; slots were unfrozen
            }
        }
    }

    // ------------------------------------------------------------------ index growth

    private void grow(final HashIndex.Table t) {
        if (!resizing.compareAndSet(false, true)) {
            awaitResize(t);
            return;
        }
        HashIndex.Table replaced = null;
        final Scratch.Frames self = Scratch.current();
        int token = -1;
        try {
            token = enterOpen(self); // so that close() waits for the copy
            if (index.table() != t) {
                return;
            }
            long live = 0;
            for (int c = 1; c < sizes.length && sizes[c] != null; c++) {
                live += sizes[c].sum();
            }
            final long capacity = HashIndex.capacityFor(live, memory);
            if (capacity == t.capacity && t.claimed.sum() <= t.threshold) {
                return;
            }
            final int pageCount = HashIndex.pagesFor(capacity, memory);
            final int[] pages = new int[pageCount];
            int got = 0;
            try {
                for (; got < pageCount; got++) {
                    pages[got] = acquirePageForIndex();
                }
            } catch (final MemoryBudgetExceededException e) {
                for (int k = 0; k < got; k++) {
                    slabs.releaseIndexPage(pages[k]);
                }
                if (t.claimed.sum() < t.hardLimit) {
                    return; // keep going in the current table
                }
                throw e;
            }
            final HashIndex.Table next = new HashIndex.Table(capacity, pages, memory);
            next.zero(memory.pageSize);
            final ExpandableKey keyCopy = new ExpandableKey();
            for (long i = 0; i < t.capacity; i++) {
                long s;
                int spins = 0;
                for (;;) {
                    s = t.load(i);
                    if ((s & HashIndex.LOCK) != 0) {
                        spins = backoff(spins);
                        continue;
                    }
                    if (t.cas(i, s, s | HashIndex.FROZEN)) {
                        break;
                    }
                }
                if (!HashIndex.isLive(s)) {
                    continue;
                }
                final long global = (s & HashIndex.REF_MASK) << 3;
                final UnsafeBuffer buf = memory.buffer(global);
                final int off = NativeMemory.offset(global);
                final int klen = buf.getShort(off + Entry.KEY_LENGTH) & 0xFFFF;
                final int cacheId = buf.getShort(off + Entry.CACHE_ID) & 0xFFFF;
                final byte[] k = keyCopy.copy(buf, off + Entry.HEADER, klen);
                final long h = hash(cacheId, k, klen);
                long j = next.home(h);
                while (next.load(j) != HashIndex.EMPTY) {
                    j = next.next(j);
                }
                next.storePlain(j, HashIndex.tagBits(h) | (s & HashIndex.REF_MASK));
                next.claimed.increment();
            }
            VarHandle.releaseFence();
            index.publish(next);
            replaced = t;
        } finally {
            resizing.set(false);
            if (token >= 0) {
                quiescence.exit(token, self);
            }
        }
        if (replaced != null) {
            retireTable(replaced); // after clearing the flag: writers waiting on it must be able to finish
        }
    }

    /**
     * Returns a replaced table's pages to the pool once no operation can still be writing through
     * it; if the calling thread is itself inside an operation it cannot wait for that, so the pages
     * wait for the next table replacement done from outside.
     */
    private void retireTable(final HashIndex.Table t) {
        synchronized (deferredTables) {
            deferredTables.add(t);
            if (Quiescence.inside(Scratch.current())) {
                return;
            }
        }
        quiescence.await();
        synchronized (deferredTables) {
            for (final HashIndex.Table old : deferredTables) {
                for (final int page : old.pages) {
                    slabs.releaseIndexPage(page);
                }
            }
            deferredTables.clear();
        }
    }

    /** A growable byte[] for key copies. */
    private static final class ExpandableKey {
        private byte[] bytes = new byte[64];

        byte[] copy(final UnsafeBuffer buf, final int off, final int len) {
            if (bytes.length < len) {
                bytes = new byte[Math.max(len, bytes.length * 2)];
            }
            buf.getBytes(off, bytes, 0, len);
            return bytes;
        }
    }

    private int acquirePageForIndex() {
        for (int attempt = 0; attempt < 64; attempt++) {
            final int page = slabs.acquireIndexPage();
            if (page >= 0) {
                return page;
            }
            if (!policy.evicts() || !drainSomePage(-1)) {
                break;
            }
        }
        throw new MemoryBudgetExceededException(String.format(
            "the index needs another page of %,d bytes to grow and the budget of %,d bytes is full (policy %s)",
            memory.pageSize, memory.limit, policy.name()));
    }

    // ------------------------------------------------------------------ allocation and eviction

    private long allocate(final int size, final boolean holdsLock, final String cacheName) {
        final int cls = slabs.classFor(size);
        int failures = 0;
        int evicted = 0;
        int drained = 0;
        int attempt = 0;
        for (; attempt < MAX_EVICTION_ATTEMPTS; attempt++) {
            final long global = slabs.allocate(cls);
            if (global >= 0) {
                return global;
            }
            if (!policy.evicts()) {
                break;
            }
            // An eviction may succeed without freeing room of this class: a policy that finds victims
            // outside sampling (w-tinylfu's queues) may take an entry of another size, and one freed
            // slot can be taken by another writer first. Every EVICTIONS_PER_DRAIN evictions that left
            // this allocation without a slot, a page is drained for the class as well.
            if (policy.evict(new Victims(this, cls), tick(clock.millis()))
                && ++evicted % EVICTIONS_PER_DRAIN != 0) {
                failures = 0;
                continue;
            }
            if (drainSomePage(cls)) {
                drained++;
                failures = 0;
                continue;
            }
            // nothing evictable found this round: other writers may hold what we need (a page they are
            // draining, entries they are writing); give up only when nobody else is freeing anything
            if (++failures > 64) {
                if (holdsLock && resizing.get()) {
                    throw RETRY_AFTER_RESIZE; // our own lock may be what holds the resize up
                }
                if (drainsInProgress.get() == 0 && !resizing.get() && failures > 128) {
                    break;
                }
            }
            if (!holdsLock && resizing.get()) {
                awaitResize(index.table());
            } else if (failures > 64) {
                LockSupport.parkNanos(50_000);
            } else {
                Thread.yield();
            }
        }
        throw new MemoryBudgetExceededException(String.format(
            "no room for an entry of %,d bytes (slot of %,d) in cache '%s': budget of %,d bytes in use "
                + "(%,d bytes held) and policy %s %s (%d rounds: %d evictions, %d pages drained%s)",
            size, slabs.slotSizes[cls], cacheName, memory.limit, memory.used(), policy.name(),
            policy.evicts() ? "found nothing more it may evict" : "never evicts", attempt, evicted, drained,
            holdsLock ? ", inside compute" : ""));
    }

    /**
     * Samples up to {@code max} live entries (of slab class {@code cls}, unless it is -1) for the
     * eviction policy: random index positions, then the following slots of the same cache line.
     */
    void sample(final Candidates out, final int max, final int cls) {
        final HashIndex.Table t = index.table();
        final ThreadLocalRandom rnd = ThreadLocalRandom.current();
        final long now = clock.millis();
        // a sparse index (few entries in a large table) needs more probes to find `max` entries
        final long live = Math.max(1, totalSize());
        final long probes = Math.min(MAX_SAMPLE_PROBES,
            Math.max((long) max * PROBES_PER_SAMPLE, 2L * max * t.capacity / live));
        long i = 0;
        for (long p = 0; p < probes && out.count < max; p++) {
            i = (p & 7) == 0 ? rnd.nextLong(t.capacity) : t.next(i);
            final long s = t.load(i);
            if (!HashIndex.isLive(s) || (s & (HashIndex.LOCK | HashIndex.FROZEN)) != 0) {
                continue;
            }
            final long global = (s & HashIndex.REF_MASK) << 3;
            if (!slabs.isAllocatedSlot(global) || (cls >= 0 && slabs.classOfSlot(global) != cls)) {
                continue;
            }
            final UnsafeBuffer buf = memory.buffer(global);
            final long meta = buf.getLongVolatile(NativeMemory.offset(global) + Entry.META);
            final long expiry = Entry.expiry(meta);
            final long remaining = expiry == 0 ? -1 : Math.max(0, decodeExpiry(expiry) - now);
            out.add(global, Entry.access(meta), remaining);
        }
        if (index.table() != t) {
            out.count = 0; // read from a replaced table: may be garbage
        }
    }

    /** @return whether the entry at {@code global} was evicted now */
    boolean evictHandle(final long global) {
        final long now = clock.millis();
        return evictEntryAt(global, now, tick(now)) == EVICTED_ENTRY;
    }

    /**
     * For tests and diagnostics: where the index links {@code key}.
     *
     * @return the entry's global offset, or -1 if the key is not linked
     */
    long linkedEntry(final int cacheId, final byte[] key, final int klen, final long hash) {
        for (;;) {
            final long global = findLinked(cacheId, key, klen, hash);
            if (global != LOOK_AGAIN) {
                return global;
            }
            Thread.onSpinWait();
        }
    }

    /** @return the slab class of the slot at {@code global}, or -1 */
    int classOf(final long global) {
        return slabs.classOfSlot(global);
    }

    /** @return the key hash of the live entry at {@code global}, or 0 */
    long keyHashOf(final long global) {
        if (!slabs.isAllocatedSlot(global)) {
            return 0;
        }
        final UnsafeBuffer buf = memory.buffer(global);
        final int off = NativeMemory.offset(global);
        final int g = buf.getIntVolatile(off + Entry.GUARD);
        if ((g & Entry.LIVE) == 0) {
            return 0;
        }
        final int klen = buf.getShort(off + Entry.KEY_LENGTH) & 0xFFFF;
        final int cacheId = buf.getShort(off + Entry.CACHE_ID) & 0xFFFF;
        final Scratch sc = Scratch.acquire();
        try {
            sc.keyCopy.checkLimit(klen);
            final byte[] k = sc.keyCopy.byteArray();
            if (off + Entry.HEADER + klen > buf.capacity()) {
                return 0;
            }
            buf.getBytes(off + Entry.HEADER, k, 0, klen);
            VarHandle.acquireFence();
            if (buf.getIntVolatile(off + Entry.GUARD) != g) {
                return 0;
            }
            final long h = hash(cacheId, k, klen);
            return h == 0 ? 1 : h;
        } finally {
            sc.release();
        }
    }

    /** @return the access word of the live entry at {@code global}, or -1 */
    int accessOf(final long global) {
        if (!slabs.isAllocatedSlot(global)) {
            return -1;
        }
        final UnsafeBuffer buf = memory.buffer(global);
        final int off = NativeMemory.offset(global);
        final int g = buf.getIntVolatile(off + Entry.GUARD);
        final long meta = buf.getLongVolatile(off + Entry.META);
        VarHandle.acquireFence();
        if ((g & Entry.LIVE) == 0 || buf.getIntVolatile(off + Entry.GUARD) != g) {
            return -1;
        }
        return Entry.access(meta);
    }

    /** Replaces the access word of the live entry at {@code global}. */
    boolean casAccess(final long global, final int expected, final int update) {
        if (!slabs.isAllocatedSlot(global)) {
            return false;
        }
        final UnsafeBuffer buf = memory.buffer(global);
        final int off = NativeMemory.offset(global);
        final int g = buf.getIntVolatile(off + Entry.GUARD);
        if ((g & Entry.LIVE) == 0) {
            return false;
        }
        final long meta = buf.getLongVolatile(off + Entry.META);
        if (Entry.access(meta) != expected || Entry.sealed(meta)) {
            return false; // changed, or the entry left (its word is final)
        }
        // A successful CAS changed a word that was not sealed: the entry's, reported as final when it
        // leaves, or (a stale handle) a new entry's in the recycled slot, which keeps the changed word.
        // Either way the policy must count the transition, so the result is the CAS's alone; failing
        // it because the guard changed afterwards would leave the change uncounted.
        return buf.compareAndSetLong(off + Entry.META, meta, Entry.meta(Entry.expiry(meta), update));
    }

    /** @return hits over all caches */
    long totalHits() {
        long n = 0;
        for (int c = 1; c < sizes.length && sizes[c] != null; c++) {
            final CacheHooks h = hooks.get(c);
            n += h == null ? 0 : h.hits();
        }
        return n;
    }

    /** @return misses over all caches */
    long totalMisses() {
        long n = 0;
        for (int c = 1; c < sizes.length && sizes[c] != null; c++) {
            final CacheHooks h = hooks.get(c);
            n += h == null ? 0 : h.misses();
        }
        return n;
    }

    /** @return entries over all caches */
    public long totalSize() {
        long n = 0;
        for (int c = 1; c < sizes.length && sizes[c] != null; c++) {
            n += sizes[c].sum();
        }
        return n;
    }

    /**
     * Evicts by policy until one more entry fits under {@code maxEntries}. Called while holding
     * the new key's slot lock, so evictions only try other keys' locks.
     *
     * @return whether there is room
     */
    private boolean makeRoomForOne() {
        int failures = 0;
        for (int attempt = 0; attempt < MAX_EVICTION_ATTEMPTS && totalSize() >= maxEntries; attempt++) {
            if (!policy.evicts()) {
                return false;
            }
            if (!policy.evict(allEntries, tick(clock.millis())) && ++failures > 64) {
                return false;
            }
        }
        return totalSize() < maxEntries;
    }

    /**
     * Unlinks and frees the entry in slot {@code i} if the slot still holds {@code s} and can be
     * locked without waiting.
     */
    private boolean tryReclaim(final HashIndex.Table t, final long i, final long s, final boolean expired) {
        // the table must still be the current one: a replaced table's pages may already hold other data
        if ((s & (HashIndex.LOCK | HashIndex.FROZEN)) != 0 || index.table() != t || !t.cas(i, s, s | HashIndex.LOCK)) {
            return false;
        }
        final long global = (s & HashIndex.REF_MASK) << 3;
        final UnsafeBuffer buf = memory.buffer(global);
        final int cacheId = buf.getShort(NativeMemory.offset(global) + Entry.CACHE_ID) & 0xFFFF;
        t.storeRelease(i, HashIndex.TOMBSTONE);
        notifyReclaimed(expired, cacheId, global);
        retire(global);
        final LongAdder size = sizes[cacheId];
        if (size != null) {
            size.decrement();
        }
        return true;
    }

    private void notifyReclaimed(final boolean expired, final int cacheId, final long global) {
        final CacheHooks h = hooks.get(cacheId);
        if (h == null) {
            return;
        }
        final UnsafeBuffer buf = memory.buffer(global);
        final int off = NativeMemory.offset(global);
        final int klen = buf.getShort(off + Entry.KEY_LENGTH) & 0xFFFF;
        final int vlen = buf.getInt(off + Entry.VALUE_LENGTH);
        try {
            h.onReclaimed(expired, buf, off + Entry.HEADER, klen, off + Entry.HEADER + klen, vlen);
        } catch (final RuntimeException ignored) {
            // a listener's failure must not undo or break the store's bookkeeping
        }
    }

    /**
     * Empties one class page (evicting every entry in it) and returns it to the page pool.
     *
     * @param forClass the class that needs memory (its own pages are not drained unless it has
     *                 more than one), or -1 for the index
     * @return whether a page was freed
     */
    private boolean drainSomePage(final int forClass) {
        final ThreadLocalRandom rnd = ThreadLocalRandom.current();
        final int pages = memory.pageCount;
        int best = -1;
        int bestLive = Integer.MAX_VALUE;
        // A class's allocation pages are the emptiest, but also where writers are filling entries
        // they have not linked yet, which a drain can only wait for: so they are the last resort.
        int bestCurrent = -1;
        int bestCurrentLive = Integer.MAX_VALUE;
        for (int probe = 0; probe < 64; probe++) {
            final int p = rnd.nextInt(pages);
            final int state = slabs.pageState.get(p);
            if (state < 0 || (state & SlabAllocator.DRAINING) != 0) {
                continue;
            }
            if (state == forClass && slabs.classPages.get(forClass) <= 1) {
                continue;
            }
            final int live = slabs.pageLive.get(p);
            if (live < 0) {
                continue;
            }
            if (slabs.isCurrent(p, state)) {
                if (live < bestCurrentLive) {
                    bestCurrent = p;
                    bestCurrentLive = live;
                }
            } else if (live < bestLive) {
                best = p;
                bestLive = live;
                if (live == 0) {
                    break;
                }
            }
        }
        if (best < 0) {
            best = bestCurrent;
        }
        if (best < 0) {
            return false;
        }
        final int cls = slabs.beginDrain(best);
        if (cls < 0) {
            return false;
        }
        drainsInProgress.incrementAndGet();
        try {
            return drain(best, cls);
        } finally {
            drainsInProgress.decrementAndGet();
        }
    }

    private boolean drain(final int best, final int cls) {
        final int[] outcome = new int[1];
        final Victims victims = new Victims(this, cls);
        for (int round = 0; round < 200 && slabs.pageLive.get(best) > 0 && outcome[0] != PROTECTED; round++) {
            slabs.forEachAllocated(best, cls, global -> {
                if (outcome[0] != PROTECTED) {
                    final int r = moveOut(global, cls, victims);
                    if (r == PROTECTED) {
                        outcome[0] = PROTECTED;
                    }
                }
            });
            if (slabs.pageLive.get(best) > 0) {
                Thread.yield();
            }
        }
        if (slabs.tryRelease(best, cls)) {
            return true;
        }
        slabs.abortDrain(best, cls);
        return false;
    }

    private static final int EVICTED_ENTRY = 0;
    private static final int BUSY = 1;
    private static final int PROTECTED = 2;
    static final int MOVED = 3;
    private static final int NO_ROOM = 4;

    /**
     * Empties one slot of a page being drained without throwing away what the policy would keep:
     * the entry moves to a free slot of its class elsewhere; if there is none, the policy first
     * evicts its choice of victim in the class (which may be this very entry), then the entry moves.
     * Only when that fails too is the entry itself evicted.
     */
    private int moveOut(final long global, final int cls, final Victims victims) {
        int r = relocate(global, cls);
        if (r != NO_ROOM) {
            return r;
        }
        final long now = clock.millis();
        // a victim may sit in this same page, which frees nothing elsewhere: try a few
        for (int k = 0; k < 4 && policy.evicts() && policy.evict(victims, tick(now)); k++) {
            if (accessOf(global) < 0) {
                return EVICTED_ENTRY; // the policy chose this entry
            }
            r = relocate(global, cls);
            if (r != NO_ROOM) {
                return r;
            }
        }
        return evictEntryAt(global, now, tick(now));
    }

    /**
     * Moves a live entry to another slot of its class (compaction): copy, then swap the index
     * slot's ref under the key's lock, then free the old slot.
     *
     * @return MOVED, BUSY, or NO_ROOM when the class has no free slot outside draining pages
     */
    int relocate(final long global, final int cls) {
        final long hash = keyHashOf(global);
        if (hash == 0) {
            return BUSY;
        }
        final HashIndex.Table t = index.table();
        final long want = global >>> 3;
        long i = t.home(hash);
        long s = 0;
        boolean found = false;
        for (long n = 0; n < t.capacity; n++, i = t.next(i)) {
            s = t.load(i);
            if (s == HashIndex.EMPTY) {
                break;
            }
            if ((s & HashIndex.REF_MASK) == want) {
                found = true;
                break;
            }
        }
        if (!found || (s & (HashIndex.LOCK | HashIndex.FROZEN)) != 0) {
            return BUSY;
        }
        final long target = slabs.allocate(cls);
        if (target < 0) {
            return NO_ROOM;
        }
        if (!t.cas(i, s, s | HashIndex.LOCK)) {
            slabs.free(target);
            return BUSY;
        }
        // Locked: the entry this slot links cannot change or leave. It may not be the key we hashed
        // (the slot at `global` can have been reused by a key further along the same probe run), so
        // everything is read again now that it is stable.
        final UnsafeBuffer buf = memory.buffer(global);
        final int off = NativeMemory.offset(global);
        final int klen = buf.getShort(off + Entry.KEY_LENGTH) & 0xFFFF;
        final int vlen = buf.getInt(off + Entry.VALUE_LENGTH);
        final UnsafeBuffer tb = memory.buffer(target);
        final int toff = NativeMemory.offset(target);
        final int size = Entry.HEADER + klen + vlen;
        tb.putBytes(toff + Entry.VALUE_LENGTH, buf, off + Entry.VALUE_LENGTH, size - Entry.VALUE_LENGTH);
        // sealed before the copy: a reader's later update of the old entry's word would be lost
        // with the old entry, and must not be reported to the policy either
        final long meta = seal(buf, off);
        tb.putLong(toff + Entry.META, meta);
        final int tg = tb.getIntVolatile(toff + Entry.GUARD);
        tb.putIntRelease(toff + Entry.GUARD, (tg & Entry.SEQ_MASK) | Entry.LIVE);
        final long actualHash = keyHashOf(target);
        t.storeRelease(i, (s & ~HashIndex.LOCK & ~HashIndex.REF_MASK) | (target >>> 3));
        final int access = Entry.access(meta);
        policy.onReplaced(access, target, access, actualHash);
        freeEntry(global);
        return MOVED;
    }

    /**
     * Evicts the entry at {@code global} through its index slot.
     *
     * @return EVICTED_ENTRY, BUSY (being written, pinned or locked: try again) or PROTECTED (the
     *         policy may not evict it)
     */
    private int evictEntryAt(final long global, final long now, final long tick) {
        if (!slabs.isAllocatedSlot(global)) {
            return BUSY;
        }
        final UnsafeBuffer buf = memory.buffer(global);
        final int off = NativeMemory.offset(global);
        final int g = buf.getIntVolatile(off + Entry.GUARD);
        if ((g & Entry.LIVE) == 0) {
            return BUSY;
        }
        final long meta = buf.getLongVolatile(off + Entry.META);
        final boolean isExpired = expired(meta, now);
        if (!isExpired) {
            final long expiry = Entry.expiry(meta);
            if (policy.score(Entry.access(meta), expiry == 0 ? -1 : decodeExpiry(expiry) - now, tick)
                == EvictionPolicy.NOT_EVICTABLE) {
                return PROTECTED;
            }
        }
        final int klen = buf.getShort(off + Entry.KEY_LENGTH) & 0xFFFF;
        final int cacheId = buf.getShort(off + Entry.CACHE_ID) & 0xFFFF;
        final Scratch sc = Scratch.acquire();
        try {
            sc.keyCopy.checkLimit(klen);
            final byte[] k = sc.keyCopy.byteArray();
            buf.getBytes(off + Entry.HEADER, k, 0, klen);
            if (buf.getIntVolatile(off + Entry.GUARD) != g) {
                return BUSY;
            }
            final long hash = hash(cacheId, k, klen);
            final HashIndex.Table t = index.table();
            final long want = global >>> 3;
            long i = t.home(hash);
            for (long n = 0; n < t.capacity; n++, i = t.next(i)) {
                final long s = t.load(i);
                if (s == HashIndex.EMPTY) {
                    return BUSY;
                }
                if ((s & HashIndex.REF_MASK) == want) {
                    return tryReclaim(t, i, s, isExpired) ? EVICTED_ENTRY : BUSY;
                }
            }
            return BUSY;
        } finally {
            sc.release();
        }
    }

    // ------------------------------------------------------------------ scans: expiry, clear, iteration

    /**
     * Reclaims expired entries in the next {@code slots} index slots (a cursor walks the index).
     *
     * @return how many entries were reclaimed
     */
    public int expireStep(final int slots) {
        final Scratch.Frames self = Scratch.current();
        final int token = enterOpen(self);
        try {
            return expireStep0(slots);
        } finally {
            quiescence.exit(token, self);
        }
    }

    private int expireStep0(final int slots) {
        if (systemClock) {
            advanceCoarse(clock.millis()); // keeps the read path's cached time within an expiry interval
        }
        if (!anyDeadline) {
            return 0; // no entry has ever had a deadline: walking the index would find nothing
        }
        final HashIndex.Table t = index.table();
        final long now = clock.millis();
        int reclaimed = 0;
        long cursor;
        synchronized (this) {
            cursor = expiryCursor;
            expiryCursor = cursor + slots;
        }
        for (int k = 0; k < slots; k++) {
            final long i = Long.remainderUnsigned(cursor + k, t.capacity);
            final long s = t.load(i);
            if (!HashIndex.isLive(s)) {
                continue;
            }
            if (index.table() != t) {
                break; // resized: the rest of this table may be reused memory
            }
            final long global = (s & HashIndex.REF_MASK) << 3;
            if (!slabs.isAllocatedSlot(global)) {
                continue;
            }
            final UnsafeBuffer buf = memory.buffer(global);
            final long meta = buf.getLongVolatile(NativeMemory.offset(global) + Entry.META);
            if (expired(meta, now) && tryReclaim(t, i, s, true)) {
                reclaimed++;
            }
        }
        return reclaimed;
    }

    /** @return the native page size in bytes */
    public int pageSize() {
        return memory.pageSize;
    }

    /** @return the index table's current slot count */
    public long indexCapacity() {
        return index.table().capacity;
    }

    /**
     * Reclaims every expired entry; waits for locked slots.
     *
     * @return how many entries were reclaimed
     */
    public long expireAll() {
        final long now = clock.millis();
        return removeWhere(0, now, true, null);
    }

    /** Receives entries during a scan; the bytes are valid during the call only. */
    public interface EntryVisitor {
        /** @return whether to remove the entry */
        boolean visit(DirectBuffer buffer, int keyOffset, int keyLength, int valueOffset, int valueLength, long deadline);
    }

    /**
     * Removes entries of one cache ({@code cacheId > 0}) or of all caches, either the expired
     * ones ({@code expiredOnly}) or those the visitor selects (all, if it is {@code null}).
     *
     * @return how many were removed
     */
    public long removeWhere(final int cacheId, final long now, final boolean expiredOnly, final EntryVisitor visitor) {
        final long removed;
        final Scratch.Frames self = Scratch.current();
        final int token = enterOpen(self);
        try {
            removed = removeWhere0(cacheId, now, expiredOnly, visitor);
        } finally {
            quiescence.exit(token, self);
        }
        if (removed > 0) {
            shrinkIfSparse();
        }
        return removed;
    }

    private long removeWhere0(final int cacheId, final long now, final boolean expiredOnly, final EntryVisitor visitor) {
        long removed = 0;
        HashIndex.Table t = index.table();
        for (long i = 0; i < t.capacity; i++) {
            for (int spins = 0; ; ) {
                if (index.table() != t) {
                    t = index.table();
                    i = -1; // restart on the new table: removal is idempotent
                    break;
                }
                final long s = t.load(i);
                if (!HashIndex.isLive(s)) {
                    break;
                }
                if ((s & (HashIndex.LOCK | HashIndex.FROZEN)) != 0) {
                    spins = backoff(spins);
                    continue;
                }
                final long global = (s & HashIndex.REF_MASK) << 3;
                final UnsafeBuffer buf = memory.buffer(global);
                final int off = NativeMemory.offset(global);
                if (cacheId > 0 && (buf.getShort(off + Entry.CACHE_ID) & 0xFFFF) != cacheId) {
                    break;
                }
                final long meta = buf.getLongVolatile(off + Entry.META);
                final boolean isExpired = expired(meta, now);
                if (expiredOnly && !isExpired) {
                    break;
                }
                if (!t.cas(i, s, s | HashIndex.LOCK)) {
                    continue;
                }
                boolean remove = true;
                if (visitor != null && !isExpired) {
                    final int klen = buf.getShort(off + Entry.KEY_LENGTH) & 0xFFFF;
                    final int vlen = buf.getInt(off + Entry.VALUE_LENGTH);
                    try {
                        remove = visitor.visit(buf, off + Entry.HEADER, klen, off + Entry.HEADER + klen, vlen,
                            decodeExpiry(Entry.expiry(meta)));
                    } catch (final RuntimeException | Error e) {
                        t.storeRelease(i, s);
                        throw e;
                    }
                }
                if (!remove) {
                    t.storeRelease(i, s);
                    break;
                }
                final int id = buf.getShort(off + Entry.CACHE_ID) & 0xFFFF;
                t.storeRelease(i, HashIndex.TOMBSTONE);
                if (isExpired) {
                    notifyReclaimed(true, id, global);
                }
                retire(global);
                sizes[id].decrement();
                removed++;
                break;
            }
        }
        return removed;
    }

    /** Rebuilds the index smaller when most of it is empty (after clear or mass expiry). */
    private void shrinkIfSparse() {
        final HashIndex.Table t = index.table();
        long live = 0;
        for (int c = 1; c < sizes.length && sizes[c] != null; c++) {
            live += sizes[c].sum();
        }
        if (HashIndex.capacityFor(live, memory) <= t.capacity / 2) {
            grow(t);
        }
    }

    /**
     * Visits the unexpired entries of a cache, weakly consistently: each entry present for the
     * whole scan is seen; entries added or removed meanwhile may or may not be. If the index is
     * resized during the scan, the scan restarts on the new table and {@code visitor} may see an
     * entry twice (callers de-duplicate by key).
     *
     * @param from   slot to start at
     * @param max    entries to deliver before returning
     * @return the slot to continue from, or -1 when done
     */
    public long scan(final int cacheId, final long from, final int max, final EntryVisitor visitor, final UnsafeBuffer view) {
        final Scratch.Frames self = Scratch.current();
        final int token = enterOpen(self);
        try {
            return scan0(cacheId, from, max, visitor, view);
        } finally {
            quiescence.exit(token, self);
        }
    }

    private long scan0(final int cacheId, final long from, final int max, final EntryVisitor visitor, final UnsafeBuffer view) {
        final HashIndex.Table t = index.table();
        final long now = clock.millis();
        int delivered = 0;
        long i = from;
        for (; i < t.capacity && delivered < max; i++) {
            final long s = t.load(i);
            if (!HashIndex.isLive(s)) {
                continue;
            }
            final long global = (s & HashIndex.REF_MASK) << 3;
            final UnsafeBuffer buf = memory.bufferOrNull(global, Entry.HEADER);
            if (buf == null) {
                continue;
            }
            if (index.table() != t) {
                return -2;
            }
            if (!slabs.isAllocatedSlot(global)) {
                continue;
            }
            final int off = NativeMemory.offset(global);
            // pin so the visitor sees stable bytes
            final int g = buf.getIntVolatile(off + Entry.GUARD);
            if ((g & Entry.LIVE) == 0 || (g & Entry.RETIRING) != 0 || Entry.pins(g) == Entry.PIN_MASK >>> 2
                || !buf.compareAndSetInt(off + Entry.GUARD, g, g + Entry.PIN)) {
                if (sameSlot(t, i, s) && index.table() == t) {
                    i--; // retry this slot
                }
                continue;
            }
            try {
                if (!sameSlot(t, i, s) || (buf.getShort(off + Entry.CACHE_ID) & 0xFFFF) != cacheId) {
                    continue;
                }
                final long meta = buf.getLong(off + Entry.META);
                if (expired(meta, now)) {
                    continue;
                }
                final int klen = buf.getShort(off + Entry.KEY_LENGTH) & 0xFFFF;
                final int vlen = buf.getInt(off + Entry.VALUE_LENGTH);
                visitor.visit(buf, off + Entry.HEADER, klen, off + Entry.HEADER + klen, vlen, decodeExpiry(Entry.expiry(meta)));
                delivered++;
            } finally {
                unpin(global, buf, off);
            }
        }
        if (index.table() != t) {
            return -2; // restart on the new table
        }
        return i >= t.capacity ? -1 : i;
    }
}
