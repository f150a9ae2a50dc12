package dev.larder.core.store;

import java.util.concurrent.atomic.LongAdder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The concurrent hash index: an open-addressing table (linear probing) of 8-byte slots in native
 * pages, mapping a key's hash to its entry. The capacity is any whole number of pages (home slot by
 * multiply-shift, not a power-of-two mask), so the table grows by as many pages as it needs rather
 * than doubling: the index then costs about 12 bytes per entry instead of up to 21.
 *
 * <h2>Slot layout</h2>
 * <pre>
 * bits 63..48  tag      high 16 bits of the key's hash, to skip most non-matching entries
 * bit  47      FROZEN   the table is being copied; writers wait for the new table
 * bit  46      LOCK     a writer owns this key
 * bits 45..0   ref      entry address / 8 (a global offset, see NativeMemory);
 *                       all ones = TOMBSTONE (a deleted key), 0 with no tag = EMPTY
 * </pre>
 *
 * <h2>Concurrency</h2>
 * <ul>
 *   <li>Readers never write and never wait: they load slots with acquire semantics, ignore LOCK
 *       and FROZEN, and validate what they read (see {@link Entry}).</li>
 *   <li>A writer locks only its own key's slot (CAS of the LOCK bit), so writers of different
 *       keys never wait for each other. A new key claims the first EMPTY slot of its probe
 *       sequence with a CAS; a slot never becomes EMPTY again, so a probe that reaches EMPTY has
 *       seen every slot the key could be in. Deletion leaves a TOMBSTONE.</li>
 *   <li>Growth (and purging tombstones) copies the table. This is the one place writers wait:
 *       the resizer freezes slots one by one (CAS of FROZEN on unlocked slots, waiting for
 *       locked ones), copies their refs into the new table and publishes it. A writer that meets
 *       a FROZEN slot waits for the publication and retries. Readers keep reading the old table,
 *       whose frozen contents stay exact until publication; after it they notice the table
 *       reference changed and retry on the new one. Old table pages go back to the page pool;
 *       a late reader reading them sees garbage and rejects it by validation, never a crash,
 *       because pages are never unmapped while the store is open.</li>
 * </ul>
 */
final class HashIndex {
    static final int TAG_SHIFT = 48;
    static final long FROZEN = 1L << 47;
    static final long LOCK = 1L << 46;
    static final long REF_MASK = (1L << 46) - 1;
    static final long TOMBSTONE = REF_MASK;
    static final long EMPTY = 0;
    /** Compare mask: tag and ref, ignoring the LOCK and FROZEN bits. */
    static final long IDENTITY = ~(LOCK | FROZEN);
    /** Resize when claimed slots (live + tombstones) pass 4/5 of capacity. */
    static final double MAX_LOAD = 0.8;
    /** Size a new table so live entries fill this much of it: the load then stays between 0.6 and 0.8 (about 0.7 on average). */
    static final double TARGET_LOAD = 0.6;
    /** Never let claimed slots pass 15/16: keeps probes finite while a resize cannot get memory. */
    static final double HARD_LOAD = 0.9375;

    /** One generation of the table. */
    static final class Table {
        final long capacity;
        final int[] pages;
        final UnsafeBuffer[] buffers;
        final int[] bases;
        final int pageSlotShift;
        final long pageSlotMask;
        final LongAdder claimed = new LongAdder();
        final long threshold;
        final long hardLimit;

        Table(final long capacity, final int[] pages, final NativeMemory memory) {
            this.capacity = capacity;
            this.pages = pages;
            this.buffers = new UnsafeBuffer[pages.length];
            this.bases = new int[pages.length];
            this.pageSlotShift = memory.pageShift - 3;
            this.pageSlotMask = (1L << pageSlotShift) - 1;
            for (int k = 0; k < pages.length; k++) {
                final long start = memory.pageStart(pages[k]);
                buffers[k] = memory.buffer(start);
                bases[k] = NativeMemory.offset(start);
            }
            this.threshold = (long) (capacity * MAX_LOAD);
            this.hardLimit = (long) (capacity * HARD_LOAD);
        }

        /** Lemire's multiply-shift range reduction of the low 32 hash bits: any capacity works. */
        long home(final long hash) {
            return ((hash & 0xFFFF_FFFFL) * capacity) >>> 32;
        }

        long next(final long i) {
            final long n = i + 1;
            return n == capacity ? 0 : n;
        }

        private int offset(final long i) {
            return bases[(int) (i >>> pageSlotShift)] + (int) ((i & pageSlotMask) << 3);
        }

        long load(final long i) {
            return buffers[(int) (i >>> pageSlotShift)].getLongVolatile(offset(i));
        }

        boolean cas(final long i, final long expected, final long update) {
            return buffers[(int) (i >>> pageSlotShift)].compareAndSetLong(offset(i), expected, update);
        }

        void storeRelease(final long i, final long value) {
            buffers[(int) (i >>> pageSlotShift)].putLongRelease(offset(i), value);
        }

        void storePlain(final long i, final long value) {
            buffers[(int) (i >>> pageSlotShift)].putLong(offset(i), value);
        }

        void zero(final int pageSize) {
            final long bytes = capacity << 3;
            for (int k = 0; k < pages.length; k++) {
                buffers[k].setMemory(bases[k], (int) Math.min(pageSize, bytes), (byte) 0);
            }
        }
    }

    private volatile Table table;

    HashIndex(final Table initial) {
        this.table = initial;
    }

    Table table() {
        return table;
    }

    void publish(final Table next) {
        table = next;
    }

    static long tagOf(final long hash) {
        return hash >>> TAG_SHIFT;
    }

    static long tagBits(final long hash) {
        return hash & (0xFFFFL << TAG_SHIFT);
    }

    static long ref(final long slot) {
        return slot & REF_MASK;
    }

    static boolean isLive(final long slot) {
        final long ref = slot & REF_MASK;
        return ref != TOMBSTONE && ref != 0;
    }

    /** @return pages needed for a table of {@code capacity} slots */
    static int pagesFor(final long capacity, final NativeMemory memory) {
        return (int) Math.max(1, ((capacity << 3) + memory.pageSize - 1) >>> memory.pageShift);
    }

    /** @return the capacity for {@code live} entries: whole pages, loaded to about TARGET_LOAD */
    static long capacityFor(final long live, final NativeMemory memory) {
        final long slotsPerPage = memory.pageSize >>> 3;
        final long wanted = Math.max(MIN_CAPACITY, (long) Math.ceil(live / TARGET_LOAD));
        if (wanted < slotsPerPage) {
            // a small table uses part of one page: fewer empty slots to skip when sampling victims
            return (wanted + MIN_CAPACITY - 1) / MIN_CAPACITY * MIN_CAPACITY;
        }
        return (wanted + slotsPerPage - 1) / slotsPerPage * slotsPerPage;
    }

    /**
     * Load at which a table sized up front for an expected number of entries holds them: below
     * {@link #MAX_LOAD}, so filling it to the expected count never triggers a copy.
     */
    static final double PRESIZED_LOAD = 0.78;

    /** @return the capacity for a table sized up front for {@code expected} entries */
    static long capacityForExpected(final long expected, final NativeMemory memory) {
        return capacityFor((long) Math.ceil(expected / PRESIZED_LOAD * TARGET_LOAD), memory);
    }

    /** The smallest table, and the step of small tables' sizes: 1,024 slots (8 KiB). */
    static final long MIN_CAPACITY = 1024;
}
