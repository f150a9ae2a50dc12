package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Ten million entries (16-byte keys, 64-byte values) live off the heap: after a full GC the heap
 * in use stays under 64 MB. Surefire runs this class in its own JVM with {@code -Xmx2g}.
 */
class HeapFootprintTest {
    private static final int ENTRIES = 10_000_000;
    private static final long HEAP_LIMIT = 64L << 20;

    private static long heapUsedAfterFullGc() throws InterruptedException {
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static void fillKey(final byte[] key, final long i) {
        final long mixed = i * 0x9E3779B97F4A7C15L;
        for (int b = 0; b < 8; b++) {
            key[b] = (byte) (i >>> (8 * b));
            key[8 + b] = (byte) (mixed >>> (8 * b));
        }
    }

    private static void fillValue(final byte[] value, final long i) {
        for (int b = 0; b < value.length; b++) {
            value[b] = (byte) (i * 31 + b);
        }
    }

    @Test
    void tenMillionEntriesLeaveLessThan64MegabytesOfHeap() throws InterruptedException {
        final long before = heapUsedAfterFullGc();
        try (Larder larder = Larder.builder().maxMemory(2_500L << 20).expiryInterval(Duration.ZERO).build()) {
            final Cache<byte[], byte[]> cache = larder.cache("ten-million", Codecs.bytes(), Codecs.bytes());
            final byte[] key = new byte[16];
            final byte[] value = new byte[64];
            for (long i = 0; i < ENTRIES; i++) {
                fillKey(key, i);
                fillValue(value, i);
                cache.put(key, value);
            }
            assertThat(cache.size()).isEqualTo(ENTRIES);
            assertThat(cache.stats().evictions()).as("the budget holds all entries").isZero();

            final long after = heapUsedAfterFullGc();
            System.out.printf("heap used after a full GC: %,d bytes before, %,d bytes with %,d entries; native %,d bytes%n",
                before, after, ENTRIES, larder.memoryUsed());
            assertThat(after).as("heap in use with %,d entries", ENTRIES).isLessThan(HEAP_LIMIT);

            // the entries are really there
            for (long i = 0; i < ENTRIES; i += 99_991) {
                fillKey(key, i);
                fillValue(value, i);
                assertThat(cache.get(key)).isEqualTo(value);
            }
        }
    }
}
