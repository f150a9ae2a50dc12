package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Time to live under a fake clock. Assertions stay one millisecond away from the exact expiry
 * instant, whose inclusive/exclusive meaning the API does not pin down.
 */
class ExpiryTest {
    private FakeClock clock;
    private Larder larder;
    private Cache<String, String> cache;

    @BeforeEach
    void open() {
        clock = new FakeClock();
        larder = Larder.builder().maxMemory(16L << 20).clock(clock).expiryInterval(Duration.ZERO).build();
        cache = larder.cache("ttl", Codecs.utf8(), Codecs.utf8());
    }

    @AfterEach
    void close() {
        larder.close();
    }

    @Test
    void entryIsReturnedUntilItsTtlRunsOut() {
        cache.put("a", "1", Duration.ofMillis(1_000));
        clock.advance(999);
        assertThat(cache.get("a")).isEqualTo("1");
        assertThat(cache.containsKey("a")).isTrue();
        assertThat(cache.ttl("a")).isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void expiredEntryIsNeverReturned() {
        cache.put("a", "1", Duration.ofMillis(1_000));
        cache.put("b", "2", Duration.ofMillis(1_000));
        clock.advance(1_001);
        assertThat(cache.get("a")).isNull();
        assertThat(cache.<Integer>read("a", (b, o, l) -> l)).isNull();
        assertThat(cache.containsKey("a")).isFalse();
        assertThat(cache.getAll(Set.of("a", "b"))).isEmpty();
        assertThat(cache.ttl("a")).isNull();
        assertThat(cache.iterator().hasNext()).isFalse();
        assertThat(cache.getAndRemove("b")).isNull();
    }

    @Test
    void expiredEntryIsNotSeenByConditionalWrites() {
        cache.put("a", "1", Duration.ofMillis(10));
        cache.put("b", "1", Duration.ofMillis(10));
        cache.put("c", "1", Duration.ofMillis(10));
        cache.put("d", "1", Duration.ofMillis(10));
        cache.put("e", "1", Duration.ofMillis(10));
        cache.put("f", "1", Duration.ofMillis(10));
        clock.advance(11);
        assertThat(cache.replace("a", "2")).isFalse();
        assertThat(cache.replace("b", "1", "2")).isFalse();
        assertThat(cache.getAndReplace("c", "2")).isNull();
        assertThat(cache.remove("d", "1")).isFalse();
        assertThat(cache.remove("e")).isFalse();
        assertThat(cache.expire("f", Duration.ofHours(1))).isFalse();
        assertThat(cache.persist("f")).isFalse();
        assertThat(cache.getAll(Set.of("a", "b", "c", "d", "e", "f"))).isEmpty();
    }

    @Test
    void writesOverAnExpiredEntryStartFresh() {
        cache.put("a", "old", Duration.ofMillis(10));
        cache.put("b", "old", Duration.ofMillis(10));
        cache.put("c", "old", Duration.ofMillis(10));
        cache.put("d", "old", Duration.ofMillis(10));
        clock.advance(11);
        assertThat(cache.putIfAbsent("a", "new")).isTrue();
        assertThat(cache.getAndPut("b", "new")).isNull();
        assertThat(cache.compute("c", (k, v) -> v == null ? "fresh" : "stale:" + v)).isEqualTo("fresh");
        assertThat(cache.<Boolean>invoke("d", Cache.MutableEntry::exists)).isFalse();
        assertThat(cache.get("a")).isEqualTo("new");
        assertThat(cache.get("b")).isEqualTo("new");
        assertThat(cache.get("c")).isEqualTo("fresh");
        assertThat(cache.ttl("a")).isEqualTo(Cache.FOREVER);
    }

    @Test
    void putWithoutTtlClearsAnEarlierTtl() {
        cache.put("a", "1", Duration.ofMillis(100));
        cache.put("a", "2");
        assertThat(cache.ttl("a")).isEqualTo(Cache.FOREVER);
        clock.advance(Duration.ofDays(1));
        assertThat(cache.get("a")).isEqualTo("2");
    }

    @Test
    void putWithTtlReplacesAnEarlierTtl() {
        cache.put("a", "1", Duration.ofMillis(100));
        clock.advance(50);
        cache.put("a", "2", Duration.ofMillis(100));
        clock.advance(99);
        assertThat(cache.get("a")).isEqualTo("2");
        clock.advance(2);
        assertThat(cache.get("a")).isNull();
    }

    @Test
    void expireCanShortenAndLengthen() {
        cache.put("a", "1", Duration.ofSeconds(100));
        assertThat(cache.expire("a", Duration.ofMillis(5))).isTrue();
        assertThat(cache.ttl("a")).isEqualTo(Duration.ofMillis(5));
        assertThat(cache.expire("a", Duration.ofSeconds(200))).isTrue();
        assertThat(cache.ttl("a")).isEqualTo(Duration.ofSeconds(200));
        assertThat(cache.get("a")).isEqualTo("1");
    }

    @Test
    void longTtlsWork() {
        cache.put("a", "1", Duration.ofDays(365 * 10));
        clock.advance(Duration.ofDays(365 * 10).minusMillis(1));
        assertThat(cache.get("a")).isEqualTo("1");
        clock.advance(2);
        assertThat(cache.get("a")).isNull();
    }

    @Test
    void expireAfterWriteAppliesToEveryWrite() {
        final Cache<String, String> c = larder.cache("eaw", Codecs.utf8(), Codecs.utf8(),
            CacheOptions.defaults().expireAfterWrite(Duration.ofMillis(100)));
        c.put("a", "1");
        assertThat(c.ttl("a")).isEqualTo(Duration.ofMillis(100));
        clock.advance(60);
        assertThat(c.get("a")).isEqualTo("1"); // a read does not extend a write TTL
        clock.advance(39);
        assertThat(c.ttl("a")).isEqualTo(Duration.ofMillis(1));
        c.put("a", "2"); // a write does
        clock.advance(99);
        assertThat(c.get("a")).isEqualTo("2");
        clock.advance(2);
        assertThat(c.get("a")).isNull();
    }

    @Test
    void expireAfterWriteIsOverriddenByAnExplicitTtl() {
        final Cache<String, String> c = larder.cache("eaw", Codecs.utf8(), Codecs.utf8(),
            CacheOptions.defaults().expireAfterWrite(Duration.ofMillis(100)));
        c.put("a", "1", Duration.ofSeconds(10));
        assertThat(c.ttl("a")).isEqualTo(Duration.ofSeconds(10));
        clock.advance(5_000);
        assertThat(c.get("a")).isEqualTo("1");
    }

    @Test
    void expireAfterWriteCoversConditionalWrites() {
        final Cache<String, String> c = larder.cache("eaw", Codecs.utf8(), Codecs.utf8(),
            CacheOptions.defaults().expireAfterWrite(Duration.ofMillis(100)));
        assertThat(c.putIfAbsent("a", "1")).isTrue();
        c.compute("b", (k, v) -> "1");
        c.invoke("c", e -> {
            e.setValue("1");
            return null;
        });
        c.putAll(Map.of("d", "1"));
        assertThat(c.ttl("a")).isEqualTo(Duration.ofMillis(100));
        assertThat(c.ttl("b")).isEqualTo(Duration.ofMillis(100));
        assertThat(c.ttl("c")).isEqualTo(Duration.ofMillis(100));
        assertThat(c.ttl("d")).isEqualTo(Duration.ofMillis(100));
        clock.advance(101);
        assertThat(c.getAll(Set.of("a", "b", "c", "d"))).isEmpty();
    }

    @Test
    void persistOverridesExpireAfterWriteUntilTheNextWrite() {
        final Cache<String, String> c = larder.cache("eaw", Codecs.utf8(), Codecs.utf8(),
            CacheOptions.defaults().expireAfterWrite(Duration.ofMillis(100)));
        c.put("a", "1");
        assertThat(c.persist("a")).isTrue();
        assertThat(c.ttl("a")).isEqualTo(Cache.FOREVER);
        clock.advance(1_000);
        assertThat(c.get("a")).isEqualTo("1");
    }

    @Test
    void expireAfterAccessIsASlidingWindow() {
        final Cache<String, String> c = larder.cache("eaa", Codecs.utf8(), Codecs.utf8(),
            CacheOptions.defaults().expireAfterAccess(Duration.ofMillis(100)));
        c.put("a", "1");
        for (int i = 0; i < 10; i++) {
            clock.advance(90);
            assertThat(c.get("a")).as("read %d", i).isEqualTo("1"); // each read slides the window
        }
        clock.advance(101);
        assertThat(c.get("a")).isNull();
    }

    @Test
    void expireAfterAccessIsSlidByZeroCopyReads() {
        final Cache<String, String> c = larder.cache("eaa", Codecs.utf8(), Codecs.utf8(),
            CacheOptions.defaults().expireAfterAccess(Duration.ofMillis(100)));
        c.put("a", "1");
        for (int i = 0; i < 5; i++) {
            clock.advance(90);
            assertThat(c.<Integer>read("a", (b, o, l) -> l)).isEqualTo(1);
        }
        clock.advance(101);
        assertThat(c.<Integer>read("a", (b, o, l) -> l)).isNull();
    }

    @Test
    void expireAfterAccessExpiresUnreadEntries() {
        final Cache<String, String> c = larder.cache("eaa", Codecs.utf8(), Codecs.utf8(),
            CacheOptions.defaults().expireAfterAccess(Duration.ofMillis(100)));
        c.put("read", "1");
        c.put("unread", "1");
        clock.advance(60);
        c.get("read");
        clock.advance(60);
        assertThat(c.get("read")).isEqualTo("1");
        assertThat(c.get("unread")).isNull();
    }

    @Test
    void activeExpiryReclaimsEntriesNobodyReads() {
        final long before = larder.memoryUsed();
        for (int i = 0; i < 2_000; i++) {
            cache.put("k" + i, "v".repeat(500), Duration.ofMillis(100 + i % 50));
        }
        for (int i = 0; i < 100; i++) {
            cache.put("keep" + i, "short"); // another size class: the expiring entries' pages empty out entirely
        }
        final long full = larder.memoryUsed();
        assertThat(full).isGreaterThan(before + 2_000L * 500);
        assertThat(cache.size()).isEqualTo(2_100);

        clock.advance(50);
        assertThat(larder.runMaintenance()).isZero();
        assertThat(cache.stats().expirations()).isZero();

        clock.advance(200);
        assertThat(larder.runMaintenance()).isEqualTo(2_000);
        assertThat(cache.stats().expirations()).isEqualTo(2_000);
        assertThat(larder.stats().expirations()).isEqualTo(2_000);
        assertThat(cache.size()).isEqualTo(100);
        assertThat(cache.stats().entries()).isEqualTo(100);
        assertThat(larder.memoryUsed()).isLessThan(full - 2_000L * 500);
        for (int i = 0; i < 100; i++) {
            assertThat(cache.get("keep" + i)).isNotNull();
        }
        assertThat(larder.runMaintenance()).isZero();
    }

    @Test
    void expiredButUnreclaimedEntriesCountInSizeUntilReclaimed() {
        cache.put("a", "1", Duration.ofMillis(10));
        cache.put("b", "1");
        clock.advance(11);
        assertThat(cache.size()).isBetween(1L, 2L); // documented: may include expired, unreclaimed
        larder.runMaintenance();
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void expiryIsReportedToListenersOnce() {
        final List<CacheEntryEvent<String, String>> events = new CopyOnWriteArrayList<>();
        cache.registerListener(events::add);
        cache.put("a", "1", Duration.ofMillis(10));
        events.clear();
        clock.advance(11);
        assertThat(cache.get("a")).isNull(); // may notice the expiry
        larder.runMaintenance(); // or this does
        larder.runMaintenance();
        assertThat(events).containsExactly(new CacheEntryEvent<>(CacheEntryEvent.Type.EXPIRED, "ttl", "a", "1", null));
        assertThat(cache.stats().expirations()).isEqualTo(1);
    }

    @Test
    void expiredEntriesAreReclaimedAcrossCaches() {
        final Cache<String, String> other = larder.cache("other", Codecs.utf8(), Codecs.utf8());
        final Map<String, String> keep = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            cache.put("k" + i, "v", Duration.ofMillis(5));
            other.put("k" + i, "v", Duration.ofMillis(5));
            other.put("keep" + i, "v");
            keep.put("keep" + i, "v");
        }
        clock.advance(6);
        assertThat(larder.runMaintenance()).isEqualTo(200);
        assertThat(cache.size()).isZero();
        assertThat(other.size()).isEqualTo(100);
        assertThat(other.getAll(keep.keySet())).isEqualTo(keep);
        assertThat(larder.stats().expirations()).isEqualTo(200);
    }

    @Test
    void backgroundExpiryReclaimsWithoutRunMaintenance() throws InterruptedException {
        final FakeClock fake = new FakeClock();
        try (Larder bg = Larder.builder().maxMemory(4L << 20).clock(fake).expiryInterval(Duration.ofMillis(5)).build()) {
            final Cache<String, String> c = bg.cache("bg", Codecs.utf8(), Codecs.utf8());
            for (int i = 0; i < 500; i++) {
                c.put("k" + i, "v", Duration.ofMillis(10));
            }
            fake.advance(11);
            // bounded wait for the daemon (not a timing assert: the bound is generous)
            final long deadline = System.nanoTime() + 30_000_000_000L;
            while (c.size() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(c.size()).isZero();
            assertThat(c.stats().expirations()).isEqualTo(500);
        }
    }
}
