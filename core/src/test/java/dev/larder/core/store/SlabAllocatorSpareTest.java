package dev.larder.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The allocator's per-thread spare slot: a freed slot kept back for the freeing thread's next
 * allocation of the same class, which an overwrite (allocate the new entry, free the old one) then
 * takes without touching the page's bitmap or counters. Spares must never keep an otherwise empty
 * page from the pool, never be handed out twice, and never survive in a page being drained.
 */
class SlabAllocatorSpareTest {
    private static final int ENTRY = 140;

    private NativeMemory memory;
    private SlabAllocator slabs;

    @BeforeEach
    void open() {
        memory = new NativeMemory(64L << 20); // 64 pages of 1 MiB: 4 stripes per class
        slabs = new SlabAllocator(memory);
    }

    @AfterEach
    void close() {
        memory.close();
    }

    private int live(final long global) {
        return slabs.pageLive.get(memory.pageOf(global));
    }

    @Test
    void aFreedSlotIsTheSameThreadsNextAllocationOfItsClass() {
        final int cls = slabs.classFor(ENTRY);
        final long a = slabs.allocate(cls);
        final long b = slabs.allocate(cls);
        final long c = slabs.allocate(cls);
        assertThat(live(a)).isEqualTo(3);
        slabs.free(b);
        assertThat(live(a)).as("a spare still counts as live in its page").isEqualTo(3);
        assertThat(slabs.isAllocatedSlot(b)).isTrue();
        assertThat(slabs.allocate(cls)).isEqualTo(b);
        assertThat(live(a)).isEqualTo(3);
        // a second free while the spare cell is full goes back to the bitmap
        slabs.free(b);
        slabs.free(c);
        assertThat(live(a)).isEqualTo(2);
        assertThat(slabs.isAllocatedSlot(c)).isFalse();
    }

    @Test
    void aSpareThatIsItsPagesLastSlotIsReleasedWithThePage() {
        final int cls = slabs.classFor(ENTRY);
        final long before = memory.used();
        final long a = slabs.allocate(cls);
        final long b = slabs.allocate(cls);
        assertThat(memory.used()).isGreaterThan(before);
        slabs.free(a); // kept as a spare: b is still live in the page
        assertThat(slabs.isAllocatedSlot(a)).isTrue();
        slabs.free(b); // down to the spare alone: the spare goes too, and so does the page
        assertThat(memory.used()).isEqualTo(before);
        assertThat(slabs.isAllocatedSlot(a)).isFalse();
        assertThat(slabs.isAllocatedSlot(b)).isFalse();
        // the last slot of a page is never kept as a spare in the first place
        final long c = slabs.allocate(cls);
        slabs.free(c);
        assertThat(memory.used()).isEqualTo(before);
    }

    @Test
    void drainingAPageTakesBackTheSpareInIt() {
        final int cls = slabs.classFor(ENTRY);
        final long a = slabs.allocate(cls);
        final long b = slabs.allocate(cls);
        slabs.free(a);
        assertThat(live(b)).isEqualTo(2);
        final int page = memory.pageOf(b);
        assertThat(slabs.beginDrain(page)).isEqualTo(cls);
        assertThat(live(b)).as("the spare was released when the drain began").isEqualTo(1);
        assertThat(slabs.isAllocatedSlot(a)).isFalse();
        // and a slot freed into a draining page is not kept either
        slabs.free(b);
        assertThat(live(b)).isZero();
        assertThat(slabs.tryRelease(page, cls)).isTrue();
        // the released page is free again: the class can take it (or any other) and allocate
        final long c = slabs.allocate(cls);
        assertThat(c).isNotNegative();
        assertThat(slabs.classOfSlot(c)).isEqualTo(cls);
    }

    /**
     * Threads allocate, write their own tag into each slot, check it, and free, while another thread
     * keeps draining and releasing pages. No slot is ever held by two threads at once, and at the
     * end the pages' live counts add up to the slots still held.
     */
    @Test
    void concurrentAllocationFreeAndDrainHandNoSlotOutTwice() throws Exception {
        final int cls = slabs.classFor(ENTRY);
        final int writers = 3;
        final int rounds = 200_000;
        final Set<Long> held = ConcurrentHashMap.newKeySet();
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final List<List<Long>> kept = new ArrayList<>();
        final CountDownLatch done = new CountDownLatch(writers);
        final List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            final long tag = 0x5A5A_0000L + w;
            final List<Long> mine = new ArrayList<>();
            kept.add(mine);
            threads.add(new Thread(() -> {
                try {
                    final ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    for (int r = 0; r < rounds && failure.get() == null; r++) {
                        if (mine.isEmpty() || (mine.size() < 64 && rnd.nextBoolean())) {
                            final long g = slabs.allocate(cls);
                            if (g < 0) {
                                continue; // every page busy being drained: try again
                            }
                            if (!held.add(g)) {
                                throw new AssertionError("slot " + g + " handed out while held");
                            }
                            final UnsafeBuffer buf = memory.buffer(g);
                            buf.putLong(NativeMemory.offset(g), tag);
                            mine.add(g);
                        } else {
                            final long g = mine.remove(rnd.nextInt(mine.size()));
                            final UnsafeBuffer buf = memory.buffer(g);
                            final long seen = buf.getLong(NativeMemory.offset(g));
                            if (seen != tag) {
                                throw new AssertionError("slot " + g + " overwritten while held: " + Long.toHexString(seen));
                            }
                            held.remove(g);
                            slabs.free(g);
                        }
                    }
                } catch (final Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    done.countDown();
                }
            }));
        }
        final Thread drainer = new Thread(() -> {
            final ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (done.getCount() > 0 && failure.get() == null) {
                final int page = rnd.nextInt(memory.pageCount);
                final int began = slabs.beginDrain(page);
                if (began < 0) {
                    continue;
                }
                // nothing here evicts: the drain succeeds only if the page is empty, which it is
                // more often thanks to the spare it just took back
                if (!slabs.tryRelease(page, began)) {
                    slabs.abortDrain(page, began);
                }
                Thread.yield();
            }
        });
        threads.forEach(Thread::start);
        drainer.start();
        for (final Thread t : threads) {
            t.join();
        }
        drainer.join();
        assertThat(failure.get()).isNull();
        final Set<Long> all = new HashSet<>();
        kept.forEach(all::addAll);
        assertThat(all).hasSameSizeAs(held).containsExactlyInAnyOrderElementsOf(held);
        long liveSum = 0;
        for (int p = 0; p < memory.pageCount; p++) {
            liveSum += Math.max(0, slabs.pageLive.get(p));
        }
        // each writer thread may also hold one spare of the class
        assertThat(liveSum).isBetween((long) all.size(), (long) all.size() + writers);
        for (final long g : all) {
            assertThat(slabs.isAllocatedSlot(g)).isTrue();
        }
    }
}
