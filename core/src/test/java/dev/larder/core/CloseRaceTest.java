package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * Closing a Larder while other threads still use it: every call either completes or throws
 * {@link IllegalStateException}; nothing else escapes (and the JVM does not crash on freed memory).
 */
class CloseRaceTest {

    @Test
    void operationsRacingCloseEitherCompleteOrThrowIllegalStateException() throws Exception {
        final ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        final LongAdder closedSeen = new LongAdder();
        for (int round = 0; round < 100; round++) {
            final Larder larder = Larder.builder().maxMemory(2L << 20).expiryInterval(Duration.ZERO).build();
            final Cache<Long, byte[]> cache = larder.cache("race", Codecs.int64(), Codecs.bytes());
            for (long i = 0; i < 1_000; i++) {
                cache.put(i, new byte[800]);
            }
            final AtomicBoolean stop = new AtomicBoolean();
            final List<Thread> users = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                final Thread u = new Thread(() -> {
                    final ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    while (!stop.get()) {
                        final long k = rnd.nextLong(3_000);
                        try {
                            switch (rnd.nextInt(4)) {
                                case 0 -> cache.get(k);
                                case 1 -> cache.read(k, (b, o, l) -> b.getByte(o + l - 1));
                                case 2 -> cache.put(k, new byte[1 + rnd.nextInt(3_000)]); // never empty: the reader reads the last byte
                                default -> cache.remove(k);
                            }
                        } catch (final IllegalStateException closed) {
                            closedSeen.increment();
                        } catch (final Throwable e) {
                            if (unexpected.size() < 20) {
                                unexpected.add(e);
                            }
                        }
                    }
                });
                users.add(u);
                u.start();
            }
            Thread.sleep(3);
            larder.close();
            Thread.sleep(1);
            stop.set(true);
            for (final Thread u : users) {
                u.join();
            }
        }
        assertThat(closedSeen.sum()).as("calls after close saw IllegalStateException").isPositive();
        assertThat(unexpected).as("exceptions other than IllegalStateException").isEmpty();
    }
}
