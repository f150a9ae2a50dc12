package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/**
 * Four writer/reader threads run every kind of operation for a bounded time on two caches that
 * share a small budget, with the real clock, short TTLs and the expiry daemon on, so eviction and
 * expiry run all the time. Every value carries its key and a CRC32 ({@link CheckedValues}); every
 * value any operation or listener hands back is checked, and all entries are checked at the end.
 * A sampler thread watches that native memory never exceeds the budget.
 */
class ConcurrentStressTest {
    private static final int THREADS = 4;
    private static final long RUN_NANOS = 12_000_000_000L;
    private static final long BUDGET = 2L << 20; // small enough that eviction must run (asserted below)
    private static final int KEYS = 3_000;

    private final ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final LongAdder operations = new LongAdder();
    private final LongAdder verified = new LongAdder();

    private void check(final String what, final String key, final byte[] value) {
        if (value == null) {
            return;
        }
        final String p = CheckedValues.problem(key, value);
        verified.increment();
        if (p != null) {
            report(what + " '" + key + "': " + p);
        }
    }

    /** Records a problem; the run goes on so one run shows every kind of problem there is. */
    private void report(final String problem) {
        if (problems.size() < 50) {
            problems.add(problem);
        }
    }

    /** The first few stack frames inside Larder, where an unexpected exception came from. */
    private static String larderFrames(final Throwable e) {
        return java.util.Arrays.stream(e.getStackTrace()).filter(f -> f.getClassName().startsWith("dev.larder."))
            .limit(6).map(StackTraceElement::toString).collect(java.util.stream.Collectors.joining(" < "));
    }

    private static String key(final ThreadLocalRandom rnd) {
        return "key-" + rnd.nextInt(KEYS);
    }

    private static byte[] value(final String key, final ThreadLocalRandom rnd) {
        final int r = rnd.nextInt(100);
        final int payload = r < 70 ? rnd.nextInt(200) : r < 97 ? 200 + rnd.nextInt(2_000) : 5_000 + rnd.nextInt(20_000);
        return CheckedValues.make(key, payload);
    }

    private static Duration ttl(final ThreadLocalRandom rnd) {
        return Duration.ofMillis(1 + rnd.nextInt(200));
    }

    @Test
    void valuesStayWholeAndMemoryStaysWithinBudgetUnderConcurrentEvictionAndExpiry() throws Exception {
        try (Larder larder = Larder.builder().maxMemory(BUDGET).expiryInterval(Duration.ofMillis(10)).build()) {
            final Cache<String, byte[]> plain = larder.cache("plain", Codecs.utf8(), Codecs.bytes());
            final Cache<String, byte[]> sliding = larder.cache("sliding", Codecs.utf8(), Codecs.bytes(),
                CacheOptions.defaults().expireAfterAccess(Duration.ofMillis(40)));
            final Map<CacheEntryEvent.Type, LongAdder> events = new EnumMap<>(CacheEntryEvent.Type.class);
            for (final CacheEntryEvent.Type t : CacheEntryEvent.Type.values()) {
                events.put(t, new LongAdder());
            }
            final CacheEntryListener<String, byte[]> listener = e -> {
                events.get(e.type()).increment();
                check("event " + e.type() + " value of", e.key(), e.value());
                check("event " + e.type() + " old value of", e.key(), e.oldValue());
            };
            plain.registerListener(listener);
            sliding.registerListener(listener);

            final AtomicLong maxUsed = new AtomicLong();
            final AtomicLong overBudget = new AtomicLong();
            final Thread sampler = new Thread(() -> {
                while (!stop.get()) {
                    final long used = larder.memoryUsed();
                    maxUsed.accumulateAndGet(used, Math::max);
                    if (used > BUDGET && overBudget.getAndIncrement() < 5) {
                        report("memoryUsed " + used + " exceeds the budget " + BUDGET);
                    }
                    Thread.onSpinWait();
                }
            }, "budget-sampler");
            sampler.start();

            final List<Thread> workers = new ArrayList<>();
            final long deadline = System.nanoTime() + RUN_NANOS;
            for (int t = 0; t < THREADS; t++) {
                final Thread w = new Thread(() -> {
                    final ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    while (!stop.get() && System.nanoTime() < deadline) {
                        final Cache<String, byte[]> c = rnd.nextInt(4) == 0 ? sliding : plain;
                        try {
                            step(c, rnd);
                            operations.increment();
                        } catch (final Throwable e) {
                            report("unexpected " + e + " from cache " + c.name() + " at " + larderFrames(e));
                        }
                    }
                }, "stress-" + t);
                workers.add(w);
                w.start();
            }
            for (final Thread w : workers) {
                w.join();
            }
            stop.set(true);
            sampler.join();

            // at rest: every entry still whole
            for (final Cache<String, byte[]> c : List.of(plain, sliding)) {
                final Set<String> keys = new HashSet<>();
                for (final Cache.Entry<String, byte[]> e : c) {
                    assertThat(keys.add(e.getKey())).as("iterator repeated %s", e.getKey()).isTrue();
                    check("final iteration of", e.getKey(), e.getValue());
                }
                for (int k = 0; k < KEYS; k++) {
                    check("final get of", "key-" + k, c.get("key-" + k));
                }
            }

            System.out.printf("%,d operations, %,d values verified; %s; events %s%n", operations.sum(), verified.sum(),
                larder.stats(), events);
            assertThat(problems).as("problems seen (memoryUsed above the budget %d times)", overBudget.get()).isEmpty();
            assertThat(maxUsed.get()).isPositive().isLessThanOrEqualTo(BUDGET);
            assertThat(larder.memoryUsed()).isLessThanOrEqualTo(BUDGET);
            final CacheStats total = larder.stats();
            assertThat(total.evictions()).as("eviction ran").isPositive();
            assertThat(total.expirations()).as("expiry ran").isPositive();
            assertThat(events.get(CacheEntryEvent.Type.EVICTED).sum()).isEqualTo(total.evictions());
            assertThat(events.get(CacheEntryEvent.Type.EXPIRED).sum()).isEqualTo(total.expirations());
            assertThat(operations.sum()).as("operations run").isGreaterThan(10_000);
            assertThat(verified.sum()).as("values verified").isGreaterThan(1_000);
        }
    }

    private void step(final Cache<String, byte[]> c, final ThreadLocalRandom rnd) {
        final String k = key(rnd);
        switch (rnd.nextInt(22)) {
            case 0, 1, 2 -> check("get", k, c.get(k));
            case 3 -> {
                final String p = c.read(k, (buffer, offset, length) -> {
                    final String problem = CheckedValues.problem(k, buffer, offset, length);
                    return problem == null ? "" : problem;
                });
                verified.increment();
                if (p != null && !p.isEmpty()) {
                    report("zero-copy read '" + k + "': " + p);
                }
            }
            case 4, 5 -> c.put(k, value(k, rnd));
            case 6 -> c.put(k, value(k, rnd), ttl(rnd));
            case 7 -> c.putIfAbsent(k, value(k, rnd));
            case 8 -> check("getAndPut", k, c.getAndPut(k, value(k, rnd)));
            case 9 -> c.remove(k);
            case 10 -> {
                final byte[] current = c.get(k);
                check("get", k, current);
                if (current != null) {
                    c.remove(k, current);
                }
            }
            case 11 -> check("getAndRemove", k, c.getAndRemove(k));
            case 12 -> c.replace(k, value(k, rnd));
            case 13 -> {
                final byte[] current = c.get(k);
                check("get", k, current);
                if (current != null) {
                    c.replace(k, current, value(k, rnd));
                }
            }
            case 14 -> check("getAndReplace", k, c.getAndReplace(k, value(k, rnd)));
            case 15 -> {
                final byte[] next = value(k, rnd);
                final byte[] result = c.compute(k, (key, v) -> {
                    check("compute input", key, v);
                    return rnd.nextInt(5) == 0 ? null : next;
                });
                check("compute result", k, result);
            }
            case 16 -> c.invoke(k, e -> {
                check("invoke view", e.getKey(), e.getValue());
                if (e.exists() && rnd.nextBoolean()) {
                    e.remove();
                } else {
                    e.setValue(value(k, rnd));
                }
                return null;
            });
            case 17 -> {
                c.expire(k, ttl(rnd));
                c.ttl(k);
            }
            case 18 -> c.persist(k);
            case 19 -> {
                final Set<String> ks = new HashSet<>(List.of(k, key(rnd), key(rnd), "absent-" + rnd.nextInt(KEYS)));
                c.getAll(ks).forEach((key, v) -> check("getAll", key, v));
                c.containsKey(key(rnd));
            }
            case 20 -> {
                final Iterator<Cache.Entry<String, byte[]>> it = c.iterator();
                for (int n = 0; n < 50 && it.hasNext(); n++) {
                    final Cache.Entry<String, byte[]> e = it.next();
                    check("iteration", e.getKey(), e.getValue());
                    if (rnd.nextInt(10) == 0) {
                        it.remove();
                    }
                }
            }
            default -> {
                final Map<String, byte[]> batch = Map.of(k, value(k, rnd));
                c.putAll(batch);
            }
        }
    }
}
