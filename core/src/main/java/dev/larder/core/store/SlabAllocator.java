package dev.larder.core.store;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Entry memory: size classes of fixed-size slots carved out of {@link NativeMemory} pages, as
 * memcached's slab allocator, but lock-free.
 *
 * <h2>Design</h2>
 * Slot sizes grow in 8-byte steps up to 1 KiB, then by about 1/16 per class up to the page size,
 * so the internal waste of an entry is under 8 bytes for small entries and under ~6% for large
 * ones. A page belongs to one class at a time; its first bytes are a bitmap with one bit per slot.
 *
 * <pre>
 * page layout
 *   offset 0                 long[bitmapWords]  bit i set = slot i allocated
 *   offset bitmapBytes       slot 0, slot 1, ... (slotSize bytes each, 8-aligned)
 * </pre>
 *
 * Allocation takes a bit with a CAS on one bitmap word, so threads writing different entries
 * never wait for each other. Each class keeps a <em>current</em> page per thread stripe (up to 4
 * stripes when the budget has many pages, so that threads writing at once take bits in different
 * pages instead of fighting over one page's count and bitmap words) and a lock-free stack of
 * pages that have free slots (a Treiber stack over page ids with a versioned head). A page that
 * fills up is dropped from {@code current}; freeing a slot in it pushes it back on the stack.
 *
 * <p><b>Spares.</b> An overwrite allocates the new entry's slot and then frees the old entry's,
 * usually of the same class. So a freed slot is first offered as its class's <em>spare</em> for
 * the freeing thread's stripe (one padded cell per class and stripe), and the stripe's next
 * allocation of the class takes it back with one atomic swap. The pair then never touches the
 * page's bitmap word, live count or the class's current page: about four fewer atomic operations
 * per overwrite, on lines of a page the writer has not otherwise touched. A spare stays allocated
 * in its page's bitmap and count, so it cannot be handed out twice, and it never keeps a page from
 * the pool: a page's last live slot is not kept as a spare; a free that leaves a page with one live
 * slot releases a spare found in it; and {@link #beginDrain} takes back the spares in the page it
 * drains (an offer that races with it sees the DRAINING flag afterwards and withdraws).
 *
 * <p>Pages move between classes (and to the index) only through {@link #drainPage}: the store
 * evicts every entry in a page, which then returns to the free page pool. The page state word
 * carries a DRAINING flag that allocators check after taking a bit, so no slot is handed out of a
 * page being drained.
 */
final class SlabAllocator {
    /** Finest step between small slot sizes; coarser when the budget has few pages (see constructor). */
    static final int SMALL_STEP = 8;
    static final int SMALL_LIMIT = 1024;
    static final int MIN_SLOT = 24;
    static final int NONE = -1;

    /** Page state: free or owned by the index. */
    static final int STATE_FREE = -1;
    static final int STATE_INDEX = -2;
    /** Flag bit in a class-owned page's state: being drained, allocate nothing there. */
    static final int DRAINING = 1 << 20;
    static final int CLASS_MASK = DRAINING - 1;

    final NativeMemory memory;
    final int[] slotSizes;
    final int[] slotsPerPage;
    final int[] bitmapBytes;
    final int maxSlotSize;
    private final int smallStep;

    /** Per page: {@link #STATE_FREE}, {@link #STATE_INDEX} or the class id (| DRAINING). */
    final AtomicIntegerArray pageState;
    final AtomicIntegerArray pageLive;
    /** Per page: the bitmap word where a slot was last freed, where allocation looks first. */
    private final int[] pageHint;
    private final AtomicIntegerArray partialNext;
    private final AtomicIntegerArray inPartial;
    /** Current pages, {@link #stripes} per class: index {@code cls * stripes + stripe}. */
    private final AtomicInteger[] current;
    /** Current pages per class (a power of two): more for budgets with many pages. */
    private final int stripes;
    private final AtomicLongArray partialHead; // per class [version:32][page:32]
    /** Per class and stripe, padded: one freed slot kept for the stripe's next allocation, or -1. */
    private final AtomicLongArray spares;
    private static final int SPARE_PAD = 8;
    final AtomicIntegerArray classPages;

    SlabAllocator(final NativeMemory memory) {
        this.memory = memory;
        final int pageSize = memory.pageSize;
        final int[] sizes = new int[512];
        int n = 0;
        // Every class in use needs pages of its own, so a budget of few pages gets fewer, coarser
        // classes: at most a quarter as many small classes as pages, and larger steps above 1 KiB.
        int step = SMALL_STEP;
        while ((SMALL_LIMIT - MIN_SLOT) / step > memory.pageCount / 4 && step < 256) {
            step <<= 1;
        }
        this.smallStep = step;
        final int growthDivisor = memory.pageCount >= 1024 ? 16 : memory.pageCount >= 256 ? 8 : 4;
        for (int s = MIN_SLOT; s <= SMALL_LIMIT; s += step) {
            sizes[n++] = s;
        }
        int s = SMALL_LIMIT;
        while (true) {
            s = (s + s / growthDivisor + 7) & ~7;
            if (s + 8 > pageSize) {
                break;
            }
            sizes[n++] = s;
        }
        // the largest class: one slot filling the page after its one-word bitmap
        sizes[n++] = pageSize - 8;
        this.slotSizes = Arrays.copyOf(sizes, n);
        this.slotsPerPage = new int[n];
        this.bitmapBytes = new int[n];
        for (int c = 0; c < n; c++) {
            int count = pageSize / slotSizes[c];
            while (bitmapBytesFor(count) + (long) count * slotSizes[c] > pageSize) {
                count--;
            }
            slotsPerPage[c] = count;
            bitmapBytes[c] = bitmapBytesFor(count);
        }
        this.maxSlotSize = slotSizes[n - 1];
        final int pages = memory.pageCount;
        this.pageState = new AtomicIntegerArray(pages);
        for (int p = 0; p < pages; p++) {
            pageState.set(p, STATE_FREE);
        }
        this.pageLive = new AtomicIntegerArray(pages);
        this.pageHint = new int[pages];
        this.partialNext = new AtomicIntegerArray(pages);
        this.inPartial = new AtomicIntegerArray(pages);
        // each stripe may hold a part-filled page per class: only worth it when pages are plentiful
        this.stripes = pages >= 256 ? 4 : pages >= 64 ? 2 : 1;
        this.current = new AtomicInteger[n * stripes];
        for (int c = 0; c < current.length; c++) {
            current[c] = new AtomicInteger(NONE);
        }
        this.partialHead = new AtomicLongArray(n);
        for (int c = 0; c < n; c++) {
            partialHead.set(c, pack(NONE, 0));
        }
        this.classPages = new AtomicIntegerArray(n);
        this.spares = new AtomicLongArray(n * stripes * SPARE_PAD);
        for (int k = 0; k < spares.length(); k++) {
            spares.set(k, NONE);
        }
    }

    /** @return the calling thread's stripe (of {@link #current} and {@link #spares}) */
    private int stripe() {
        return (int) (Thread.currentThread().getId() & (stripes - 1));
    }

    /** @return the index in {@link #spares} of class {@code cls}'s cell for {@code stripe} */
    private int spareCell(final int cls, final int stripe) {
        return (cls * stripes + stripe) * SPARE_PAD;
    }

    private int spareIndex(final int cls) {
        return spareCell(cls, stripe());
    }

    private static int bitmapBytesFor(final int slots) {
        return ((slots + 63) >>> 6) << 3;
    }

    private static long pack(final int page, final int version) {
        return ((long) version << 32) | (page & 0xFFFF_FFFFL);
    }

    int classCount() {
        return slotSizes.length;
    }

    /**
     * @param size bytes needed
     * @return the smallest class whose slots hold {@code size} bytes, or -1 if none does
     */
    int classFor(final int size) {
        if (size <= SMALL_LIMIT) {
            return size <= MIN_SLOT ? 0 : (size - MIN_SLOT + smallStep - 1) / smallStep;
        }
        if (size > maxSlotSize) {
            return NONE;
        }
        int lo = (SMALL_LIMIT - MIN_SLOT) / smallStep + 1;
        int hi = slotSizes.length - 1;
        while (lo < hi) {
            final int mid = (lo + hi) >>> 1;
            if (slotSizes[mid] >= size) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /**
     * Allocates a slot of class {@code cls} without evicting anything: the calling stripe's spare
     * of the class if there is one, else a bit of the class's current page.
     *
     * @return the slot's global offset, or -1 if the class has no free slot and no page is free
     */
    long allocate(final int cls) {
        final int si = spareIndex(cls);
        if (spares.get(si) >= 0) {
            final long spare = spares.getAndSet(si, NONE);
            if (spare >= 0) {
                if (pageState.get(memory.pageOf(spare)) == cls) {
                    return spare;
                }
                release(spare); // its page is being drained
            }
        }
        final AtomicInteger cur = currentFor(cls);
        for (;;) {
            int page = cur.get();
            if (page != NONE) {
                final long slot = allocateIn(page, cls);
                if (slot >= 0) {
                    return slot;
                }
                cur.compareAndSet(page, NONE);
            }
            page = popPartial(cls);
            if (page == NONE) {
                page = memory.acquirePage();
                if (page == NONE) {
                    return -1;
                }
                assignPage(page, cls);
            }
            if (!cur.compareAndSet(NONE, page)) {
                pushPartial(cls, page);
            }
        }
    }

    /**
     * @return whether {@code page} is an allocation page of class {@code cls} for some stripe: the
     *         page where writers are most likely filling entries they have not linked yet
     */
    boolean isCurrent(final int page, final int cls) {
        for (int k = 0; k < stripes; k++) {
            if (current[cls * stripes + k].get() == page) {
                return true;
            }
        }
        return false;
    }

    /** @return the calling thread's current-page cell of class {@code cls} */
    private AtomicInteger currentFor(final int cls) {
        return current[cls * stripes + stripe()];
    }

    private void assignPage(final int page, final int cls) {
        final UnsafeBuffer buf = memory.buffer(memory.pageStart(page));
        buf.setMemory(NativeMemory.offset(memory.pageStart(page)), bitmapBytes[cls], (byte) 0);
        pageLive.set(page, 0);
        pageHint[page] = 0;
        classPages.incrementAndGet(cls);
        pageState.set(page, cls);
    }

    private long allocateIn(final int page, final int cls) {
        if (pageState.get(page) != cls) {
            return -1;
        }
        final int slots = slotsPerPage[cls];
        // reserve a slot first: a page can be released only by moving its count from 0 to CLOSED
        for (;;) {
            final int live = pageLive.get(page);
            if (live < 0 || live >= slots) {
                return -1;
            }
            if (pageLive.compareAndSet(page, live, live + 1)) {
                break;
            }
        }
        if (pageState.get(page) != cls) { // being drained: give the reservation back
            releaseReservation(page, cls);
            return -1;
        }
        final long start = memory.pageStart(page);
        final UnsafeBuffer buf = memory.buffer(start);
        final int base = NativeMemory.offset(start);
        final int words = (slots + 63) >>> 6;
        final int first = Math.min(pageHint[page], words - 1);
        for (;;) { // the reservation guarantees a free bit exists (frees clear the bit before the count)
            for (int k = 0; k < words; k++) {
                int w = first + k;
                if (w >= words) {
                    w -= words;
                }
                final int wordOffset = base + (w << 3);
                for (;;) {
                    final long bits = buf.getLongVolatile(wordOffset);
                    final int validInWord = Math.min(64, slots - (w << 6));
                    final long valid = validInWord == 64 ? -1L : (1L << validInWord) - 1;
                    final long freeBits = ~bits & valid;
                    if (freeBits == 0) {
                        break;
                    }
                    final long bit = Long.lowestOneBit(freeBits);
                    if (buf.compareAndSetLong(wordOffset, bits, bits | bit)) {
                        final int index = (w << 6) + Long.numberOfTrailingZeros(bit);
                        if (freeBits == bit) {
                            pageHint[page] = w + 1 < words ? w + 1 : 0; // this word is now full
                        }
                        return start + bitmapBytes[cls] + (long) index * slotSizes[cls];
                    }
                }
            }
            Thread.onSpinWait(); // a concurrent free has decremented before its bit became visible to us
        }
    }

    private void releaseReservation(final int page, final int cls) {
        if (pageLive.decrementAndGet(page) == 0) {
            tryReleaseEmpty(page, cls);
        }
    }

    private static void clearBit(final UnsafeBuffer buf, final int wordOffset, final long bit) {
        for (;;) {
            final long bits = buf.getLongVolatile(wordOffset);
            if (buf.compareAndSetLong(wordOffset, bits, bits & ~bit)) {
                return;
            }
        }
    }

    /**
     * Frees a slot: keeps it as the calling stripe's spare of its class when that cell is empty,
     * else gives it back to its page. The caller guarantees the slot is unlinked and unpinned.
     *
     * @param global the slot's global offset
     */
    void free(final long global) {
        final int page = memory.pageOf(global);
        final int state = pageState.get(page);
        // not the page's last live slot: a page with nothing but a spare would never be released
        if ((state & DRAINING) == 0 && state >= 0 && pageLive.get(page) > 1) {
            final int si = spareIndex(state);
            if (spares.get(si) < 0 && spares.compareAndSet(si, NONE, global)) {
                if (pageState.get(page) == state) {
                    return; // kept as the spare
                }
                if (!spares.compareAndSet(si, global, NONE)) {
                    return; // a drain began meanwhile, took it and released it
                }
            }
        }
        release(global);
    }

    /** Frees a slot into its page's bitmap. */
    private void release(final long global) {
        final int page = memory.pageOf(global);
        final int state = pageState.get(page);
        final int cls = state & CLASS_MASK;
        final long start = memory.pageStart(page);
        final int index = (int) ((global - start - bitmapBytes[cls]) / slotSizes[cls]);
        final UnsafeBuffer buf = memory.buffer(start);
        clearBit(buf, NativeMemory.offset(start) + ((index >>> 6) << 3), 1L << (index & 63));
        pageHint[page] = index >>> 6;
        final int left = pageLive.decrementAndGet(page);
        if (left == 0 && (state & DRAINING) == 0) {
            if (tryReleaseEmpty(page, cls)) {
                return;
            }
        } else if (left == 1 && (state & DRAINING) == 0 && releaseSpares(page, cls, false)) {
            return; // that spare was the page's last slot: releasing it released the page
        }
        if ((state & DRAINING) == 0) {
            final AtomicInteger cur = currentFor(cls);
            final int c = cur.get();
            if (c == page) {
                return;
            }
            // the class's allocation page is full (or there is none): this page, which has a free
            // slot now, takes its place, so the next allocation of the class finds that slot at
            // once instead of going through the partial stack (an overwrite frees one slot and
            // allocates one: the common case). The full page needs no list: its next free will
            // offer it again.
            if ((c == NONE || pageLive.get(c) >= slotsPerPage[cls]) && cur.compareAndSet(c, page)) {
                return;
            }
            pushPartial(cls, page);
        }
    }

    /**
     * Releases spares kept in {@code page}: when a drain begins there ({@code all}), or when a free
     * has left the page with one live slot, which may be a spare (the first one found).
     *
     * @return whether a spare was found and released
     */
    private boolean releaseSpares(final int page, final int cls, final boolean all) {
        boolean found = false;
        for (int k = 0; k < stripes && (all || !found); k++) {
            final int si = spareCell(cls, k);
            final long spare = spares.get(si);
            if (spare >= 0 && memory.pageOf(spare) == page && spares.compareAndSet(si, spare, NONE)) {
                release(spare);
                found = true;
            }
        }
        return found;
    }

    /** Gives an empty page back to the page pool, unless an allocation got in first. */
    private boolean tryReleaseEmpty(final int page, final int cls) {
        final int began = beginDrain(page);
        if (began != cls) {
            if (began >= 0) {
                abortDrain(page, began); // the page moved on to another class meanwhile: leave it be
            }
            return false;
        }
        if (tryRelease(page, cls)) {
            return true;
        }
        abortDrain(page, cls);
        return false;
    }

    private void pushPartial(final int cls, final int page) {
        if (!inPartial.compareAndSet(page, 0, 1)) {
            return;
        }
        for (;;) {
            final long head = partialHead.get(cls);
            partialNext.set(page, (int) head);
            if (partialHead.compareAndSet(cls, head, pack(page, (int) (head >>> 32) + 1))) {
                return;
            }
        }
    }

    private int popPartial(final int cls) {
        for (;;) {
            final long head = partialHead.get(cls);
            final int page = (int) head;
            if (page == NONE) {
                return NONE;
            }
            final int next = partialNext.get(page);
            if (partialHead.compareAndSet(cls, head, pack(next, (int) (head >>> 32) + 1))) {
                inPartial.set(page, 0);
                final int state = pageState.get(page);
                if (state == cls) {
                    return page;
                }
                if (state >= 0 && (state & DRAINING) == 0) {
                    pushPartial(state, page); // re-assigned to another class while stacked
                }
            }
        }
    }

    /**
     * Whether {@code global} is the start of an allocated slot of a class page right now. Handles
     * kept by policies and offsets read from a stale index may point anywhere; this check (racy, but
     * cheap) keeps such a pointer from being treated as an entry.
     */
    boolean isAllocatedSlot(final long global) {
        if (global <= 0) {
            return false;
        }
        final long pageNumber = global >>> memory.pageShift;
        if (pageNumber >= memory.pageCount) {
            return false;
        }
        final int page = (int) pageNumber;
        final int state = pageState.get(page);
        if (state < 0) {
            return false;
        }
        final int cls = state & CLASS_MASK;
        final long rel = global - memory.pageStart(page) - bitmapBytes[cls];
        if (rel < 0 || rel % slotSizes[cls] != 0) {
            return false;
        }
        final int index = (int) (rel / slotSizes[cls]);
        if (index >= slotsPerPage[cls]) {
            return false;
        }
        final long start = memory.pageStart(page);
        final long word = memory.buffer(start).getLongVolatile(NativeMemory.offset(start) + ((index >>> 6) << 3));
        return (word & (1L << (index & 63))) != 0;
    }

    /** @return the class of the page holding {@code global}, or -1 if not a class page */
    int classOfSlot(final long global) {
        final int state = pageState.get(memory.pageOf(global));
        return state < 0 ? NONE : state & CLASS_MASK;
    }

    /**
     * Marks a class page as draining so no allocation happens there any more.
     *
     * @return the class, or -1 if the page is not a (non-draining) class page
     */
    int beginDrain(final int page) {
        for (;;) {
            final int state = pageState.get(page);
            if (state < 0 || (state & DRAINING) != 0) {
                return NONE;
            }
            if (pageState.compareAndSet(page, state, state | DRAINING)) {
                for (int k = 0; k < stripes; k++) {
                    current[state * stripes + k].compareAndSet(page, NONE);
                }
                releaseSpares(page, state, true);
                return state;
            }
        }
    }

    /** Undoes {@link #beginDrain} when the page could not be emptied. */
    void abortDrain(final int page, final int cls) {
        pageState.set(page, cls);
        if (pageLive.get(page) < slotsPerPage[cls]) {
            pushPartial(cls, page);
        }
    }

    /** Marks the count of an empty page as closed to reservations. */
    private static final int CLOSED = -1;

    /**
     * Hands a draining page back to the free pool if it is empty: its count moves from 0 to
     * CLOSED, after which no allocator can reserve a slot in it.
     *
     * @return whether the page was released
     */
    boolean tryRelease(final int page, final int cls) {
        if (!pageLive.compareAndSet(page, 0, CLOSED)) {
            return false;
        }
        classPages.decrementAndGet(cls);
        pageState.set(page, STATE_FREE);
        memory.releasePage(page);
        return true;
    }

    /** Visits the allocated slots of a page (a racy snapshot of its bitmap). */
    void forEachAllocated(final int page, final int cls, final SlotVisitor visitor) {
        final long start = memory.pageStart(page);
        final UnsafeBuffer buf = memory.buffer(start);
        final int base = NativeMemory.offset(start);
        final int slots = slotsPerPage[cls];
        for (int w = 0; w << 6 < slots; w++) {
            long bits = buf.getLongVolatile(base + (w << 3));
            while (bits != 0) {
                final long bit = Long.lowestOneBit(bits);
                bits &= ~bit;
                final int index = (w << 6) + Long.numberOfTrailingZeros(bit);
                visitor.visit(start + bitmapBytes[cls] + (long) index * slotSizes[cls]);
            }
        }
    }

    /** Receives slot offsets. */
    @FunctionalInterface
    interface SlotVisitor {
        void visit(long global);
    }

    /** Takes a page for the index. */
    int acquireIndexPage() {
        final int page = memory.acquirePage();
        if (page != NONE) {
            pageState.set(page, STATE_INDEX);
        }
        return page;
    }

    void releaseIndexPage(final int page) {
        pageState.set(page, STATE_FREE);
        memory.releasePage(page);
    }
}
