package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Listing, finding, watching and destroying the caches of a Larder. */
class CacheRegistryTest {

    private static Larder small() {
        return Larder.builder().maxMemory(8L << 20).expiryInterval(Duration.ZERO).build();
    }

    @Test
    void cachesAreListedSortedAndFoundByName() {
        try (Larder larder = small()) {
            final Cache<String, String> b = larder.cache("b", Codecs.utf8(), Codecs.utf8());
            final Cache<Long, byte[]> a = larder.cache("a", Codecs.int64(), Codecs.bytes());
            assertThat(larder.caches()).containsExactly(a, b);
            assertThat(larder.findCache("b")).containsSame(b);
            assertThat(larder.findCache("nope")).isEmpty();
            assertThatThrownBy(() -> larder.caches().clear()).isInstanceOf(UnsupportedOperationException.class);
        }
    }

    @Test
    void creationListenersSeeNewCachesOnly() {
        try (Larder larder = small()) {
            final Cache<String, String> before = larder.cache("before", Codecs.utf8(), Codecs.utf8());
            final List<Cache<?, ?>> seen = new ArrayList<>();
            larder.onCacheCreated(seen::add);
            final Cache<String, String> after = larder.cache("after", Codecs.utf8(), Codecs.utf8());
            larder.cache("after", Codecs.utf8(), Codecs.utf8()); // existing: not a creation
            larder.cache("before", Codecs.utf8(), Codecs.utf8());
            assertThat(seen).containsExactly(after);
            assertThat(seen).doesNotContain(before);
        }
    }

    @Test
    void destroyRemovesEntriesAndFreesTheName() {
        try (Larder larder = small()) {
            final Cache<String, String> old = larder.cache("c", Codecs.utf8(), Codecs.utf8());
            final Cache<String, String> other = larder.cache("other", Codecs.utf8(), Codecs.utf8());
            for (int i = 0; i < 5_000; i++) {
                old.put("k" + i, "value-" + i);
            }
            other.put("keep", "me");
            final long used = larder.memoryUsed();

            assertThat(larder.destroyCache("c")).isTrue();
            assertThat(larder.destroyCache("c")).isFalse();
            assertThat(larder.cacheNames()).containsExactly("other");
            assertThat(larder.store().totalSize()).isEqualTo(1);
            assertThat(larder.memoryUsed()).isLessThan(used);
            assertThat(other.get("keep")).isEqualTo("me");

            assertThatThrownBy(() -> old.get("k1")).isInstanceOf(IllegalStateException.class).hasMessageContaining("'c' was destroyed");
            assertThatThrownBy(() -> old.put("k1", "v")).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(old::size).isInstanceOf(IllegalStateException.class);

            // the name is free, even for other codecs, and the new cache starts empty
            final Cache<Long, Long> fresh = larder.cache("c", Codecs.int64(), Codecs.int64());
            assertThat(fresh.size()).isZero();
            fresh.put(1L, 2L);
            assertThat(fresh.get(1L)).isEqualTo(2L);
            assertThat(larder.store().totalSize()).isEqualTo(2);
        }
    }

    @Test
    void destroyWhileWritersRunLeavesNoEntryBehind() throws Exception {
        try (Larder larder = small()) {
            for (int round = 0; round < 20; round++) {
                final Cache<Long, Long> cache = larder.cache("hot", Codecs.int64(), Codecs.int64());
                final AtomicLong rejected = new AtomicLong();
                final AtomicReference<Throwable> failure = new AtomicReference<>();
                final CountDownLatch started = new CountDownLatch(2);
                final List<Thread> writers = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    final long base = w * 1_000_000L;
                    final Thread t = new Thread(() -> {
                        started.countDown();
                        for (long i = 0; ; i++) { // ends only when the destroyed cache rejects a put
                            try {
                                cache.put(base + (i % 50_000), i);
                            } catch (final IllegalStateException destroyed) {
                                rejected.incrementAndGet();
                                return;
                            } catch (final Throwable e) {
                                failure.set(e);
                                return;
                            }
                        }
                    });
                    writers.add(t);
                    t.start();
                }
                started.await();
                Thread.sleep(5);
                assertThat(larder.destroyCache("hot")).isTrue();
                for (final Thread t : writers) {
                    t.join();
                }
                assertThat(failure.get()).isNull();
                assertThat(rejected.get()).as("writers saw the destruction").isEqualTo(2);
                assertThat(larder.store().totalSize()).as("entries left after destroy, round " + round).isZero();
            }
        }
    }

    @Test
    void badArgumentsAndClosedLarder() {
        final Larder larder = small();
        assertThatThrownBy(() -> larder.destroyCache(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> larder.findCache(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> larder.onCacheCreated(null)).isInstanceOf(NullPointerException.class);
        larder.close();
        assertThatThrownBy(() -> larder.destroyCache("x")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(larder::caches).isInstanceOf(IllegalStateException.class);
    }
}
