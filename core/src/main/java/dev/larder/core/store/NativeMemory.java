package dev.larder.core.store;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.UnsafeApi;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * All native memory of a store: the budget cut into equal pages, handed out one page at a time.
 *
 * <h2>Design</h2>
 * The budget is divided into {@code pageCount} pages of {@code pageSize} bytes (a power of two
 * between 16 KiB and 1 MiB, chosen so a budget has at least 32 pages). Pages live in <em>regions</em> of at most
 * 1 GiB each, because Agrona buffers are int-indexed; a region is allocated from the operating
 * system when its first page is needed and freed only by {@link #close()}. Memory is therefore
 * never unmapped while the store is open: a reader that races with reuse may read stale bytes,
 * which its optimistic validation rejects, but it can never touch unmapped memory. This is what
 * lets the read path go without locks, reference counts or epochs.
 *
 * <p>Every native byte the store holds is in a page, so "pages in use x page size" is the exact
 * memory figure, fragmentation included, and can never exceed the budget.
 *
 * <p>Addresses are <em>global offsets</em> ({@code page << pageShift | offsetInPage}); region
 * {@code global >>> 30}, offset {@code global & (2^30 - 1)}.
 *
 * <p>Free pages sit on a lock-free Treiber stack whose head carries a version counter against ABA.
 *
 * <p>A region of at least {@link HugePages#MIN_REGION} is, unless turned off, aligned to 2 MiB and
 * advised to use transparent huge pages (see {@link HugePages}). Its allocation asks for 2 MiB more
 * than the region to make room for the alignment; those bytes are address space only, never touched,
 * so they take no memory.
 */
final class NativeMemory {
    /** Regions are at most 1 GiB: Agrona buffers index with an int. */
    static final int REGION_SHIFT = 30;
    static final long REGION_MASK = (1L << REGION_SHIFT) - 1;
    static final int MIN_PAGE_SHIFT = 14; // 16 KiB
    static final int MAX_PAGE_SHIFT = 20; // 1 MiB
    /** Aim for at least this many pages in a budget so memory can move between uses. */
    static final int MIN_PAGES = 32;

    private static final int NONE = -1;

    final int pageShift;
    final int pageSize;
    final int pageCount;
    final long limit;

    private final UnsafeBuffer[] regions;
    private final long[] regionAddresses;
    private final long[] regionSizes;
    private final Object regionLock = new Object();
    private final AtomicInteger nextFresh = new AtomicInteger();
    private final AtomicInteger pagesInUse = new AtomicInteger();
    private final AtomicLong freeHead = new AtomicLong(pack(NONE, 0)); // [version:32][page:32]
    private final AtomicIntegerArray freeNext;
    /** 1 while a page is handed out: catches a double release before it can corrupt anything. */
    private final AtomicIntegerArray owned;
    private volatile boolean closed;
    private final boolean hugePages;
    /** Regions advised to use huge pages, and accepted by the kernel. */
    private int hugeRegions;

    NativeMemory(final long maxMemory) {
        this(maxMemory, true);
    }

    /**
     * @param maxMemory the budget in bytes
     * @param hugePages whether large regions ask for transparent huge pages
     */
    NativeMemory(final long maxMemory, final boolean hugePages) {
        this.hugePages = hugePages;
        int shift = MAX_PAGE_SHIFT;
        while (shift > MIN_PAGE_SHIFT && (maxMemory >> shift) < MIN_PAGES) {
            shift--;
        }
        this.pageShift = shift;
        this.pageSize = 1 << shift;
        final long pages = maxMemory >> shift;
        if (pages > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException(String.format("maxMemory of %,d bytes is too large", maxMemory));
        }
        this.pageCount = (int) pages;
        this.limit = maxMemory;
        final int regionCount = (int) (((long) pageCount * pageSize + REGION_MASK) >>> REGION_SHIFT);
        this.regions = new UnsafeBuffer[regionCount];
        this.regionAddresses = new long[regionCount];
        this.regionSizes = new long[regionCount];
        this.freeNext = new AtomicIntegerArray(pageCount);
        this.owned = new AtomicIntegerArray(pageCount);
    }

    private static long pack(final int page, final int version) {
        return ((long) version << 32) | (page & 0xFFFF_FFFFL);
    }

    /** @return a page id, or -1 when every page of the budget is in use */
    int acquirePage() {
        for (;;) {
            final long head = freeHead.get();
            final int page = (int) head;
            if (page == NONE) {
                break;
            }
            final int next = freeNext.get(page);
            if (freeHead.compareAndSet(head, pack(next, (int) (head >>> 32) + 1))) {
                take(page);
                return page;
            }
        }
        for (;;) {
            final int fresh = nextFresh.get();
            if (fresh >= pageCount) {
                return NONE;
            }
            if (nextFresh.compareAndSet(fresh, fresh + 1)) {
                ensureRegion(fresh);
                take(fresh);
                return fresh;
            }
        }
    }

    /**
     * Returns a page to the free stack. The caller guarantees nobody else will allocate in it;
     * stale readers may still read it, which is safe (see class comment).
     *
     * @param page the page id
     */
    void releasePage(final int page) {
        if (!owned.compareAndSet(page, 1, 0)) {
            throw new IllegalStateException("page " + page + " released twice (internal error)");
        }
        pagesInUse.decrementAndGet();
        for (;;) {
            final long head = freeHead.get();
            freeNext.set(page, (int) head);
            if (freeHead.compareAndSet(head, pack(page, (int) (head >>> 32) + 1))) {
                return;
            }
        }
    }

    private void take(final int page) {
        if (!owned.compareAndSet(page, 0, 1)) {
            throw new IllegalStateException("page " + page + " handed out twice (internal error)");
        }
        pagesInUse.incrementAndGet();
    }

    private void ensureRegion(final int page) {
        final int region = (int) (((long) page << pageShift) >>> REGION_SHIFT);
        if (regions[region] != null) {
            return;
        }
        synchronized (regionLock) {
            if (closed) {
                throw new IllegalStateException("store is closed");
            }
            if (regions[region] == null) {
                final long start = (long) region << REGION_SHIFT;
                final long size = Math.min(1L << REGION_SHIFT, (long) pageCount * pageSize - start);
                final boolean huge = hugePages && size >= HugePages.MIN_REGION && HugePages.available();
                final long raw = UnsafeApi.allocateMemory(huge ? size + HugePages.SIZE : size);
                final long address = huge ? HugePages.alignUp(raw) : raw;
                if (huge && HugePages.advise(address, size)) {
                    hugeRegions++;
                }
                regionAddresses[region] = raw;
                regionSizes[region] = size;
                regions[region] = new UnsafeBuffer(address, (int) size);
            }
        }
    }

    /**
     * @param global a global offset inside an allocated page
     * @return the region buffer holding it
     */
    UnsafeBuffer buffer(final long global) {
        return regions[(int) (global >>> REGION_SHIFT)];
    }

    /**
     * Like {@link #buffer(long)} but safe on garbage (a stale reader's offset): returns
     * {@code null} if {@code global} is not inside allocated memory with room for {@code bytes}.
     */
    UnsafeBuffer bufferOrNull(final long global, final int bytes) {
        final int region = (int) (global >>> REGION_SHIFT);
        if (global < 0 || region >= regions.length) {
            return null;
        }
        final UnsafeBuffer buffer = regions[region];
        if (buffer == null || (global & REGION_MASK) + bytes > buffer.capacity()) {
            return null;
        }
        return buffer;
    }

    static int offset(final long global) {
        return (int) (global & REGION_MASK);
    }

    long pageStart(final int page) {
        return (long) page << pageShift;
    }

    int pageOf(final long global) {
        return (int) (global >>> pageShift);
    }

    /** @return bytes held in pages that are in use */
    long used() {
        return (long) pagesInUse.get() << pageShift;
    }

    /** @return bytes obtained from the operating system so far */
    long reserved() {
        long sum = 0;
        synchronized (regionLock) {
            for (final long size : regionSizes) {
                sum += size;
            }
        }
        return sum;
    }

    /** @return how many regions the kernel accepted huge-page advice for */
    int hugeRegions() {
        synchronized (regionLock) {
            return hugeRegions;
        }
    }

    int pagesInUse() {
        return pagesInUse.get();
    }

    /** Frees every region. Callers must have stopped all other use. */
    void close() {
        synchronized (regionLock) {
            if (closed) {
                return;
            }
            closed = true;
            for (int i = 0; i < regions.length; i++) {
                if (regions[i] != null) {
                    UnsafeApi.freeMemory(regionAddresses[i]);
                    regions[i] = null;
                    regionSizes[i] = 0;
                }
            }
        }
    }
}
