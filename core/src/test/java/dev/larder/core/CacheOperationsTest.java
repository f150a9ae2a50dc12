package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One behaviour per test for every single-key, bulk and iteration operation of {@link Cache}. */
class CacheOperationsTest {
    private FakeClock clock;
    private Larder larder;
    private Cache<String, String> cache;

    @BeforeEach
    void open() {
        clock = new FakeClock();
        larder = Larder.builder().maxMemory(8L << 20).clock(clock).expiryInterval(Duration.ZERO).build();
        cache = larder.cache("ops", Codecs.utf8(), Codecs.utf8());
    }

    @AfterEach
    void close() {
        larder.close();
    }

    @Test
    void nameIsTheNameGivenAtCreation() {
        assertThat(cache.name()).isEqualTo("ops");
        assertThat(larder.cacheNames()).containsExactly("ops");
    }

    @Test
    void getReturnsWhatWasPut() {
        cache.put("a", "alpha");
        assertThat(cache.get("a")).isEqualTo("alpha");
    }

    @Test
    void getOfAbsentKeyIsNull() {
        assertThat(cache.get("nope")).isNull();
        cache.put("a", "alpha");
        assertThat(cache.get("nope")).isNull();
    }

    @Test
    void putOverwritesTheValue() {
        cache.put("a", "alpha");
        cache.put("a", "beta");
        assertThat(cache.get("a")).isEqualTo("beta");
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void putOfLargerAndSmallerValuesKeepsTheLatest() {
        final String big = "x".repeat(50_000);
        cache.put("a", "small");
        cache.put("a", big);
        assertThat(cache.get("a")).isEqualTo(big);
        cache.put("a", "s");
        assertThat(cache.get("a")).isEqualTo("s");
    }

    @Test
    void emptyValueIsStoredAndIsNotAbsent() {
        cache.put("empty", "");
        assertThat(cache.get("empty")).isEqualTo("");
        assertThat(cache.containsKey("empty")).isTrue();
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void keysDifferingOnlyInOneByteAreDistinct() {
        cache.put("key-0001", "one");
        cache.put("key-0002", "two");
        cache.put("key-000", "prefix");
        assertThat(cache.get("key-0001")).isEqualTo("one");
        assertThat(cache.get("key-0002")).isEqualTo("two");
        assertThat(cache.get("key-000")).isEqualTo("prefix");
    }

    @Test
    void unicodeKeysAndValuesRoundTrip() {
        cache.put("clé-🔑", "valeur-ü-€-😀");
        assertThat(cache.get("clé-🔑")).isEqualTo("valeur-ü-€-😀");
    }

    @Test
    void manyEntriesAreAllRetrievable() {
        for (int i = 0; i < 20_000; i++) {
            cache.put("k" + i, "v" + i);
        }
        assertThat(cache.size()).isEqualTo(20_000);
        for (int i = 0; i < 20_000; i++) {
            assertThat(cache.get("k" + i)).isEqualTo("v" + i);
        }
    }

    @Test
    void readGivesAZeroCopyViewOfTheStoredBytes() {
        cache.put("a", "hello");
        final String seen = cache.read("a", (DirectBuffer buffer, int offset, int length) -> {
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
        });
        assertThat(seen).isEqualTo("hello");
        assertThat(cache.<Integer>read("a", (buffer, offset, length) -> length)).isEqualTo(5);
    }

    @Test
    void readOfAbsentKeyIsNullAndDoesNotCallTheReader() {
        final AtomicInteger calls = new AtomicInteger();
        final Integer r = cache.read("missing", (buffer, offset, length) -> calls.incrementAndGet());
        assertThat(r).isNull();
        assertThat(calls).hasValue(0);
    }

    @Test
    void readCallsTheReaderExactlyOnce() {
        cache.put("a", "v");
        final AtomicInteger calls = new AtomicInteger();
        cache.read("a", (buffer, offset, length) -> calls.incrementAndGet());
        assertThat(calls).hasValue(1);
    }

    @Test
    void getAllReturnsOnlyPresentKeys() {
        cache.put("a", "1");
        cache.put("b", "2");
        final Map<String, String> all = cache.getAll(Set.of("a", "b", "c"));
        assertThat(all).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "2"));
        assertThat(cache.getAll(Set.of())).isEmpty();
        assertThat(cache.getAll(Set.of("x", "y"))).isEmpty();
    }

    @Test
    void containsKeyTellsPresence() {
        assertThat(cache.containsKey("a")).isFalse();
        cache.put("a", "1");
        assertThat(cache.containsKey("a")).isTrue();
        cache.remove("a");
        assertThat(cache.containsKey("a")).isFalse();
    }

    @Test
    void putAllStoresEveryEntry() {
        final Map<String, String> in = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            in.put("k" + i, "v" + i);
        }
        cache.put("k0", "old");
        cache.putAll(in);
        assertThat(cache.size()).isEqualTo(100);
        assertThat(cache.getAll(in.keySet())).isEqualTo(in);
    }

    @Test
    void putIfAbsentStoresOnlyWhenAbsent() {
        assertThat(cache.putIfAbsent("a", "first")).isTrue();
        assertThat(cache.putIfAbsent("a", "second")).isFalse();
        assertThat(cache.get("a")).isEqualTo("first");
    }

    @Test
    void getAndPutReturnsThePreviousValue() {
        assertThat(cache.getAndPut("a", "1")).isNull();
        assertThat(cache.getAndPut("a", "2")).isEqualTo("1");
        assertThat(cache.get("a")).isEqualTo("2");
    }

    @Test
    void removeDeletesAndTellsWhetherSomethingWasThere() {
        cache.put("a", "1");
        assertThat(cache.remove("a")).isTrue();
        assertThat(cache.get("a")).isNull();
        assertThat(cache.remove("a")).isFalse();
        assertThat(cache.size()).isZero();
    }

    @Test
    void conditionalRemoveOnlyRemovesTheExpectedValue() {
        cache.put("a", "1");
        assertThat(cache.remove("a", "2")).isFalse();
        assertThat(cache.get("a")).isEqualTo("1");
        assertThat(cache.remove("a", "1")).isTrue();
        assertThat(cache.get("a")).isNull();
        assertThat(cache.remove("a", "1")).isFalse();
    }

    @Test
    void conditionalRemoveComparesWholeValueNotPrefix() {
        cache.put("a", "abc");
        assertThat(cache.remove("a", "ab")).isFalse();
        assertThat(cache.remove("a", "abcd")).isFalse();
        assertThat(cache.get("a")).isEqualTo("abc");
    }

    @Test
    void getAndRemoveReturnsTheRemovedValue() {
        cache.put("a", "1");
        assertThat(cache.getAndRemove("a")).isEqualTo("1");
        assertThat(cache.getAndRemove("a")).isNull();
        assertThat(cache.containsKey("a")).isFalse();
    }

    @Test
    void replaceOnlyReplacesAnExistingEntry() {
        assertThat(cache.replace("a", "1")).isFalse();
        assertThat(cache.containsKey("a")).isFalse();
        cache.put("a", "1");
        assertThat(cache.replace("a", "2")).isTrue();
        assertThat(cache.get("a")).isEqualTo("2");
    }

    @Test
    void conditionalReplaceChecksTheCurrentValue() {
        assertThat(cache.replace("a", "1", "2")).isFalse();
        assertThat(cache.containsKey("a")).isFalse();
        cache.put("a", "1");
        assertThat(cache.replace("a", "x", "2")).isFalse();
        assertThat(cache.get("a")).isEqualTo("1");
        assertThat(cache.replace("a", "1", "2")).isTrue();
        assertThat(cache.get("a")).isEqualTo("2");
    }

    @Test
    void getAndReplaceReturnsPreviousOnlyWhenReplaced() {
        assertThat(cache.getAndReplace("a", "1")).isNull();
        assertThat(cache.containsKey("a")).isFalse();
        cache.put("a", "1");
        assertThat(cache.getAndReplace("a", "2")).isEqualTo("1");
        assertThat(cache.get("a")).isEqualTo("2");
    }

    @Test
    void removeAllOfKeysRemovesOnlyThose() {
        cache.put("a", "1");
        cache.put("b", "2");
        cache.put("c", "3");
        cache.removeAll(Set.of("a", "c", "zzz"));
        assertThat(cache.get("a")).isNull();
        assertThat(cache.get("b")).isEqualTo("2");
        assertThat(cache.get("c")).isNull();
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void removeAllEmptiesTheCache() {
        for (int i = 0; i < 1000; i++) {
            cache.put("k" + i, "v" + i);
        }
        cache.removeAll();
        assertThat(cache.size()).isZero();
        assertThat(cache.iterator().hasNext()).isFalse();
        assertThat(cache.get("k1")).isNull();
    }

    @Test
    void clearEmptiesTheCache() {
        for (int i = 0; i < 1000; i++) {
            cache.put("k" + i, "v" + i);
        }
        cache.clear();
        assertThat(cache.size()).isZero();
        assertThat(cache.get("k999")).isNull();
        cache.put("k1", "again");
        assertThat(cache.get("k1")).isEqualTo("again");
    }

    @Test
    void clearReturnsTheEntriesMemory() {
        final long empty = larder.memoryUsed();
        for (int i = 0; i < 5_000; i++) {
            cache.put("k" + i, "v".repeat(200));
        }
        final long full = larder.memoryUsed();
        assertThat(full).isGreaterThan(empty + 5_000L * 200);
        cache.clear();
        // the index may keep its grown size, but the entries' key and value bytes are returned
        assertThat(larder.memoryUsed()).isLessThan(full - 5_000L * 200);
    }

    @Test
    void clearAndRemoveAllOnlyTouchTheirOwnCache() {
        final Cache<String, String> other = larder.cache("other", Codecs.utf8(), Codecs.utf8());
        other.put("a", "other");
        cache.put("a", "mine");
        cache.clear();
        assertThat(other.get("a")).isEqualTo("other");
        cache.put("a", "mine");
        cache.removeAll();
        assertThat(other.get("a")).isEqualTo("other");
        assertThat(other.size()).isEqualTo(1);
    }

    @Test
    void cachesWithTheSameKeysAreIndependent() {
        final Cache<String, String> other = larder.cache("other", Codecs.utf8(), Codecs.utf8());
        cache.put("k", "mine");
        other.put("k", "theirs");
        assertThat(cache.get("k")).isEqualTo("mine");
        assertThat(other.get("k")).isEqualTo("theirs");
        cache.remove("k");
        assertThat(other.get("k")).isEqualTo("theirs");
        assertThat(cache.size()).isZero();
        assertThat(other.size()).isEqualTo(1);
    }

    @Test
    void computeCreatesUpdatesAndRemoves() {
        assertThat(cache.compute("a", (k, v) -> v == null ? "1" : v + "1")).isEqualTo("1");
        assertThat(cache.compute("a", (k, v) -> v == null ? "1" : v + "1")).isEqualTo("11");
        assertThat(cache.get("a")).isEqualTo("11");
        assertThat(cache.compute("a", (k, v) -> null)).isNull();
        assertThat(cache.containsKey("a")).isFalse();
        assertThat(cache.compute("absent", (k, v) -> null)).isNull();
        assertThat(cache.containsKey("absent")).isFalse();
    }

    /** Runs {@code body} on a fresh thread, whose per-thread scratch buffers have never grown. */
    private static void onFreshThread(final Runnable body) throws InterruptedException {
        final Throwable[] failure = new Throwable[1];
        final Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (final Throwable e) {
                failure[0] = e;
            }
        });
        t.start();
        t.join();
        if (failure[0] instanceof AssertionError) {
            throw (AssertionError) failure[0];
        }
        assertThat(failure[0]).as("failure on the fresh thread").isNull();
    }

    @Test
    void computeCanStoreAValueLargerThanAnyEarlierValueOfTheThread() throws InterruptedException {
        final String big = "c".repeat(1_000);
        onFreshThread(() -> assertThat(cache.compute("a", (k, v) -> big)).isEqualTo(big));
        assertThat(cache.get("a")).isEqualTo(big);
        onFreshThread(() -> assertThat(cache.compute("a", (k, v) -> v + v)).isEqualTo(big + big));
        assertThat(cache.get("a")).isEqualTo(big + big);
    }

    @Test
    void invokeCanStoreAValueLargerThanAnyEarlierValueOfTheThread() throws InterruptedException {
        final String big = "i".repeat(1_000);
        onFreshThread(() -> cache.invoke("a", e -> {
            e.setValue(big);
            return null;
        }));
        assertThat(cache.get("a")).isEqualTo(big);
    }

    @Test
    void computeRunsTheFunctionExactlyOnceWithKeyAndCurrentValue() {
        cache.put("a", "1");
        final List<String> seen = new ArrayList<>();
        cache.compute("a", (k, v) -> {
            seen.add(k + "=" + v);
            return "2";
        });
        assertThat(seen).containsExactly("a=1");
    }

    @Test
    void computeThatThrowsChangesNothing() {
        cache.put("a", "1");
        final RuntimeException boom = new RuntimeException("boom");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> cache.compute("a", (k, v) -> {
            throw boom;
        })).isSameAs(boom);
        assertThat(cache.get("a")).isEqualTo("1");
        cache.put("a", "2"); // the key is not left locked
        assertThat(cache.get("a")).isEqualTo("2");
    }

    @Test
    void invokeSeesAnAbsentEntryAndCanCreateIt() {
        final String result = cache.invoke("a", entry -> {
            assertThat(entry.exists()).isFalse();
            assertThat(entry.getKey()).isEqualTo("a");
            assertThat(entry.getValue()).isNull();
            entry.setValue("created");
            return "done";
        });
        assertThat(result).isEqualTo("done");
        assertThat(cache.get("a")).isEqualTo("created");
    }

    @Test
    void invokeSeesTheCurrentValueAndCanUpdateIt() {
        cache.put("a", "1");
        final Integer len = cache.invoke("a", entry -> {
            assertThat(entry.exists()).isTrue();
            final String v = entry.getValue();
            entry.setValue(v + "+");
            return v.length();
        });
        assertThat(len).isEqualTo(1);
        assertThat(cache.get("a")).isEqualTo("1+");
    }

    @Test
    void invokeCanRemoveTheEntry() {
        cache.put("a", "1");
        final Boolean existed = cache.invoke("a", entry -> {
            final boolean e = entry.exists();
            entry.remove();
            return e;
        });
        assertThat(existed).isTrue();
        assertThat(cache.containsKey("a")).isFalse();
    }

    @Test
    void invokeThatOnlyReadsChangesNothing() {
        cache.put("a", "1");
        final String v = cache.invoke("a", Cache.Entry::getValue);
        assertThat(v).isEqualTo("1");
        assertThat(cache.get("a")).isEqualTo("1");
        assertThat(cache.<Boolean>invoke("absent", Cache.MutableEntry::exists)).isFalse();
        assertThat(cache.containsKey("absent")).isFalse();
    }

    @Test
    void invokeRunsTheProcessorExactlyOnce() {
        final AtomicInteger runs = new AtomicInteger();
        cache.invoke("a", entry -> {
            runs.incrementAndGet();
            entry.setValue("x");
            return null;
        });
        assertThat(runs).hasValue(1);
    }

    @Test
    void iteratorVisitsEveryEntryOnce() {
        final Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < 500; i++) {
            expected.put("k" + i, "v" + i);
            cache.put("k" + i, "v" + i);
        }
        final Map<String, String> seen = new HashMap<>();
        for (final Cache.Entry<String, String> e : cache) {
            assertThat(seen.put(e.getKey(), e.getValue())).as("visited twice: %s", e.getKey()).isNull();
        }
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void iteratorOfEmptyCacheHasNothing() {
        final Iterator<Cache.Entry<String, String>> it = cache.iterator();
        assertThat(it.hasNext()).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    }

    @Test
    void iteratorRemoveRemovesTheLastReturnedEntry() {
        for (int i = 0; i < 100; i++) {
            cache.put("k" + i, "v" + i);
        }
        final Set<String> removed = new HashSet<>();
        final Iterator<Cache.Entry<String, String>> it = cache.iterator();
        int n = 0;
        while (it.hasNext()) {
            final Cache.Entry<String, String> e = it.next();
            if (n++ % 2 == 0) {
                it.remove();
                removed.add(e.getKey());
            }
        }
        assertThat(removed).hasSize(50);
        assertThat(cache.size()).isEqualTo(50);
        for (int i = 0; i < 100; i++) {
            assertThat(cache.containsKey("k" + i)).isEqualTo(!removed.contains("k" + i));
        }
    }

    @Test
    void iteratorRemoveBeforeNextIsIllegal() {
        cache.put("a", "1");
        final Iterator<Cache.Entry<String, String>> it = cache.iterator();
        org.assertj.core.api.Assertions.assertThatThrownBy(it::remove).isInstanceOf(IllegalStateException.class);
        it.next();
        it.remove();
        org.assertj.core.api.Assertions.assertThatThrownBy(it::remove).isInstanceOf(IllegalStateException.class);
        assertThat(cache.containsKey("a")).isFalse();
    }

    @Test
    void iteratorEntriesAreSnapshots() {
        cache.put("a", "1");
        final Iterator<Cache.Entry<String, String>> it = cache.iterator();
        final Cache.Entry<String, String> e = it.next();
        cache.put("a", "2");
        assertThat(e.getValue()).isEqualTo("1");
    }

    @Test
    void iteratorToleratesConcurrentModification() {
        for (int i = 0; i < 200; i++) {
            cache.put("k" + i, "v" + i);
        }
        final Set<String> seen = new HashSet<>();
        int i = 0;
        for (final Cache.Entry<String, String> e : cache) {
            seen.add(e.getKey());
            cache.put("new" + i, "x"); // may or may not be seen
            cache.remove("k" + ((i * 7 + 3) % 200 + 1000)); // absent keys: no effect
            i++;
        }
        for (int k = 0; k < 200; k++) {
            assertThat(seen).contains("k" + k); // present for the whole iteration
        }
    }

    @Test
    void sizeCountsEntries() {
        assertThat(cache.size()).isZero();
        cache.put("a", "1");
        cache.put("b", "1");
        cache.put("a", "2");
        assertThat(cache.size()).isEqualTo(2);
        cache.remove("b");
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void ttlOfEntryWithoutExpiryIsForever() {
        cache.put("a", "1");
        assertThat(cache.ttl("a")).isEqualTo(Cache.FOREVER);
    }

    @Test
    void ttlOfAbsentEntryIsNull() {
        assertThat(cache.ttl("absent")).isNull();
    }

    @Test
    void ttlOfEntryWithExpiryIsTheRemainingTime() {
        cache.put("a", "1", Duration.ofSeconds(10));
        assertThat(cache.ttl("a")).isEqualTo(Duration.ofSeconds(10));
        clock.advance(3_250);
        assertThat(cache.ttl("a")).isEqualTo(Duration.ofMillis(6_750));
    }

    @Test
    void expireSetsATimeToLiveOnAnExistingEntry() {
        cache.put("a", "1");
        assertThat(cache.expire("a", Duration.ofMillis(500))).isTrue();
        assertThat(cache.ttl("a")).isEqualTo(Duration.ofMillis(500));
        clock.advance(499);
        assertThat(cache.get("a")).isEqualTo("1");
        clock.advance(2);
        assertThat(cache.get("a")).isNull();
    }

    @Test
    void expireOfAbsentEntryIsFalseAndCreatesNothing() {
        assertThat(cache.expire("a", Duration.ofSeconds(1))).isFalse();
        assertThat(cache.containsKey("a")).isFalse();
        assertThat(cache.size()).isZero();
    }

    @Test
    void persistRemovesTheTimeToLive() {
        cache.put("a", "1", Duration.ofSeconds(1));
        assertThat(cache.persist("a")).isTrue();
        assertThat(cache.ttl("a")).isEqualTo(Cache.FOREVER);
        clock.advance(Duration.ofHours(1));
        assertThat(cache.get("a")).isEqualTo("1");
    }

    @Test
    void persistOfEntryWithoutTtlOrAbsentIsFalse() {
        cache.put("a", "1");
        assertThat(cache.persist("a")).isFalse();
        assertThat(cache.persist("absent")).isFalse();
        assertThat(cache.get("a")).isEqualTo("1");
        assertThat(cache.containsKey("absent")).isFalse();
    }

    @Test
    void optionsAreTheOnesGivenAtCreation() {
        final CacheOptions opts = CacheOptions.defaults().maxEntrySize(4096).expireAfterWrite(Duration.ofMinutes(1));
        final Cache<String, String> c = larder.cache("opts", Codecs.utf8(), Codecs.utf8(), opts);
        assertThat(c.options()).isEqualTo(opts);
        assertThat(cache.options()).isEqualTo(CacheOptions.defaults());
    }

    @Test
    void otherCodecsRoundTrip() {
        final Cache<Long, Integer> longs = larder.cache("longs", Codecs.int64(), Codecs.int32());
        longs.put(Long.MIN_VALUE, Integer.MAX_VALUE);
        longs.put(0L, -1);
        assertThat(longs.get(Long.MIN_VALUE)).isEqualTo(Integer.MAX_VALUE);
        assertThat(longs.get(0L)).isEqualTo(-1);
        final Cache<byte[], byte[]> raw = larder.cache("raw", Codecs.bytes(), Codecs.bytes());
        raw.put(new byte[] {1, 2, 3}, new byte[] {9, 8});
        assertThat(raw.get(new byte[] {1, 2, 3})).containsExactly(9, 8);
        assertThat(raw.replace(new byte[] {1, 2, 3}, new byte[] {9, 8}, new byte[0])).isTrue();
        assertThat(raw.get(new byte[] {1, 2, 3})).isEmpty();
    }
}
