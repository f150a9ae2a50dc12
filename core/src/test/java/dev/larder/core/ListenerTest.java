package dev.larder.core;

import static dev.larder.core.CacheEntryEvent.Type.CREATED;
import static dev.larder.core.CacheEntryEvent.Type.EVICTED;
import static dev.larder.core.CacheEntryEvent.Type.EXPIRED;
import static dev.larder.core.CacheEntryEvent.Type.REMOVED;
import static dev.larder.core.CacheEntryEvent.Type.UPDATED;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ListenerTest {
    private FakeClock clock;
    private Larder larder;
    private Cache<String, String> cache;
    private final List<CacheEntryEvent<String, String>> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() {
        clock = new FakeClock();
        larder = Larder.builder().maxMemory(4L << 20).clock(clock).expiryInterval(Duration.ZERO).build();
        cache = larder.cache("events", Codecs.utf8(), Codecs.utf8());
        cache.registerListener(events::add);
    }

    @AfterEach
    void close() {
        larder.close();
    }

    private static CacheEntryEvent<String, String> ev(final CacheEntryEvent.Type t, final String k, final String v,
                                                      final String old) {
        return new CacheEntryEvent<>(t, "events", k, v, old);
    }

    @Test
    void putOfNewKeyIsCreatedAndOverwriteIsUpdated() {
        cache.put("a", "1");
        cache.put("a", "2");
        assertThat(events).containsExactly(ev(CREATED, "a", "1", null), ev(UPDATED, "a", "2", "1"));
    }

    @Test
    void conditionalWritesReportWhatTheyDid() {
        cache.putIfAbsent("a", "1");
        cache.putIfAbsent("a", "x"); // no change, no event
        cache.replace("a", "2");
        cache.replace("a", "nope", "3"); // no change, no event
        cache.replace("a", "2", "3");
        cache.getAndPut("a", "4");
        cache.getAndReplace("a", "5");
        cache.replace("absent", "x"); // no change, no event
        assertThat(events).containsExactly(
            ev(CREATED, "a", "1", null),
            ev(UPDATED, "a", "2", "1"),
            ev(UPDATED, "a", "3", "2"),
            ev(UPDATED, "a", "4", "3"),
            ev(UPDATED, "a", "5", "4"));
    }

    @Test
    void removalsAreReportedWithTheLastValue() {
        cache.put("a", "1");
        cache.put("b", "2");
        cache.put("c", "3");
        cache.put("d", "4");
        events.clear();
        cache.remove("a");
        cache.remove("b", "wrong"); // no change, no event
        cache.remove("b", "2");
        cache.getAndRemove("c");
        cache.removeAll(Set.of("d", "absent"));
        cache.remove("absent"); // no event
        assertThat(events).containsExactly(
            ev(REMOVED, "a", "1", null),
            ev(REMOVED, "b", "2", null),
            ev(REMOVED, "c", "3", null),
            ev(REMOVED, "d", "4", null));
    }

    @Test
    void removeAllNotifiesEachEntryButClearDoesNot() {
        cache.put("a", "1");
        cache.put("b", "2");
        events.clear();
        cache.removeAll();
        assertThat(events).containsExactlyInAnyOrder(ev(REMOVED, "a", "1", null), ev(REMOVED, "b", "2", null));
        cache.put("a", "1");
        events.clear();
        cache.clear();
        assertThat(events).isEmpty();
    }

    @Test
    void computeAndInvokeReportTheirEffect() {
        cache.compute("a", (k, v) -> "1");
        cache.compute("a", (k, v) -> v + "1");
        cache.compute("a", (k, v) -> null);
        cache.invoke("b", e -> {
            e.setValue("x");
            return null;
        });
        cache.invoke("b", e -> {
            e.remove();
            return null;
        });
        cache.invoke("b", Cache.MutableEntry::exists); // read only: no event
        assertThat(events).containsExactly(
            ev(CREATED, "a", "1", null),
            ev(UPDATED, "a", "11", "1"),
            ev(REMOVED, "a", "11", null),
            ev(CREATED, "b", "x", null),
            ev(REMOVED, "b", "x", null));
    }

    @Test
    void iteratorRemoveIsReported() {
        cache.put("a", "1");
        events.clear();
        final var it = cache.iterator();
        it.next();
        it.remove();
        assertThat(events).containsExactly(ev(REMOVED, "a", "1", null));
    }

    @Test
    void expiryIsReported() {
        cache.put("a", "1", Duration.ofMillis(10));
        cache.put("b", "2", Duration.ofMillis(10));
        events.clear();
        clock.advance(11);
        larder.runMaintenance();
        assertThat(events).containsExactlyInAnyOrder(ev(EXPIRED, "a", "1", null), ev(EXPIRED, "b", "2", null));
    }

    @Test
    void evictionIsReported() {
        final String value = "v".repeat(1_000);
        for (int i = 0; i < 10_000; i++) {
            cache.put("k" + i, value);
        }
        final List<CacheEntryEvent<String, String>> evicted = events.stream().filter(e -> e.type() == EVICTED).toList();
        assertThat(evicted).isNotEmpty();
        assertThat(evicted).allSatisfy(e -> {
            assertThat(e.value()).isEqualTo(value);
            assertThat(e.cache()).isEqualTo("events");
            assertThat(cache.containsKey(e.key())).isFalse();
        });
        assertThat((long) evicted.size()).isEqualTo(cache.stats().evictions());
        assertThat(evicted.stream().map(CacheEntryEvent::key).distinct().count()).isEqualTo(evicted.size());
        assertThat(cache.size()).isEqualTo(10_000 - evicted.size());
    }

    @Test
    void listenerSeesTheChangeAlreadyVisible() {
        final List<String> seenInside = new CopyOnWriteArrayList<>();
        cache.registerListener(e -> seenInside.add(e.key() + "=" + cache.get(e.key())));
        cache.put("a", "1");
        cache.remove("a");
        assertThat(seenInside).containsExactly("a=1", "a=null");
    }

    @Test
    void throwingListenerDoesNotUndoTheChange() {
        cache.registerListener(e -> {
            throw new IllegalStateException("listener failure");
        });
        cache.put("a", "1");
        assertThat(cache.get("a")).isEqualTo("1");
        assertThat(events).containsExactly(ev(CREATED, "a", "1", null));
    }

    @Test
    void deregisteredListenerHearsNothingMore() {
        final List<CacheEntryEvent<String, String>> mine = new CopyOnWriteArrayList<>();
        final CacheEntryListener<String, String> listener = mine::add;
        cache.registerListener(listener);
        cache.put("a", "1");
        assertThat(cache.deregisterListener(listener)).isTrue();
        assertThat(cache.deregisterListener(listener)).isFalse();
        cache.put("a", "2");
        assertThat(mine).containsExactly(ev(CREATED, "a", "1", null));
        assertThat(events).hasSize(2);
    }

    @Test
    void listenerOfOneCacheHearsNothingFromAnother() {
        final Cache<String, String> other = larder.cache("other", Codecs.utf8(), Codecs.utf8());
        other.put("a", "1");
        other.remove("a");
        assertThat(events).isEmpty();
    }
}
