package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random operations (the whole Cache API, TTLs included, under a fake clock) applied to two Larder
 * caches sharing one Larder and to a plain {@link HashMap} model of each; every answer is compared.
 *
 * <p>Model semantics: expired entries are absent to every operation; {@code put},
 * {@code putAll}, {@code putIfAbsent}, {@code getAndPut}, {@code replace} and
 * {@code getAndReplace} give the stored value the cache's default expiry ({@code expireAfterWrite},
 * or none), as Redis {@code SET}/{@code GETSET} do; {@code compute} and {@code invoke} also apply
 * {@code expireAfterWrite} when the cache has one, but otherwise keep the entry's current TTL, as
 * Redis read-modify-write commands ({@code INCR}, {@code APPEND}) do;
 * {@code put(k, v, ttl)} and {@code expire} set {@code now + ttl}; {@code persist} removes it.
 *
 * <p>To stay clear of the exact expiry instant (whose inclusive/exclusive meaning the API does not
 * fix), the clock only moves by even amounts and every TTL is an odd number of milliseconds.
 */
class DifferentialTest {
    private static final int OPERATIONS = 100_000;
    private static final int KEYS = 200;
    private static final long NONE = Long.MAX_VALUE;
    private static final long BUDGET = 64L << 20;

    static Stream<Arguments> runs() {
        return Stream.of(
            Arguments.of(20_241_121L, null),
            Arguments.of(7L, null),
            Arguments.of(424_242L, Duration.ofMillis(251)));
    }

    /** One model entry: value and absolute expiry time ({@link #NONE} = never). */
    private record E(String value, long expireAt) {
    }

    /** The reference model of one cache. */
    private static final class Model {
        final Map<String, E> map = new HashMap<>();
        final Duration defaultTtl;

        Model(final Duration defaultTtl) {
            this.defaultTtl = defaultTtl;
        }

        E live(final String k, final long now) {
            final E e = map.get(k);
            return e != null && e.expireAt > now ? e : null;
        }

        String value(final String k, final long now) {
            final E e = live(k, now);
            return e == null ? null : e.value;
        }

        long defaultExpiry(final long now) {
            return defaultTtl == null ? NONE : now + defaultTtl.toMillis();
        }

        void write(final String k, final String v, final long now) {
            map.put(k, new E(v, defaultExpiry(now)));
        }

        /** A read-modify-write: the default expiry if the cache has one, else the current TTL is kept. */
        void modify(final String k, final String v, final long now) {
            final E current = live(k, now);
            map.put(k, new E(v, defaultTtl != null || current == null ? defaultExpiry(now) : current.expireAt));
        }

        Map<String, String> liveEntries(final long now) {
            final Map<String, String> out = new HashMap<>();
            map.forEach((k, e) -> {
                if (e.expireAt > now) {
                    out.put(k, e.value);
                }
            });
            return out;
        }

        long expiredHeld(final long now) {
            return map.values().stream().filter(e -> e.expireAt <= now).count();
        }

        void dropExpired(final long now) {
            map.values().removeIf(e -> e.expireAt <= now);
        }
    }

    private Random rnd;
    private FakeClock clock;
    private Cache<String, String>[] caches;
    private Model[] models;
    private final ArrayDeque<String> history = new ArrayDeque<>();
    private long opIndex;

    private void log(final String s) {
        if (history.size() == 40) {
            history.removeFirst();
        }
        history.addLast(opIndex + ": " + s + " @" + clock.millis());
    }

    private String context() {
        return "\nlast operations:\n  " + String.join("\n  ", history);
    }

    private String key() {
        final int n = rnd.nextInt(KEYS);
        return "key-" + n + "-".repeat(n % 7); // keys of different lengths
    }

    private String value() {
        final int kind = rnd.nextInt(100);
        final int len = kind < 3 ? 0 : kind < 90 ? rnd.nextInt(64) : kind < 99 ? 64 + rnd.nextInt(600) : 2_000 + rnd.nextInt(6_000);
        final StringBuilder sb = new StringBuilder(len + 8);
        sb.append(rnd.nextInt(1_000)).append(':');
        for (int i = 0; i < len; i++) {
            sb.append((char) ('a' + rnd.nextInt(26)));
        }
        if (rnd.nextInt(50) == 0) {
            sb.append("é€😀"); // multi-byte UTF-8
        }
        return kind < 3 ? "" : sb.toString();
    }

    private Duration ttl() {
        final long ms = rnd.nextInt(20) == 0 ? 3_600_000L + 2 * rnd.nextInt(1_000) : 2L * rnd.nextInt(500);
        return Duration.ofMillis(ms + 1); // always odd
    }

    private Set<String> keys(final int max) {
        final Set<String> ks = new HashSet<>();
        final int n = rnd.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            ks.add(key());
        }
        return ks;
    }

    /** A value equal to the current one half of the time, so conditional operations succeed. */
    private String currentOrRandom(final Model m, final String k, final long now) {
        final String cur = m.value(k, now);
        return cur != null && rnd.nextBoolean() ? cur : value();
    }

    private static Duration ttlOf(final E e, final long now) {
        return e == null ? null : e.expireAt == NONE ? Cache.FOREVER : Duration.ofMillis(e.expireAt - now);
    }

    @ParameterizedTest(name = "seed {0}, expireAfterWrite {1}")
    @MethodSource("runs")
    void randomOperationsAgreeWithAHashMapModel(final long seed, final Duration expireAfterWrite) {
        rnd = new Random(seed);
        clock = new FakeClock(10_000_000L);
        history.clear();
        final CacheOptions options = expireAfterWrite == null ? CacheOptions.defaults()
            : CacheOptions.defaults().expireAfterWrite(expireAfterWrite);
        try (Larder larder = Larder.builder().maxMemory(BUDGET).clock(clock).expiryInterval(Duration.ZERO).build()) {
            @SuppressWarnings("unchecked")
            final Cache<String, String>[] both = new Cache[] {
                larder.cache("first", Codecs.utf8(), Codecs.utf8(), options),
                larder.cache("second", Codecs.utf8(), Codecs.utf8(), options)};
            caches = both;
            models = new Model[] {new Model(expireAfterWrite), new Model(expireAfterWrite)};
            final long[] counts = new long[32];

            for (opIndex = 0; opIndex < OPERATIONS; opIndex++) {
                final int which = rnd.nextInt(10) < 8 ? 0 : 1;
                final Cache<String, String> c = caches[which];
                final Model m = models[which];
                final long now = clock.millis();
                final int op = pickOperation();
                counts[op]++;
                try {
                    apply(op, larder, c, m, now);
                } catch (final AssertionError e) {
                    throw new AssertionError("seed " + seed + ", operation " + opIndex + " on cache " + c.name()
                        + ": " + e.getMessage() + context(), e);
                } catch (final RuntimeException e) {
                    throw new AssertionError("seed " + seed + ", operation " + opIndex + " on cache " + c.name()
                        + " threw " + e + context(), e);
                }
                assertThat(larder.memoryUsed()).isLessThanOrEqualTo(BUDGET);
            }
            // every kind of operation ran, the rare whole-cache ones (removeAll(), clear) included
            for (int op = 0; op < OP_WEIGHTS.length; op++) {
                assertThat(counts[op]).as("count of operation %d", op).isGreaterThanOrEqualTo(20);
            }
            for (int i = 0; i < 2; i++) {
                assertSameContent(caches[i], models[i], clock.millis());
            }
            assertThat(larder.stats().evictions()).as("the budget is large enough that nothing is evicted").isZero();
        }
    }

    // weights of operations 0..26, in the order of the switch below
    private static final int[] OP_WEIGHTS = {
        12, 4, 5, 3, 10, 6, 2, 5, 4, 5, 4, 3, 4, 4, 3, 2, 1, 1, 6, 5, 1, 2, 5, 5, 4, 10, 1};
    private static final int TOTAL_WEIGHT = java.util.Arrays.stream(OP_WEIGHTS).sum();

    private int pickOperation() {
        int r = rnd.nextInt(TOTAL_WEIGHT);
        for (int op = 0; op < OP_WEIGHTS.length; op++) {
            r -= OP_WEIGHTS[op];
            if (r < 0) {
                // removeAll() and clear() wipe everything: keep them rare
                if ((op == 16 || op == 17) && rnd.nextInt(20) != 0) {
                    return 0;
                }
                return op;
            }
        }
        throw new AssertionError();
    }

    private void apply(final int op, final Larder larder, final Cache<String, String> c, final Model m, final long now) {
        switch (op) {
            case 0: { // get
                final String k = key();
                log("get " + k);
                assertThat(c.get(k)).as("get %s", k).isEqualTo(m.value(k, now));
                break;
            }
            case 1: { // zero-copy read
                final String k = key();
                log("read " + k);
                final String got = c.read(k, (buf, off, len) -> {
                    final byte[] b = new byte[len];
                    buf.getBytes(off, b);
                    return new String(b, StandardCharsets.UTF_8);
                });
                assertThat(got).as("read %s", k).isEqualTo(m.value(k, now));
                break;
            }
            case 2: { // containsKey
                final String k = key();
                log("containsKey " + k);
                assertThat(c.containsKey(k)).as("containsKey %s", k).isEqualTo(m.live(k, now) != null);
                break;
            }
            case 3: { // getAll
                final Set<String> ks = keys(6);
                log("getAll " + ks);
                final Map<String, String> expected = new HashMap<>();
                for (final String k : ks) {
                    final String v = m.value(k, now);
                    if (v != null) {
                        expected.put(k, v);
                    }
                }
                assertThat(c.getAll(ks)).as("getAll %s", ks).isEqualTo(expected);
                break;
            }
            case 4: { // put
                final String k = key();
                final String v = value();
                log("put " + k + " len " + v.length());
                c.put(k, v);
                m.write(k, v, now);
                break;
            }
            case 5: { // put with TTL
                final String k = key();
                final String v = value();
                final Duration t = ttl();
                log("put " + k + " len " + v.length() + " ttl " + t);
                c.put(k, v, t);
                m.map.put(k, new E(v, now + t.toMillis()));
                break;
            }
            case 6: { // putAll
                final Map<String, String> in = new LinkedHashMap<>();
                for (final String k : keys(4)) {
                    in.put(k, value());
                }
                log("putAll " + in.keySet());
                c.putAll(in);
                in.forEach((k, v) -> m.write(k, v, now));
                break;
            }
            case 7: { // putIfAbsent
                final String k = key();
                final String v = value();
                log("putIfAbsent " + k);
                final boolean expected = m.live(k, now) == null;
                assertThat(c.putIfAbsent(k, v)).as("putIfAbsent %s", k).isEqualTo(expected);
                if (expected) {
                    m.write(k, v, now);
                }
                break;
            }
            case 8: { // getAndPut
                final String k = key();
                final String v = value();
                log("getAndPut " + k);
                assertThat(c.getAndPut(k, v)).as("getAndPut %s", k).isEqualTo(m.value(k, now));
                m.write(k, v, now);
                break;
            }
            case 9: { // remove
                final String k = key();
                log("remove " + k);
                final boolean expected = m.live(k, now) != null;
                assertThat(c.remove(k)).as("remove %s", k).isEqualTo(expected);
                m.map.remove(k);
                break;
            }
            case 10: { // remove(k, v)
                final String k = key();
                final String v = currentOrRandom(m, k, now);
                log("remove " + k + " if " + abbreviate(v));
                final boolean expected = v.equals(m.value(k, now));
                assertThat(c.remove(k, v)).as("remove(%s, v)", k).isEqualTo(expected);
                if (expected) {
                    m.map.remove(k);
                }
                break;
            }
            case 11: { // getAndRemove
                final String k = key();
                log("getAndRemove " + k);
                assertThat(c.getAndRemove(k)).as("getAndRemove %s", k).isEqualTo(m.value(k, now));
                m.map.remove(k);
                break;
            }
            case 12: { // replace(k, v)
                final String k = key();
                final String v = value();
                log("replace " + k);
                final boolean expected = m.live(k, now) != null;
                assertThat(c.replace(k, v)).as("replace %s", k).isEqualTo(expected);
                if (expected) {
                    m.write(k, v, now);
                }
                break;
            }
            case 13: { // replace(k, old, new)
                final String k = key();
                final String old = currentOrRandom(m, k, now);
                final String v = value();
                log("replace " + k + " if " + abbreviate(old));
                final boolean expected = old.equals(m.value(k, now));
                assertThat(c.replace(k, old, v)).as("replace(%s, old, new)", k).isEqualTo(expected);
                if (expected) {
                    m.write(k, v, now);
                }
                break;
            }
            case 14: { // getAndReplace
                final String k = key();
                final String v = value();
                log("getAndReplace " + k);
                final String expected = m.value(k, now);
                assertThat(c.getAndReplace(k, v)).as("getAndReplace %s", k).isEqualTo(expected);
                if (expected != null) {
                    m.write(k, v, now);
                }
                break;
            }
            case 15: { // removeAll(keys)
                final Set<String> ks = keys(5);
                log("removeAll " + ks);
                c.removeAll(ks);
                ks.forEach(m.map::remove);
                break;
            }
            case 16: { // removeAll()
                log("removeAll()");
                c.removeAll();
                m.map.clear();
                break;
            }
            case 17: { // clear
                log("clear");
                c.clear();
                m.map.clear();
                break;
            }
            case 18: { // compute
                final String k = key();
                final int kind = rnd.nextInt(4);
                final String fresh = value();
                log("compute " + k + " kind " + kind);
                final BiFunction<String, String, String> f = (key, v) -> {
                    switch (kind) {
                        case 0: return null;
                        case 1: return v == null ? "new" : v + "+";
                        case 2: return fresh;
                        default: return v;
                    }
                };
                final String before = m.value(k, now);
                final int[] calls = {0};
                final String[] seen = {"<not called>"};
                final String result = c.compute(k, (key, v) -> {
                    calls[0]++;
                    seen[0] = v;
                    assertThat(key).isEqualTo(k);
                    return f.apply(key, v);
                });
                assertThat(calls[0]).as("compute function calls").isEqualTo(1);
                assertThat(seen[0]).as("compute %s saw", k).isEqualTo(before);
                final String expected = f.apply(k, before);
                assertThat(result).as("compute %s result", k).isEqualTo(expected);
                if (expected == null) {
                    m.map.remove(k);
                } else {
                    m.modify(k, expected, now);
                }
                break;
            }
            case 19: { // invoke
                final String k = key();
                final int kind = rnd.nextInt(5);
                final String fresh = value();
                log("invoke " + k + " kind " + kind);
                final E before = m.live(k, now);
                final String result = c.invoke(k, entry -> {
                    final String seen = entry.exists() + ":" + entry.getValue() + ":" + entry.getKey();
                    switch (kind) {
                        case 1:
                            entry.setValue(fresh);
                            break;
                        case 2:
                            entry.remove();
                            break;
                        case 3:
                            if (entry.exists()) {
                                entry.setValue(entry.getValue() + "!");
                            }
                            break;
                        default:
                            break;
                    }
                    return seen;
                });
                assertThat(result).as("invoke %s view", k)
                    .isEqualTo((before != null) + ":" + (before == null ? null : before.value) + ":" + k);
                if (kind == 1) {
                    m.modify(k, fresh, now);
                } else if (kind == 2) {
                    m.map.remove(k);
                } else if (kind == 3 && before != null) {
                    m.modify(k, before.value + "!", now);
                }
                break;
            }
            case 20: { // iterate, removing some through the iterator
                log("iterate");
                final Map<String, String> expected = m.liveEntries(now);
                final Map<String, String> seen = new HashMap<>();
                final Iterator<Cache.Entry<String, String>> it = c.iterator();
                while (it.hasNext()) {
                    final Cache.Entry<String, String> e = it.next();
                    assertThat(seen.put(e.getKey(), e.getValue())).as("iterator returned %s twice", e.getKey()).isNull();
                    if (rnd.nextInt(10) == 0) {
                        it.remove();
                        m.map.remove(e.getKey());
                    }
                }
                assertThat(seen).as("iteration").isEqualTo(expected);
                break;
            }
            case 21: { // size, after reclaiming expired entries (of both caches: the pass is Larder-wide)
                log("runMaintenance + size");
                final long reclaimable = models[0].expiredHeld(now) + models[1].expiredHeld(now);
                final long reclaimed = larder.runMaintenance();
                assertThat(reclaimed).as("runMaintenance count").isBetween(0L, reclaimable);
                for (int i = 0; i < 2; i++) {
                    models[i].dropExpired(now);
                    assertThat(caches[i].size()).as("size of %s", caches[i].name()).isEqualTo(models[i].map.size());
                    assertThat(caches[i].stats().entries()).as("stats().entries() of %s", caches[i].name())
                        .isEqualTo(models[i].map.size());
                }
                break;
            }
            case 22: { // expire
                final String k = key();
                final Duration t = ttl();
                log("expire " + k + " " + t);
                final E e = m.live(k, now);
                assertThat(c.expire(k, t)).as("expire %s", k).isEqualTo(e != null);
                if (e != null) {
                    m.map.put(k, new E(e.value, now + t.toMillis()));
                }
                break;
            }
            case 23: { // ttl
                final String k = key();
                log("ttl " + k);
                assertThat(c.ttl(k)).as("ttl %s", k).isEqualTo(ttlOf(m.live(k, now), now));
                break;
            }
            case 24: { // persist
                final String k = key();
                log("persist " + k);
                final E e = m.live(k, now);
                final boolean expected = e != null && e.expireAt != NONE;
                assertThat(c.persist(k)).as("persist %s", k).isEqualTo(expected);
                if (expected) {
                    m.map.put(k, new E(e.value, NONE));
                }
                break;
            }
            case 25: { // time passes
                final long step = rnd.nextInt(100) == 0 ? 2L * rnd.nextInt(20_000) : 2L * rnd.nextInt(40);
                log("advance " + step);
                clock.advance(step);
                break;
            }
            case 26: { // a check of the whole content
                log("full check");
                assertSameContent(c, m, now);
                break;
            }
            default:
                throw new AssertionError("no operation " + op);
        }
    }

    private static void assertSameContent(final Cache<String, String> c, final Model m, final long now) {
        final Map<String, String> seen = new HashMap<>();
        for (final Cache.Entry<String, String> e : c) {
            seen.put(e.getKey(), e.getValue());
        }
        final Map<String, String> live = m.liveEntries(now);
        assertThat(seen).as("content of %s", c.name()).isEqualTo(live);
        for (final Map.Entry<String, String> e : live.entrySet()) {
            assertThat(c.get(e.getKey())).as("get %s", e.getKey()).isEqualTo(e.getValue());
            assertThat(c.ttl(e.getKey())).as("ttl %s", e.getKey()).isEqualTo(ttlOf(m.live(e.getKey(), now), now));
        }
    }

    private static String abbreviate(final String s) {
        return s.length() <= 12 ? "'" + s + "'" : "'" + s.substring(0, 12) + "…'(" + s.length() + ")";
    }
}
