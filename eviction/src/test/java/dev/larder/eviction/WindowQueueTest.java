package dev.larder.eviction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/** The region queues' FIFO: records in order, peek without taking, bounded, safe under concurrency. */
class WindowQueueTest {

    @Test
    void recordsComeOutInArrivalOrderWithTheirHashAndWord() {
        final WindowQueue q = new WindowQueue(8);
        for (int i = 1; i <= 5; i++) {
            assertThat(q.offer(i, i * 100L, -i)).isTrue();
        }
        final long[] out = new long[3];
        for (int i = 1; i <= 5; i++) {
            assertThat(q.poll(out)).isTrue();
            assertThat(out).containsExactly(i, i * 100L, -i);
        }
        assertThat(q.poll(out)).isFalse();
        assertThat(q.size()).isZero();
    }

    @Test
    void peekReadsTheHeadWithoutTakingIt() {
        final WindowQueue q = new WindowQueue(4);
        final long[] out = new long[3];
        assertThat(q.peek(out)).isFalse();
        q.offer(7, 70, 0x40_0001);
        q.offer(8, 80, 0x40_0002);
        assertThat(q.peek(out)).isTrue();
        assertThat(out).containsExactly(7, 70, 0x40_0001);
        assertThat(q.peek(out)).isTrue();
        assertThat(out[0]).isEqualTo(7);
        assertThat(q.size()).isEqualTo(2);
        q.poll(out);
        assertThat(q.peek(out)).isTrue();
        assertThat(out).containsExactly(8, 80, 0x40_0002);
    }

    @Test
    void aFullQueueRefusesUntilOneIsTaken() {
        final WindowQueue q = new WindowQueue(4);
        for (int i = 0; i < 4; i++) {
            assertThat(q.offer(i, i, i)).isTrue();
        }
        assertThat(q.offer(9, 9, 9)).isFalse();
        q.poll(new long[3]);
        assertThat(q.offer(9, 9, 9)).isTrue();
    }

    @Test
    void aCapacityThatIsNotAPowerOfTwoIsRefused() {
        assertThatThrownBy(() -> new WindowQueue(6)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("power of two").hasMessageContaining("6");
    }

    /**
     * Two producers and two consumers (one of which also peeks) through a small queue: every record
     * is taken exactly once, whole (its hash and word match its handle), and each producer's records
     * leave in the order they were offered.
     */
    @Test
    void concurrentProducersAndConsumersTakeEveryRecordOnceAndWhole() throws InterruptedException {
        final WindowQueue q = new WindowQueue(64);
        final int perProducer = 200_000;
        final AtomicLongArray taken = new AtomicLongArray(2 * perProducer);
        final AtomicLong consumed = new AtomicLong();
        final AtomicLong torn = new AtomicLong();
        final AtomicLong outOfOrder = new AtomicLong();
        final CountDownLatch start = new CountDownLatch(1);
        final Thread[] threads = new Thread[4];
        for (int p = 0; p < 2; p++) {
            final int producer = p;
            threads[p] = new Thread(() -> {
                await(start);
                for (int i = 0; i < perProducer; i++) {
                    final long handle = (long) producer * perProducer + i;
                    while (!q.offer(handle, handle * 31 + 7, (int) (handle ^ 0x5A5A))) {
                        Thread.onSpinWait();
                    }
                }
            });
        }
        for (int c = 0; c < 2; c++) {
            final boolean peeks = c == 0;
            threads[2 + c] = new Thread(() -> {
                await(start);
                final long[] out = new long[3];
                final long[] lastSeen = {-1, -1};
                while (consumed.get() < 2L * perProducer) {
                    if (peeks && q.peek(out) && (out[1] != out[0] * 31 + 7 || (int) out[2] != (int) (out[0] ^ 0x5A5A))) {
                        torn.incrementAndGet();
                    }
                    if (!q.poll(out)) {
                        Thread.onSpinWait();
                        continue;
                    }
                    consumed.incrementAndGet();
                    if (out[1] != out[0] * 31 + 7 || (int) out[2] != (int) (out[0] ^ 0x5A5A)) {
                        torn.incrementAndGet();
                    }
                    final int producer = (int) (out[0] / perProducer);
                    if (out[0] < lastSeen[producer]) {
                        outOfOrder.incrementAndGet();
                    }
                    lastSeen[producer] = out[0];
                    taken.incrementAndGet((int) out[0]);
                }
            });
        }
        for (final Thread t : threads) {
            t.start();
        }
        start.countDown();
        for (final Thread t : threads) {
            t.join(60_000);
            assertThat(t.isAlive()).isFalse();
        }
        assertThat(torn.get()).isZero();
        assertThat(outOfOrder.get()).isZero();
        for (int i = 0; i < taken.length(); i++) {
            assertThat(taken.get(i)).as("record %d", i).isEqualTo(1);
        }
        assertThat(q.size()).isZero();
    }

    private static void await(final CountDownLatch latch) {
        try {
            latch.await();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
