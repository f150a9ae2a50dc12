package dev.larder.eviction.simulator;

import com.github.benmanes.caffeine.cache.Caffeine;
import dev.larder.core.Cache;
import dev.larder.core.Codecs;
import dev.larder.core.Larder;
import dev.larder.eviction.EvictionPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The four ways the simulator replays a trace at a capacity N. Every replay reads the trace in
 * order: a key present is a hit; a key absent is a miss and is then inserted.
 */
public final class Replays {
    /** Milliseconds the in-store fake clock advances per access: one policy tick. */
    public static final long MILLIS_PER_ACCESS = 1L << EvictionPolicy.TICK_SHIFT;
    /** In-store budget: large enough that bytes never bind, only {@code maxEntries(N)} does. */
    public static final long STORE_BUDGET = 256L << 20;
    private static final byte[] VALUE = new byte[8];

    private Replays() {
    }

    /**
     * The pure policy: a {@link PolicyModel} of capacity N.
     *
     * @param policy a fresh policy instance
     * @param trace  the keys
     * @param n      the capacity
     * @param seed   the model's sampling seed
     * @return hits over accesses; the note flags refused writes ("refused W") or cut-off eviction loops ("stalled S")
     */
    public static Result pure(final EvictionPolicy policy, final long[] trace, final int n, final long seed) {
        final PolicyModel model = new PolicyModel(policy, n, seed);
        long hits = 0;
        for (final long key : trace) {
            if (model.access(key)) {
                hits++;
            }
        }
        final StringBuilder note = new StringBuilder();
        if (model.rejectedWrites() > 0) {
            note.append(String.format("refused %,d", model.rejectedWrites()));
        }
        if (model.stalls() > 0) {
            note.append(note.length() > 0 ? ", " : "").append(String.format("stalled %,d", model.stalls()));
        }
        return new Result(hits, trace.length, note.toString(), describe(model));
    }

    private static String describe(final PolicyModel m) {
        final String base = String.format("policy %s; evict calls per miss %.2f; evictions %,d", m.policy(),
            m.misses() == 0 ? 0.0 : (double) m.evictCalls() / m.misses(), m.evictions());
        if (!m.policy().name().equals("w-tinylfu")) {
            return base;
        }
        // W-TinyLFU's region is bits 22-23 of its access word: 1 window, 2 probation, 3 protected
        final long[] live = m.liveByRegion();
        return base + String.format("; evicted from window (candidate rejected) %,d, from probation %,d, from protected %,d; "
                + "moved window->probation (admitted) %,d; demoted protected->probation %,d; "
                + "live at end: window %,d, probation %,d, protected %,d",
            m.evictedFromRegion(1), m.evictedFromRegion(2), m.evictedFromRegion(3),
            m.casTransitions(1, 2), m.casTransitions(3, 2), live[1], live[2], live[3]);
    }

    /**
     * The policy inside a real {@link Larder}: {@code maxEntries(N)}, a 256 MiB budget, a fake
     * clock advancing 16 ms (one tick) per access, no expiry thread; a {@code Cache<Long, byte[]>}
     * with 8-byte values: {@code get}, and {@code put} on a miss.
     *
     * <p>With several threads, thread {@code t} replays positions {@code t, t + threads, ...}; they
     * share the fake clock, and the hit ratio is over all of them. No thread runs more than
     * {@link #MAX_DRIFT} positions ahead of another, so together they replay one stream in about the
     * trace's order, as threads serving one stream of requests would. (Left free, one thread can run
     * thousands of positions ahead; on loop.trace.gz that turns the trace into a different one, with
     * a key's two accesses by the two threads close together or far apart by accident of timing.)
     *
     * @param policies a supplier of a fresh policy instance
     * @param trace    the keys
     * @param n        the capacity
     * @param threads  1 or more
     * @return hits over accesses; the note ("held M") flags a store that held more than N entries
     *         (more than N + threads - 1 with several threads, each of which may insert before evicting)
     */
    public static Result inStore(final Supplier<EvictionPolicy> policies, final long[] trace, final int n,
                                 final int threads) {
        return inStore(policies, trace, n, threads, STORE_BUDGET);
    }

    /**
     * As {@link #inStore(Supplier, long[], int, int)} with another byte budget (a diagnostic: the
     * store's index, and so how sparse its sampling is, is sized from the budget).
     *
     * @param budget the Larder's {@code maxMemory}
     */
    public static Result inStore(final Supplier<EvictionPolicy> policies, final long[] trace, final int n,
                                 final int threads, final long budget) {
        final AtomicLong now = new AtomicLong(1L << 20);
        try (Larder larder = Larder.builder()
            .maxMemory(budget)
            .maxEntries(n)
            .clock(now::get)
            .expiryInterval(Duration.ZERO)
            .evictionPolicy(policies.get())
            .build()) {
            final Cache<Long, byte[]> cache = larder.cache("trace", Codecs.int64(), Codecs.bytes());
            final long[] hits = new long[threads];
            final long[] maxSize = new long[threads];
            final AtomicReference<Throwable> failure = new AtomicReference<>();
            final AtomicLongArray progress = new AtomicLongArray(threads);
            if (threads == 1) {
                replayShare(cache, trace, 0, 1, now, hits, maxSize, null, null);
            } else {
                final CountDownLatch start = new CountDownLatch(1);
                final Thread[] workers = new Thread[threads];
                for (int t = 0; t < threads; t++) {
                    final int id = t;
                    workers[t] = new Thread(() -> {
                        try {
                            start.await();
                            replayShare(cache, trace, id, threads, now, hits, maxSize, progress, failure);
                        } catch (final Throwable e) {
                            failure.compareAndSet(null, e);
                        } finally {
                            progress.set(id, Long.MAX_VALUE); // done or failed: never hold the others back
                        }
                    }, "replay-" + t);
                    workers[t].start();
                }
                start.countDown();
                for (final Thread w : workers) {
                    try {
                        w.join();
                    } catch (final InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while replaying", e);
                    }
                }
                if (failure.get() != null) {
                    throw new IllegalStateException("a replay thread failed", failure.get());
                }
            }
            long total = 0;
            long max = 0;
            for (int t = 0; t < threads; t++) {
                total += hits[t];
                max = Math.max(max, maxSize[t]);
            }
            // with several threads, each may have inserted before the evictions that follow its put
            final String note = max > n + threads - 1 ? String.format("held %,d", max) : "";
            final String detail = String.format("policy %s; store evictions %,d; most entries seen after a put %,d",
                larder.evictionPolicy(), cache.stats().evictions(), max);
            return new Result(total, trace.length, note, detail);
        }
    }

    private static void replayShare(final Cache<Long, byte[]> cache, final long[] trace, final int first,
                                    final int stride, final AtomicLong now, final long[] hits, final long[] maxSize,
                                    final AtomicLongArray progress, final AtomicReference<Throwable> failure) {
        long h = 0;
        long max = 0;
        for (int i = first; i < trace.length; i += stride) {
            if (failure != null && (i & 1023) == first && failure.get() != null) {
                return; // another replay thread failed: the run is void
            }
            if (progress != null) {
                progress.lazySet(first, i);
                awaitOthers(progress, first, i);
            }
            now.addAndGet(MILLIS_PER_ACCESS);
            final Long key = trace[i];
            if (cache.get(key) != null) {
                h++;
            } else {
                cache.put(key, VALUE);
                max = Math.max(max, cache.size());
            }
        }
        hits[first] = h;
        maxSize[first] = max;
    }

    /**
     * Most trace positions one replay thread may run ahead of the slowest other one: 64, or the
     * system property {@code larder.sim.drift} (a diagnostic; a huge value lets the threads run free).
     */
    public static final int MAX_DRIFT = Integer.getInteger("larder.sim.drift", 64);

    /** Holds a replay thread until no other one is more than {@link #MAX_DRIFT} positions behind it. */
    private static void awaitOthers(final AtomicLongArray progress, final int self, final long position) {
        for (int o = 0; o < progress.length(); o++) {
            if (o == self) {
                continue;
            }
            int spins = 0;
            while (progress.get(o) < position - MAX_DRIFT) {
                if (++spins < 100) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
        }
    }

    /**
     * Caffeine, the reference: {@code maximumSize(N)}, maintenance on the calling thread;
     * {@code getIfPresent}, and {@code put} on a miss.
     */
    public static Result caffeine(final long[] trace, final int n) {
        final com.github.benmanes.caffeine.cache.Cache<Long, byte[]> cache =
            Caffeine.newBuilder().maximumSize(n).executor(Runnable::run).build();
        long hits = 0;
        for (final long k : trace) {
            final Long key = k;
            if (cache.getIfPresent(key) != null) {
                hits++;
            } else {
                cache.put(key, VALUE);
            }
        }
        return Result.of(hits, trace.length);
    }

    /** Exact LRU: a {@link LinkedHashMap} in access order that drops its eldest entry beyond N. */
    public static Result exactLru(final long[] trace, final int n) {
        final Map<Long, Boolean> lru = new LinkedHashMap<>(2 * n, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(final Map.Entry<Long, Boolean> eldest) {
                return size() > n;
            }
        };
        long hits = 0;
        for (final long k : trace) {
            final Long key = k;
            if (lru.get(key) != null) {
                hits++;
            } else {
                lru.put(key, Boolean.TRUE);
            }
        }
        return Result.of(hits, trace.length);
    }
}
