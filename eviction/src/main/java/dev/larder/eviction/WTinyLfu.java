package dev.larder.eviction;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * W-TinyLFU for a sampled, off-heap store: a small admission window in front of a segmented main
 * region, with a TinyLFU frequency filter deciding who may enter main, and a window size that
 * adapts by hill climbing on the hit ratio.
 *
 * <h2>References</h2>
 * <ol>
 *   <li>G. Einziger, R. Friedman, B. Manes: "TinyLFU: A Highly Efficient Cache Admission Policy",
 *       ACM Transactions on Storage 13(4), 2017 - the sketch, its reset, W-TinyLFU's 1% window
 *       and the 80/20 segmented LRU main region.</li>
 *   <li>G. Einziger, O. Eytan, R. Friedman, B. Manes: "Adaptive Software Cache Management",
 *       Middleware 2018 - sizing the window by hill climbing on the hit ratio, and by simulating
 *       configurations side by side on a sample of the keys.</li>
 * </ol>
 *
 * <h2>How it maps onto a sampling store</h2>
 * Caffeine keeps its regions as linked lists under a lock. An off-heap store with lock-free reads
 * keeps no lists, so here:
 * <ul>
 *   <li>An entry's region is two bits of its access word ({@code WINDOW}, {@code PROBATION},
 *       {@code PROTECTED}); the other 22 bits are the tick of its last access. Region sizes are
 *       counters updated on every transition.</li>
 *   <li>The window keeps its arrival order in a bounded lock-free queue of records (handle, key
 *       hash, access word when queued): when the window is over its share, its oldest entry is the
 *       <em>candidate</em>.</li>
 *   <li>The main region's <em>victim</em> is probation's eldest entry, as in Caffeine, where
 *       probation is a FIFO in effect: entries join it at one end (admitted from the window, or
 *       demoted from protected) and leave it when read (promoted), evicted or replaced. A second
 *       bounded lock-free queue records every arrival in probation, with the entry's access word;
 *       its head, skipping records whose entry has left or changed since, is the eldest entry. It
 *       stays the victim until a candidate beats it, so each newcomer meets the entry that
 *       repelled the last one. Where probation outgrows the queue (caches of more than a few
 *       hundred thousand entries), the newest arrivals go unrecorded until records leave, and
 *       {@code 4 x samples} random entries are sampled too, as Redis's LRU samples: the least
 *       recently used probation entry among them is the victim if it is older than the queue's
 *       head. If none is on probation, the least recently used sampled protected entry is the
 *       victim. (Before the probation queue,
 *       every contest met a freshly sampled victim, often a rarely seen entry, and candidates won
 *       about four times as often as against exact lists.)</li>
 *   <li>Filling up: until the first eviction every new entry enters the window, and the window's
 *       oldest entry moves to probation (uncontested: there is room) when the window is over its
 *       share, as in Caffeine. So when the cache is full, the window holds the latest arrivals and
 *       probation the others in arrival order. The store hands the policy a view of all its entries
 *       for this ({@link #configure(long, Population)}), because no eviction is running yet.</li>
 *   <li>The sketch has four counters per row per entry (Caffeine's density) while that fits in
 *       2 MiB ({@link #DENSE_SKETCH_WIDTH}), one per entry for larger caches (at most
 *       {@link #MAX_SKETCH_WIDTH} per row), and halves them every {@code 10 x capacity} increments,
 *       whatever its width.</li>
 *   <li>Admission: the candidate enters probation and the victim leaves if the sketch estimates the
 *       candidate more frequent; otherwise the candidate leaves. A read (or an overwrite) of a
 *       probation entry promotes it to protected; when protected outgrows 80% of main, the oldest
 *       sampled protected entry is demoted.</li>
 *   <li>Hash flooding: the sketch's seeds are random per instance (unless the policy was built with
 *       a seed, for reproducible simulations), and a candidate that loses but
 *       is warm (estimate above {@link #WARM}) is still admitted 1 time in 128, so an attacker who
 *       inflates a victim's count cannot lock every newcomer out (the defence Caffeine uses).</li>
 *   <li>Hill climbing on a sampled hit ratio ({@link WindowGhosts}): every {@code 10 x capacity}
 *       requests, the climber reads how often each of five shadow caches ("ghosts", exact
 *       W-TinyLFU caches of keys only, one per window share from 1% to 40%) hit over the period.
 *       They see the same sample of the keys (all keys up to {@link WindowGhosts#MAX_GHOST}
 *       entries, a hash-chosen share of them beyond), so they are compared on the same accesses.
 *       The window moves one share up or down the grid, toward the ghost that hit most, if that
 *       ghost beat the one at the current share by more than {@code 2 sqrt(n)} hits, {@code n}
 *       being the period's sampled accesses ({@link #NOISE}). An earlier climber compared the real
 *       cache's hit ratio of one period with the previous one, as Caffeine does; a workload's own
 *       phases move that ratio by more than a window change does, and it followed them (see
 *       {@code eviction/RESULTS.md}, sessions 7 to 11).
 *       When a step shrinks the window, the entries it then holds beyond its share (less one
 *       contest's candidate) are its <em>surplus</em>: they move to probation without a contest, as
 *       Caffeine moves them, at most {@link #MAX_MOVES} per eviction.</li>
 *   <li>Concurrency: writers evict at the same time, each for its own insert. A window over its share
 *       by up to one entry per processor is therefore not surplus: each of those candidates must
 *       beat a victim, or concurrent inserts would slip into main uncontested. A candidate whose
 *       victim another writer took first meets another victim. Ages treat a stamp slightly ahead of
 *       the evicting thread's tick (a writer that read the clock later) as new, not as a full clock
 *       cycle old.</li>
 * </ul>
 * The read path costs one sketch increment (four plain read-modify-writes on one cache line,
 * deferred and done sixteen reads at a time), a hash test for the ghosts' sample (and, for a
 * sampled key, a plain store into their ring, the batch's index once) and, when the tick changes, a plain 16-bit store of the
 * stamp's low bits, or a CAS of the access word when the region (or the stamp's high bits) changes:
 * bounded, lock-free, allocation-free.
 */
final class WTinyLfu implements EvictionPolicy {
    static final int REGION_SHIFT = 22;
    static final int TICK_MASK = (1 << REGION_SHIFT) - 1;
    static final int WINDOW = 1;
    static final int PROBATION = 2;
    static final int PROTECTED = 3;

    /** Initial window share of the capacity, from [1]. */
    static final double INITIAL_WINDOW = 0.01;
    /** Share of the main region that is protected, from [1]. */
    static final double PROTECTED_SHARE = 0.80;
    /** A losing candidate at or above this estimate may still be admitted (anti flooding). */
    static final int WARM = 6;
    /** One in this many warm losers is admitted anyway. */
    static final int JITTER = 128;
    static final double MAX_WINDOW = 0.80;
    /**
     * A ghost must beat the current share's ghost by more than {@code NOISE x sqrt(n)} hits over a
     * period of {@code n} sampled accesses for the window to move: the difference of two hit counts
     * over the same {@code n} accesses is a sum of {@code n} terms in {-1, 0, 1}, so its standard
     * deviation is at most {@code sqrt(n)}; two of them (with one, loop at 10% lost up to 4 points
     * in some in-store replays to a window that went back and forth).
     */
    static final double NOISE = 2.0;
    /** Sketch counters per row per expected entry in a small cache: Caffeine's density. */
    static final int SKETCH_DENSITY = 4;
    /**
     * Counters per row up to which a sketch gets {@link #SKETCH_DENSITY}: 2^20, a 2 MiB table.
     * Beyond, a larger cache keeps one counter per row per entry (2 MiB at 2^20 entries, growing
     * to {@link #MAX_SKETCH_WIDTH}): every read increments one random line of the table, and a
     * table of several MiB takes a share of the last-level cache from the entries themselves.
     */
    static final long DENSE_SKETCH_WIDTH = 1L << 20;

    /** Most counters per sketch row: 2^22 x 4 rows x 4 bits = 8 MiB of heap at most (reached at 2^22 entries). */
    static final long MAX_SKETCH_WIDTH = 1L << 22;
    /** Most records per queue (window, probation): 2^16 x 28 bytes, 1.75 MiB of heap each at most. */
    static final int MAX_QUEUE = 1 << 16;

    private final int samples;
    private long expected = 1024;
    /** Created at the first eviction: a Larder that never fills pays nothing for the policy. */
    private volatile FrequencySketch sketch;
    private volatile WindowQueue queue;
    /** Arrivals in probation, eldest first (see the class comment); created with {@link #queue}. */
    private volatile WindowQueue probationQueue;
    private final AtomicLong windowCount = new AtomicLong();
    private final AtomicLong probationCount = new AtomicLong();
    private final AtomicLong protectedCount = new AtomicLong();

    // hill climber state, touched only under the climber's monitor
    private volatile double windowShare = INITIAL_WINDOW;
    private long periodStartHits;
    private long periodStartMisses;
    private final AtomicLong evictCalls = new AtomicLong();
    /** The climber's shadow caches: created with the sketch, rebuilt once if the cache's real size differs. */
    private volatile WindowGhosts ghosts;
    private boolean ghostsChecked;
    /** Every entry of the store, for the fill-up (see the class comment); null if not configured so. */
    private Population store;
    /** Window entries the climber's last shrink left over, still to move to probation uncontested. */
    private final AtomicLong windowSurplus = new AtomicLong();
    /** Set at the first eviction and never cleared (read on every insert: it must not be a line writers share). */
    private volatile boolean evicting;

    /** Whether random choices come from {@link #jitterState} and a seeded sketch instead of fresh randomness. */
    private final boolean seeded;
    private final long sketchSeed;
    /** The seeded instance's admission jitter: a splitmix64 sequence, thread-safe. */
    private final AtomicLong jitterState;

    WTinyLfu(final int samples) {
        this.samples = EvictionPolicies.checkSamples(samples);
        this.seeded = false;
        this.sketchSeed = 0;
        this.jitterState = null;
    }

    /** See {@link EvictionPolicies#wTinyLfu(int, long)}. */
    WTinyLfu(final int samples, final long seed) {
        this.samples = EvictionPolicies.checkSamples(samples);
        this.seeded = true;
        this.sketchSeed = seed;
        this.jitterState = new AtomicLong(seed);
    }

    static long mix64(final long z0) {
        long z = (z0 ^ (z0 >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    /** @return true one time in {@link #JITTER}, at random */
    private boolean jitter() {
        if (!seeded) {
            return ThreadLocalRandom.current().nextInt(JITTER) == 0;
        }
        return Math.floorMod(mix64(jitterState.addAndGet(0x9E37_79B9_7F4A_7C15L)), JITTER) == 0;
    }

    @Override
    public void configure(final long expectedEntries, final Population store) {
        this.store = store;
        configure(expectedEntries);
    }

    @Override
    public void configure(final long expectedEntries) {
        expected = Math.max(64, expectedEntries);
        if (expected <= EAGER_START) {
            start(); // small enough to count frequencies from the first access, as Caffeine does
        }
    }

    /** Up to this capacity hint the sketch (at most 2 MiB) and the ghosts are built at once, larger ones at the first eviction. */
    static final long EAGER_START = 1L << 20;

    /** Builds the sketch and window queue, sized from the capacity hint and capped. */
    private synchronized void start() {
        if (queue != null) {
            return;
        }
        final long width = Math.min(Math.max(expected, Math.min(expected * SKETCH_DENSITY, DENSE_SKETCH_WIDTH)),
            MAX_SKETCH_WIDTH);
        // the ghosts first: a reader that sees the sketch offers to them
        ghosts = newGhosts(expected);
        final ThreadLocalRandom random = ThreadLocalRandom.current();
        sketch = seeded ? new FrequencySketch(width, expected, mix64(sketchSeed), mix64(sketchSeed + 1))
            : new FrequencySketch(width, expected, random.nextLong(), random.nextLong());
        final long q = Math.min(MAX_QUEUE, Math.max(256, Long.highestOneBit(Math.max(1, expected / 4) - 1) << 1));
        // probation holds up to all of main (while filling up), and records of entries that left it
        // stay queued until they reach the head: twice the capacity, rounded up to a power of two
        final long pq = Math.min(MAX_QUEUE, Long.highestOneBit(Math.max(1, expected) - 1) << 2);
        probationQueue = new WindowQueue((int) pq);
        queue = new WindowQueue((int) q);
    }

    /**
     * At the first eviction: the capacity hint was a guess (a byte budget's estimate of the entry
     * count), and the ghosts must hold a sample of what the cache really holds, so they are rebuilt
     * if it was off by more than a quarter.
     */
    private synchronized void checkGhosts(final long size) {
        if (!ghostsChecked) {
            ghostsChecked = true;
            final long nominal = ghosts.cacheEntries();
            if (size > 0 && Math.abs(size - nominal) * 4 > nominal) {
                ghosts = newGhosts(size);
            }
        }
    }

    /** @return ghosts sampling a cache of {@code cacheEntries}, seeded by the policy's seed if it has one */
    private WindowGhosts newGhosts(final long cacheEntries) {
        return new WindowGhosts(cacheEntries, seeded ? sketchSeed : ThreadLocalRandom.current().nextLong());
    }

    static int region(final int access) {
        return access >>> REGION_SHIFT;
    }

    /** @return ticks since the access word's stamp (region bits ignored), wrap-around safe */
    static long age(final int access, final long tick) {
        return EvictionPolicy.age(access, tick, TICK_MASK);
    }

    private static int word(final int region, final long tick) {
        return (region << REGION_SHIFT) | (int) (tick & TICK_MASK);
    }

    private AtomicLong counter(final int region) {
        switch (region) {
            case WINDOW:
                return windowCount;
            case PROBATION:
                return probationCount;
            case PROTECTED:
                return protectedCount;
            default:
                return null;
        }
    }

    @Override
    public String name() {
        return "w-tinylfu";
    }

    @Override
    public boolean evicts() {
        return true;
    }

    @Override
    public int sampleSize() {
        return samples;
    }

    @Override
    public int onInsert(final long keyHash, final long tick) {
        if (!record(keyHash)) {
            return word(PROBATION, tick); // nothing evicted yet: no window needed
        }
        return word(WINDOW, tick);
    }

    /**
     * Counts one access to a key: in the sketch, and in the ghosts' sample.
     *
     * @return false if the policy has not started (no sketch yet: nothing is counted)
     */
    private boolean record(final long keyHash) {
        final FrequencySketch f = sketch;
        if (f == null) {
            return false;
        }
        f.increment(keyHash);
        ghosts.offer(keyHash);
        return true;
    }

    /**
     * A write to a key already held counts as a read of it, as in Caffeine: a probation entry is
     * promoted to protected (so an overwrite never re-queues it in probation), other regions stay.
     */
    @Override
    public int onUpdate(final int previousAccess, final long keyHash, final long tick) {
        record(keyHash);
        final int region = region(previousAccess);
        return word(region == 0 ? PROBATION : region == PROBATION ? PROTECTED : region, tick);
    }

    @Override
    public int onAccess(final int access, final long keyHash, final long tick) {
        record(keyHash);
        return onAccessDeferred(access, keyHash, tick);
    }

    @Override
    public boolean batchesAccesses() {
        return true;
    }

    @Override
    public int onAccessDeferred(final int access, final long keyHash, final long tick) {
        final int region = region(access);
        final int updated = word(region == PROBATION ? PROTECTED : region, tick);
        return updated == access ? access : updated;
    }

    @Override
    public void recordAccesses(final long[] keyHashes, final int count) {
        final FrequencySketch f = sketch;
        if (f != null) {
            f.incrementAll(keyHashes, count);
            ghosts.offerAll(keyHashes, count);
        }
    }

    @Override
    public void onTransition(final int from, final int to) {
        final int a = region(from);
        final int b = region(to);
        if (a != b) {
            final AtomicLong ca = counter(a);
            final AtomicLong cb = counter(b);
            if (ca != null) {
                ca.decrementAndGet();
            }
            if (cb != null) {
                cb.incrementAndGet();
            }
        }
    }

    @Override
    public void onLinked(final long handle, final int access, final long keyHash) {
        final int region = region(access);
        final AtomicLong c = counter(region);
        if (c != null) {
            c.incrementAndGet();
        }
        enqueue(handle, access, keyHash);
        if (region == WINDOW && !evicting) {
            fillUp();
        }
    }

    /**
     * While the cache fills up (no eviction yet), moves the window's oldest entries to probation
     * until the window is back to its share: uncontested, since there is room (see the class
     * comment). Without a view of the store the window simply grows until the first eviction, which
     * then moves the overflow as surplus.
     */
    private void fillUp() {
        final Population p = store;
        final WindowQueue q = queue;
        if (p == null || q == null) {
            return;
        }
        final long max = Math.max(1, (long) (expected * windowShare));
        final long[] rec = RECORD.get();
        for (int k = 0; k < MAX_MOVES && windowCount.get() > max && q.poll(rec); k++) {
            final int access = p.accessOf(rec[0]);
            if (access >= 0 && region(access) == WINDOW && p.keyHashOf(rec[0]) == rec[1]) {
                moveToProbation(p, rec[0], access, rec[1], access & TICK_MASK); // keeps its stamp
            }
        }
    }

    /**
     * Records an entry's arrival in the window or in probation in that region's queue. A full window
     * queue drops its oldest record (its entry, if still in the window, is found by sampling: see
     * evict); a full probation queue keeps its records and this arrival goes unrecorded: the queue
     * serves the eldest entries, the victims, and a young one left out is found by sampling when it
     * is old (see sampleMainVictim). Stale records leave the probation queue as victims are sought.
     */
    private void enqueue(final long handle, final int access, final long keyHash) {
        final int region = region(access);
        if (region == WINDOW) {
            final WindowQueue q = queue;
            if (q != null) {
                while (!q.offer(handle, keyHash, access)) {
                    q.poll(DROPPED.get());
                }
            }
        } else if (region == PROBATION) {
            final WindowQueue q = probationQueue;
            if (q != null) {
                q.offer(handle, keyHash, access);
            }
        }
    }

    private static final ThreadLocal<long[]> DROPPED = ThreadLocal.withInitial(() -> new long[3]);
    private static final ThreadLocal<long[]> RECORD = ThreadLocal.withInitial(() -> new long[3]);
    private static final ThreadLocal<long[]> ELDEST = ThreadLocal.withInitial(() -> new long[3]);

    /** Stale records a victim search drops from the probation queue's head at most (bounds the work). */
    static final int STALE_SKIP = 64;

    /**
     * Finds probation's eldest entry: the probation queue's head, once records of entries that left
     * probation or changed since they were queued are dropped.
     *
     * @param out out[0] = the entry's handle
     * @return its access word, or -1 if the queue has no live record at its head
     */
    private int eldestProbation(final Population p, final long[] out) {
        final WindowQueue q = probationQueue;
        if (q == null) {
            return -1;
        }
        for (int k = 0; k < STALE_SKIP && q.peek(out); k++) {
            final int access = p.accessOf(out[0]);
            if (access == (int) out[2] && region(access) == PROBATION && p.keyHashOf(out[0]) == out[1]) {
                return access;
            }
            // it left probation, or was read, replaced or re-queued since. If another evicting
            // thread dropped it first, this poll takes the next record instead: that entry goes
            // unrecorded and is left to sampling, as an arrival at a full queue is
            q.poll(DROPPED.get());
        }
        return -1;
    }

    @Override
    public void onReplaced(final int oldAccess, final long handle, final int access, final long keyHash) {
        final int region = region(access);
        if (region != region(oldAccess)) {
            onLinked(handle, access, keyHash);
            onUnlinked(oldAccess);
            return;
        }
        // same region: the counts do not change; only the region's queue must learn the new handle
        enqueue(handle, access, keyHash);
    }

    @Override
    public void onUnlinked(final int access) {
        final AtomicLong c = counter(region(access));
        if (c != null) {
            c.decrementAndGet();
        }
    }

    @Override
    public long score(final int access, final long remainingTtlMs, final long tick) {
        return age(access, tick);
    }

    /** @return the current window share of the capacity (for tests and the simulator) */
    double windowShare() {
        return windowShare;
    }

    long windowCount() {
        return windowCount.get();
    }

    /** @return how many entries the policy counts in {@code region} (for tests) */
    long regionCount(final int region) {
        final AtomicLong c = counter(region);
        return c == null ? 0 : c.get();
    }

    FrequencySketch sketch() {
        return sketch;
    }

    /** Caffeine-style admission with jitter against hash flooding. */
    boolean admit(final long candidateHash, final long victimHash) {
        final int candidate = sketch.frequency(candidateHash);
        final int victim = sketch.frequency(victimHash);
        if (candidate > victim) {
            return true;
        }
        return candidate >= WARM && jitter();
    }

    @Override
    public boolean evict(final Population p, final long tick) {
        if (queue == null) {
            start();
        }
        if (!evicting) {
            evicting = true;
            checkGhosts(p.size());
        }
        ghosts.tryDrain();
        if ((evictCalls.incrementAndGet() & 63) == 0) {
            climb(p);
        }
        final long surplus = windowSurplus.get(); // read before the share a concurrent climb may change
        final long windowMax = windowMax(p.size(), windowShare);
        final long inWindow = windowCount.get();
        if (surplus != 0 && inWindow <= windowMax + 1) {
            // no more than one contest's worth over its share: nothing is left to move (unless a
            // climb has just set a new surplus, which the CAS then keeps)
            windowSurplus.compareAndSet(surplus, 0);
        }
        if (inWindow > windowMax) {
            final long[] rec = RECORD.get();
            int moved = 0;
            while (queue.poll(rec)) {
                final long candidate = rec[0];
                final int access = p.accessOf(candidate);
                if (access < 0 || region(access) != WINDOW || p.keyHashOf(candidate) != rec[1]) {
                    continue; // left or changed since it was queued
                }
                final long over = windowCount.get() - windowMax;
                final boolean mayMove = moved < MAX_MOVES;
                final boolean fromSurplus = mayMove && over > 1 && takeSurplus();
                if (fromSurplus || (mayMove && over > 1 + CONCURRENT_INSERTS)) {
                    // surplus: what the climber's last shrink left over, or a window well over its
                    // share (a cache that holds fewer, larger entries now). It moves to probation
                    // without a contest, as Caffeine moves it. A window over its share by up to one
                    // entry per concurrent writer is not surplus: each of those writers inserted a
                    // candidate that must beat a victim, or concurrent inserts would slip into main
                    // uncontested.
                    if (!moveToProbation(p, candidate, access, rec[1], tick) && fromSurplus) {
                        windowSurplus.incrementAndGet(); // it stayed in the window: still surplus
                    }
                    moved++;
                    continue;
                }
                // past MAX_MOVES the rest waits for the next calls (which each move as many), and
                // this candidate contests: one writer's eviction stays bounded
                return admitOrReject(p, candidate, access, rec[1], tick);
            }
            // no queued candidate although the window is over its share: take the oldest sampled one
            final Candidates c = Sampling.buffer();
            c.count = 0;
            p.sample(c, Math.min(samples * 4, c.handles.length));
            final int oldest = oldestWindowEntry(c, tick);
            if (oldest >= 0) {
                final long candidate = c.handles[oldest];
                final int access = c.access[oldest];
                final long hash = p.keyHashOf(candidate);
                if (hash != 0) {
                    return admitOrReject(p, candidate, access, hash, tick);
                }
            }
        }
        return evictFromMain(p, tick);
    }

    /**
     * Writers that may have inserted into the window at once, each before its own eviction: one per
     * processor (a writer preempted between the two is rare and costs at most one uncontested move).
     */
    static final int CONCURRENT_INSERTS = Runtime.getRuntime().availableProcessors();

    /**
     * Window entries one eviction moves to probation uncontested at most (a climber's shrink, or a
     * window far over its share): the rest move in the next evictions, so no writer pays for a
     * whole shrink (up to half the window queue, 32,768 entries) at once. Caffeine bounds its
     * transfers by the same number (its {@code QUEUE_TRANSFER_THRESHOLD}).
     */
    static final int MAX_MOVES = 1_000;

    /** Contests a candidate may hold when its victims keep leaving before it can take their place. */
    static final int CONTESTS = 4;

    private boolean admitOrReject(final Population p, final long candidate, final int candidateAccess,
                                  final long candidateHash, final long tick) {
        final Candidates c = Sampling.buffer();
        for (int contest = 0; contest < CONTESTS; contest++) {
            final int victim = sampleMainVictim(p, c, tick);
            if (victim < 0) {
                if (probationCount.get() + protectedCount.get() <= 0) {
                    // main is empty: the candidate simply moves to probation
                    moveToProbation(p, candidate, candidateAccess, candidateHash, tick);
                    return true;
                }
                break; // the sample missed main: the candidate loses by default
            }
            final long victimHandle = c.handles[victim];
            final long victimHash = p.keyHashOf(victimHandle);
            if (victimHash == 0) {
                continue; // the victim left between the sample and now: sample another
            }
            if (!admit(candidateHash, victimHash)) {
                break;
            }
            if (p.evict(victimHandle)) {
                moveToProbation(p, candidate, candidateAccess, candidateHash, tick);
                return true;
            }
            // the victim was read, replaced or evicted by another writer since it was sampled: the
            // candidate has not earned a place until it beats a victim that actually leaves (moving it
            // in anyway would let the next eviction take a main entry without any contest)
        }
        p.evict(candidate); // if the candidate changed meanwhile, the caller simply asks again
        return true;
    }

    /**
     * Moves an entry to probation as its most recent member (Caffeine appends it at the MRU end).
     *
     * @return whether it moved (false if the entry changed or left meanwhile)
     */
    private boolean moveToProbation(final Population p, final long handle, final int access, final long keyHash,
                                    final long tick) {
        final int to = word(PROBATION, tick);
        if (p.casAccess(handle, access, to)) {
            onTransition(access, to);
            enqueue(handle, to, keyHash);
            return true;
        }
        return false;
    }

    /**
     * Samples main-region entries.
     *
     * @return the index in {@code c} of the victim: probation's eldest entry (the probation queue's
     *         head, or a sampled probation entry if one is older), else the oldest sampled protected
     *         one; -1 if neither was found
     */
    private int sampleMainVictim(final Population p, final Candidates c, final long tick) {
        c.count = 0;
        p.sample(c, Math.min(samples * 4, c.handles.length - 1)); // one place left for the eldest
        int bestProbation = -1;
        long probationAge = -1;
        int bestProtected = -1;
        long protectedAge = -1;
        for (int k = 0; k < c.count; k++) {
            final int a = c.access[k];
            final long age = c.remainingTtlMs[k] == 0 ? Long.MAX_VALUE : age(a, tick);
            final int region = region(a);
            if (region == PROBATION || (region != PROTECTED && region != WINDOW)) {
                if (age > probationAge) {
                    probationAge = age;
                    bestProbation = k;
                }
            } else if (region == PROTECTED && age > protectedAge) {
                protectedAge = age;
                bestProtected = k;
            }
        }
        final long[] eldest = ELDEST.get();
        final int eldestAccess = eldestProbation(p, eldest);
        // the eldest is found by arrival, not by sampling: it serves only if it is of the size in need
        if (eldestAccess >= 0 && age(eldestAccess, tick) >= probationAge && p.inScope(eldest[0])
            && c.add(eldest[0], eldestAccess, -1)) {
            bestProbation = c.count - 1;
        }
        final long main = probationCount.get() + protectedCount.get();
        if (bestProtected >= 0 && protectedCount.get() > main * PROTECTED_SHARE) {
            // protected outgrew its share: demote its oldest sampled entry
            final int a = c.access[bestProtected];
            final int to = word(PROBATION, tick);
            if (p.casAccess(c.handles[bestProtected], a, to)) {
                onTransition(a, to);
                enqueue(c.handles[bestProtected], to, p.keyHashOf(c.handles[bestProtected]));
                if (bestProbation < 0) {
                    c.access[bestProtected] = to;
                    return bestProtected;
                }
            }
        }
        return bestProbation >= 0 ? bestProbation : bestProtected;
    }

    private boolean evictFromMain(final Population p, final long tick) {
        final Candidates c = Sampling.buffer();
        for (int attempt = 0; attempt < 4; attempt++) {
            int victim = sampleMainVictim(p, c, tick);
            if (victim < 0) {
                // only window entries were sampled: evict the oldest of them
                victim = oldestWindowEntry(c, tick);
                if (victim < 0) {
                    return false;
                }
            }
            if (p.evict(c.handles[victim])) {
                return true;
            }
        }
        return true;
    }

    /** @return the index in {@code c} of its least recently used window entry, or -1 if it has none */
    private static int oldestWindowEntry(final Candidates c, final long tick) {
        int oldest = -1;
        long oldestAge = -1;
        for (int k = 0; k < c.count; k++) {
            if (region(c.access[k]) == WINDOW) {
                final long age = age(c.access[k], tick);
                if (age > oldestAge) {
                    oldestAge = age;
                    oldest = k;
                }
            }
        }
        return oldest;
    }

    /** @return how many entries the window holds at most with {@code share} of {@code size} */
    private long windowMax(final long size, final double share) {
        return Math.max(1, Math.min((long) (Math.max(1, size) * share), queue.capacity() / 2));
    }

    /** Claims one entry of the surplus the climber's last shrink left in the window, if any is left. */
    private boolean takeSurplus() {
        return windowSurplus.getAndUpdate(left -> left > 0 ? left - 1 : left) > 0;
    }

    /**
     * Sets the window's share. A smaller window's surplus is what the window now holds beyond its
     * new share and one contest's candidate: those entries move to probation uncontested. A larger
     * window cancels any surplus not moved yet.
     */
    void resizeWindow(final Population p, final double share) {
        final double before = windowShare;
        windowShare = Math.max(0.0, Math.min(MAX_WINDOW, share));
        if (queue != null) {
            final long max = windowMax(p.size(), windowShare);
            windowSurplus.set(max < windowMax(p.size(), before) ? Math.max(0, windowCount.get() - max - 1) : 0);
        }
    }

    /** @return window entries still to move to probation uncontested (for tests) */
    long windowSurplus() {
        return windowSurplus.get();
    }

    /**
     * Hill climbing on the ghosts' hit ratios (package-private for tests): at the end of each
     * period of {@code 10 x size} requests, one step along {@link WindowGhosts#SHARES} toward the
     * share whose ghost hit most, if it beat the ghost at the current share by more than the
     * sampling noise, {@code NOISE x sqrt(n)} hits for {@code n} sampled accesses. Ghosts that all
     * hit alike (the sampled cache has not filled up yet) hold the window.
     */
    synchronized void climb(final Population p) {
        final long hits = p.hits();
        final long misses = p.misses();
        final long requests = (hits - periodStartHits) + (misses - periodStartMisses);
        if (requests < 10 * Math.max(64, p.size())) {
            return;
        }
        periodStartHits = hits;
        periodStartMisses = misses;
        final int current = WindowGhosts.nearest(windowShare);
        final int next = step(current, ghosts.period());
        if (next != current) {
            resizeWindow(p, WindowGhosts.SHARES[next]);
        }
    }

    /**
     * The climber's rule.
     *
     * @param current the index in {@link WindowGhosts#SHARES} of the window's share
     * @param period  what the ghosts did over the period
     * @return the index of the next share: one step toward the ghost that hit most, if it beat the
     *         current share's ghost by more than {@code NOISE x sqrt(accesses)} hits; else {@code current}
     */
    static int step(final int current, final WindowGhosts.Period period) {
        final int best = period.best();
        if (best != current && period.hits(best) - period.hits(current) > NOISE * Math.sqrt(period.accesses())) {
            return current + Integer.signum(best - current);
        }
        return current;
    }

    /** @return the ghosts that steer the climber (tests) */
    WindowGhosts ghosts() {
        return ghosts;
    }

    @Override
    public String toString() {
        return name() + "(samples=" + samples + ", window=" + String.format("%.3f", windowShare) + ")";
    }
}
