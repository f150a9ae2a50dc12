package dev.larder.strategies;

import dev.larder.core.Cache;
import dev.larder.core.CacheOptions;
import dev.larder.core.LarderClock;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * Cache-aside and read-through loading in front of a {@link Cache}: look in the cache, and on a
 * miss load from the system of record once, however many threads miss at the same time.
 *
 * <pre>{@code
 * LoadingCache<Long, Product> products = LoadingCache.builder(cache)
 *     .loader(dao::findById)                      // or per call: getOrLoad(id, dao::findById)
 *     .negativeCaching(Duration.ofSeconds(5))     // remember "no such row"
 *     .build();
 * Product p = products.get(42L);
 * }</pre>
 *
 * <h2>Design</h2>
 * <b>Hits</b> cost one {@link Cache#get} and a null check; nothing else is touched unless
 * {@code refreshAfterWrite} or early expiration is on (then one {@link Cache#ttl} more).
 *
 * <p><b>Misses</b> go through a <em>single flight</em> per key ({@link SingleFlight}): the first
 * thread to miss registers a flight and runs the loader on its own thread, outside any lock of the store;
 * threads that miss the same key meanwhile wait on that flight for at most {@code loadTimeout}
 * ({@link LoadTimeoutException}) and get the same result. The loaded value is stored with
 * {@link Cache#putIfAbsent} <em>before</em> the flight is removed, so a thread that misses after
 * the flight is gone finds the value: the loader runs once per miss "episode". A loader exception
 * fails the flight: every waiter gets a {@link CacheLoaderException} with the loader's exception as
 * cause, nothing is cached, and the next lookup loads again.
 *
 * <p><b>Writes win over loads.</b> {@link #put} and {@link #invalidate} mark an in-flight load of
 * the key as stale, and a stale load's result is returned to its waiters but not stored. The loader
 * stores first and checks the mark after, the writer marks first and writes after, so whichever
 * order they run in, a value read from the database before an update never overwrites the update
 * (the classic cache-aside race). Writes made directly on the underlying cache only get the
 * {@code putIfAbsent} protection.
 *
 * <p><b>Recursion.</b> A flight records its owner thread. A thread that would wait for a flight it
 * owns (its loader asked for the same key, directly or through other keys) gets a
 * {@link RecursiveLoadException} at once instead of deadlocking. A cycle across threads (thread 1
 * loads {@code a} and needs {@code b} while thread 2 loads {@code b} and needs {@code a}) cannot
 * be seen this way and ends with the {@code loadTimeout}.
 *
 * <p><b>Bulk.</b> {@link #getAll} reads the present keys in one {@link Cache#getAll}, registers
 * flights for the missing keys nobody is loading, calls {@link CacheLoader#loadAll} once for exactly
 * those, and then waits for the keys other threads were already loading. A thread completes all of
 * its own flights before it waits for anyone else's, so bulk loads cannot deadlock each other.
 *
 * <p><b>Negative caching</b> (optional) keeps "the loader returned {@code null}" for its own TTL in a
 * small heap map (bounded; when full, expired entries are purged and then arbitrary ones dropped).
 * {@link #put} and {@link #invalidate} clear it; an insert that bypasses this class does not, so
 * such code must call {@link #invalidate} after inserting.
 *
 * <p><b>Early refresh</b> (optional, for keys that expire), to avoid a stampede of misses when a
 * hot key expires:
 * <ul>
 *   <li>{@code refreshAfterWrite}: once an entry is older than this, a hit returns the current
 *   value and starts one asynchronous reload on the refresh executor (further hits start nothing
 *   while it runs). The age is derived from the remaining TTL, so this needs the cache's
 *   {@link CacheOptions#expireAfterWrite} (longer than the refresh interval) and no
 *   {@code expireAfterAccess}. The reload replaces the value only if it has not changed in the
 *   meantime ({@link Cache#replace(Object, Object, Object)}); a failed reload keeps the old value
 *   and is counted in {@link LoadingStats#refreshFailures()}.</li>
 *   <li>Early expiration by the XFetch rule (Vattani, Chierichetti, Lowenstein, "Optimal
 *   Probabilistic Cache Stampede Prevention", VLDB 2015): a hit reloads synchronously when
 *   {@code -delta * beta * ln(u) >= remainingTtl}, {@code u} uniform in (0, 1]. {@code delta} is the
 *   time a load takes; this class uses a moving average of this cache's load times (one number per
 *   cache rather than one per entry, so no heap grows with the entries). Larger {@code beta}
 *   reloads earlier. Only one thread reloads a key at a time; the others keep the current value.</li>
 * </ul>
 * Time for negative entries and load durations comes from the builder's {@link LarderClock}; give
 * it the Larder's clock when tests use a fake one.
 *
 * <p>This class is thread-safe. It does not own the cache: {@link #close()} only stops a refresh
 * executor that the builder created.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class LoadingCache<K, V> implements AutoCloseable {

    /** Default wait for another thread's load. */
    public static final Duration DEFAULT_LOAD_TIMEOUT = Duration.ofSeconds(60);

    /** Default bound of the negative-entry map. */
    public static final int DEFAULT_NEGATIVE_MAX_ENTRIES = 10_000;

    /** Weight of the newest sample in the moving average of load times. */
    private static final double LOAD_TIME_SMOOTHING = 0.2;

    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private final Cache<K, V> cache;
    private final CacheLoader<K, V> loader;
    private final long negativeTtlMillis;
    private final int negativeMaxEntries;
    private final long refreshAfterWriteMillis;
    private final long expireAfterWriteMillis;
    private final double beta;
    private final boolean earlyChecks;
    private final LarderClock clock;
    private final DoubleSupplier random;
    private final Executor refreshExecutor;
    private final ExecutorService ownedExecutor;

    private final SingleFlight<K, V> flights;
    private final ConcurrentHashMap<K, Long> negatives;

    private final LongAdder misses = new LongAdder();
    private final LongAdder loads = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final LongAdder loadMillis = new LongAdder();
    private final LongAdder negativeHits = new LongAdder();
    private final LongAdder refreshes = new LongAdder();
    private final LongAdder earlyReloads = new LongAdder();
    private final LongAdder refreshFailures = new LongAdder();

    /** Moving average of load durations in clock milliseconds (XFetch's delta). */
    private volatile double averageLoadMillis;

    private LoadingCache(final Builder<K, V> builder) {
        this.cache = builder.cache;
        this.loader = builder.loader;
        this.flights = new SingleFlight<>(cache.name(), builder.loadTimeout);
        this.negativeTtlMillis = builder.negativeTtl == null ? 0 : Math.max(1, builder.negativeTtl.toMillis());
        this.negativeMaxEntries = builder.negativeMaxEntries;
        this.negatives = builder.negativeTtl == null ? null : new ConcurrentHashMap<>();
        this.refreshAfterWriteMillis = builder.refreshAfterWrite == null ? 0 : builder.refreshAfterWrite.toMillis();
        final Duration expireAfterWrite = cache.options().expireAfterWrite();
        this.expireAfterWriteMillis = expireAfterWrite == null ? 0 : expireAfterWrite.toMillis();
        this.beta = builder.beta;
        this.earlyChecks = refreshAfterWriteMillis > 0 || beta > 0;
        this.clock = builder.clock;
        this.random = builder.random;
        if (refreshAfterWriteMillis > 0 && builder.refreshExecutor == null) {
            final String name = "larder-refresh-" + cache.name() + "-";
            this.ownedExecutor = Executors.newFixedThreadPool(2, runnable -> {
                final Thread thread = new Thread(runnable, name + THREAD_IDS.incrementAndGet());
                thread.setDaemon(true);
                return thread;
            });
            this.refreshExecutor = ownedExecutor;
        } else {
            this.ownedExecutor = null;
            this.refreshExecutor = builder.refreshExecutor;
        }
    }

    /**
     * Starts configuring a loading cache in front of {@code cache}.
     *
     * @param cache the cache that holds the values
     * @param <K>   key type
     * @param <V>   value type
     * @return a builder with no loader, a 60 s load timeout, no negative caching and no early refresh
     * @throws NullPointerException if {@code cache} is {@code null}
     */
    public static <K, V> Builder<K, V> builder(final Cache<K, V> cache) {
        return new Builder<>(Objects.requireNonNull(cache, "cache must not be null"));
    }

    /**
     * A loading cache with default settings and {@code loader}.
     *
     * @param cache  the cache that holds the values
     * @param loader reads from the system of record
     * @param <K>    key type
     * @param <V>    value type
     * @return the loading cache
     * @throws NullPointerException if an argument is {@code null}
     */
    public static <K, V> LoadingCache<K, V> of(final Cache<K, V> cache, final CacheLoader<K, V> loader) {
        return builder(cache).loader(loader).build();
    }

    /** @return whether a loader was configured (so {@link #get} and {@link #getAll(Set)} can be used) */
    public boolean hasLoader() {
        return loader != null;
    }

    /** @return the cache this loads into */
    public Cache<K, V> cache() {
        return cache;
    }

    /**
     * Returns the value for {@code key}, loading it with the configured {@link CacheLoader} on a miss.
     *
     * @param key the key
     * @return the cached or loaded value, or {@code null} if the system of record has none
     * @throws NullPointerException  if {@code key} is {@code null}
     * @throws IllegalStateException if no loader was configured (use {@link #getOrLoad})
     * @throws CacheLoaderException  if the load failed, timed out or was recursive; nothing was cached
     */
    public V get(final K key) {
        return getOrLoad(key, requireLoader());
    }

    /**
     * Returns the value for {@code key}, loading it with {@code loader} on a miss. Concurrent misses
     * of the key share one call of a loader (the first caller's).
     *
     * @param key    the key
     * @param loader reads the value from the system of record; {@code null} result means "none"
     * @return the cached or loaded value, or {@code null} if the system of record has none
     * @throws NullPointerException if {@code key} or {@code loader} is {@code null}
     * @throws CacheLoaderException if the load failed, timed out or was recursive; nothing was cached
     */
    public V getOrLoad(final K key, final CacheLoader<? super K, ? extends V> loader) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(loader, "loader must not be null");
        final V cached = cache.get(key);
        if (cached != null) {
            return earlyChecks ? afterHit(key, cached, loader) : cached;
        }
        return miss(key, loader);
    }

    /**
     * @param key the key
     * @return the cached value, or {@code null}; never loads
     * @throws NullPointerException if {@code key} is {@code null}
     */
    public V getIfPresent(final K key) {
        return cache.get(Objects.requireNonNull(key, "key must not be null"));
    }

    /**
     * Returns the values of {@code keys}, loading the missing ones with one
     * {@link CacheLoader#loadAll} call of the configured loader.
     *
     * @param keys the keys
     * @return the values found (cached or loaded); keys without a value have no mapping
     * @throws NullPointerException  if {@code keys} or one of them is {@code null}
     * @throws IllegalStateException if no loader was configured
     * @throws CacheLoaderException  if the bulk load failed (nothing it loaded was cached), or waiting
     *                               for another thread's load of one of the keys failed
     */
    public Map<K, V> getAll(final Set<? extends K> keys) {
        return getAll(keys, requireLoader());
    }

    /**
     * As {@link #getAll(Set)}, with {@code loader} instead of the configured one.
     *
     * @param keys   the keys
     * @param loader its {@code loadAll} gets exactly the keys that are missing and not being loaded
     * @return the values found (cached or loaded); keys without a value have no mapping
     * @throws NullPointerException if an argument or a key is {@code null}
     * @throws CacheLoaderException if the bulk load failed or a wait failed
     */
    @SuppressWarnings("unchecked")
    public Map<K, V> getAll(final Set<? extends K> keys, final CacheLoader<? super K, ? extends V> loader) {
        Objects.requireNonNull(keys, "keys must not be null");
        Objects.requireNonNull(loader, "loader must not be null");
        for (final K key : keys) {
            Objects.requireNonNull(key, "keys must not contain null");
        }
        final Map<K, V> result = new HashMap<>(cache.getAll(keys));
        if (result.size() == keys.size()) {
            return result;
        }
        final Map<K, SingleFlight.Flight<K, V>> mine = new LinkedHashMap<>();
        final Map<K, SingleFlight.Flight<K, V>> theirs = new LinkedHashMap<>();
        for (final K key : keys) {
            if (result.containsKey(key) || isNegativeCached(key)) {
                continue;
            }
            misses.increment();
            final SingleFlight.Seat<K, V> seat = flights.leadOrJoin(key);
            if (seat.leads()) {
                mine.put(key, seat.flight());
            } else {
                theirs.put(key, seat.flight());
            }
        }
        if (!mine.isEmpty()) {
            loadMine(mine, result, loader);
        }
        for (final Map.Entry<K, SingleFlight.Flight<K, V>> entry : theirs.entrySet()) {
            final V value = entry.getValue().await();
            if (value != null) {
                result.put(entry.getKey(), value);
            }
        }
        return result;
    }

    /**
     * Stores {@code value}, clears a negative entry for the key, and keeps a load of the key that
     * is in flight from storing its (older) result.
     *
     * @param key   the key
     * @param value the value
     * @throws NullPointerException if an argument is {@code null}
     */
    public void put(final K key, final V value) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(value, "value must not be null");
        markStale(key);
        cache.put(key, value);
    }

    /**
     * Removes the key's value and negative entry, and keeps a load of the key that is in flight
     * from storing its (older) result. Call it after changing the key in the system of record.
     *
     * @param key the key
     * @return {@code true} if the cache held a value for the key
     * @throws NullPointerException if {@code key} is {@code null}
     */
    public boolean invalidate(final K key) {
        Objects.requireNonNull(key, "key must not be null");
        markStale(key);
        return cache.remove(key);
    }

    /**
     * {@link #invalidate} for each key.
     *
     * @param keys the keys
     * @throws NullPointerException if {@code keys} or one of them is {@code null}
     */
    public void invalidateAll(final Set<? extends K> keys) {
        Objects.requireNonNull(keys, "keys must not be null");
        for (final K key : keys) {
            invalidate(key);
        }
    }

    /**
     * @param key the key
     * @return whether a load of {@code key} is in flight right now
     */
    public boolean isLoading(final K key) {
        return flights.isLoading(Objects.requireNonNull(key, "key must not be null"));
    }

    /** @return a snapshot of this loading cache's counters */
    public LoadingStats stats() {
        return new LoadingStats(misses.sum(), loads.sum(), loadFailures.sum(), loadMillis.sum(), flights.waits(),
            flights.timeouts(), negativeHits.sum(), refreshes.sum(), earlyReloads.sum(), refreshFailures.sum());
    }

    /**
     * Stops the refresh executor if the builder created it (waiting up to 5 s for running
     * refreshes). The cache itself stays open: it belongs to its Larder.
     */
    @Override
    public void close() {
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
            try {
                if (!ownedExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                    ownedExecutor.shutdownNow();
                }
            } catch (final InterruptedException e) {
                ownedExecutor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---------------------------------------------------------------------------------------- misses

    private CacheLoader<K, V> requireLoader() {
        if (loader == null) {
            throw new IllegalStateException("no CacheLoader configured for cache '" + cache.name()
                + "': set one with LoadingCache.builder(cache).loader(...) or call getOrLoad(key, loader)");
        }
        return loader;
    }

    private V miss(final K key, final CacheLoader<? super K, ? extends V> loader) {
        if (isNegativeCached(key)) {
            return null;
        }
        misses.increment();
        final SingleFlight.Seat<K, V> seat = flights.leadOrJoin(key);
        if (!seat.leads()) {
            return seat.flight().await();
        }
        final SingleFlight.Flight<K, V> mine = seat.flight();
        // A flight may have finished between our miss and our registration: look again. The
        // look is containsKey first (not counted in the cache's stats), so that one logical
        // miss counts once; only in that rare race is the get (a counted hit) made.
        final V again;
        try {
            again = cache.containsKey(key) ? cache.get(key) : null;
        } catch (final RuntimeException | Error e) {
            mine.abandon(e);
            throw e;
        }
        if (again != null) {
            mine.complete(again);
            return again;
        }
        if (negatives != null && isNegativeCached(key)) {
            mine.complete(null);
            return null;
        }
        return loadOne(key, mine, loader);
    }

    private V loadOne(final K key, final SingleFlight.Flight<K, V> flight,
                      final CacheLoader<? super K, ? extends V> loader) {
        final long start = clock.millis();
        final V loaded;
        try {
            loaded = loader.load(key);
        } catch (final Throwable t) {
            loadFailures.increment();
            throw flight.fail(t);
        }
        recordLoad(start, 1);
        return finish(key, flight, loaded);
    }

    private void loadMine(final Map<K, SingleFlight.Flight<K, V>> mine, final Map<K, V> result,
                          final CacheLoader<? super K, ? extends V> loader) {
        // Flights that finished between our getAll and our registration left their values behind.
        final Map<K, V> again;
        try {
            again = cache.getAll(mine.keySet());
        } catch (final RuntimeException | Error e) {
            for (final SingleFlight.Flight<K, V> flight : mine.values()) {
                flight.abandon(e);
            }
            throw e;
        }
        for (final Map.Entry<K, V> entry : again.entrySet()) {
            mine.remove(entry.getKey()).complete(entry.getValue());
            result.put(entry.getKey(), entry.getValue());
        }
        if (mine.isEmpty()) {
            return;
        }
        final long start = clock.millis();
        final Map<?, ? extends V> loaded;
        try {
            loaded = loader.loadAll(Collections.unmodifiableSet(mine.keySet()));
            if (loaded == null) {
                throw new CacheLoaderException("loadAll returned null for cache '" + cache.name()
                    + "'; return an empty map when nothing is found");
            }
        } catch (final Throwable t) {
            loadFailures.increment();
            CacheLoaderException first = null;
            Error error = null;
            for (final SingleFlight.Flight<K, V> flight : mine.values()) {
                try {
                    final CacheLoaderException e = flight.fail(t);
                    first = first == null ? e : first;
                } catch (final Error e) {
                    error = e; // fail() rethrows an Error; end the other flights first
                }
            }
            if (error != null) {
                throw error;
            }
            throw first;
        }
        recordLoad(start, mine.size());
        final Iterator<Map.Entry<K, SingleFlight.Flight<K, V>>> it = mine.entrySet().iterator();
        try {
            while (it.hasNext()) {
                final Map.Entry<K, SingleFlight.Flight<K, V>> entry = it.next();
                final V value = finish(entry.getKey(), entry.getValue(), loaded.get(entry.getKey()));
                if (value != null) {
                    result.put(entry.getKey(), value);
                }
            }
        } catch (final RuntimeException | Error e) {
            // Storing one key failed: fail the flights not finished yet so nobody waits for them.
            while (it.hasNext()) {
                it.next().getValue().abandon(e);
            }
            throw e;
        }
    }

    /**
     * Stores a load's result (unless a write made it stale), removes the flight and completes it.
     * The value is stored before the flight is removed, so a later miss finds it.
     */
    private V finish(final K key, final SingleFlight.Flight<K, V> flight, final V loaded) {
        V outcome = loaded;
        try {
            if (!flight.isStale()) {
                if (loaded == null) {
                    rememberAbsent(key);
                } else if (!cache.putIfAbsent(key, loaded)) {
                    // A write got there first: it is newer than what we read, so it is the answer.
                    final V present = cache.get(key);
                    if (present != null) {
                        outcome = present;
                    }
                }
                if (flight.isStale() && loaded != null) {
                    // A write marked us stale while we stored: its invalidation may have run before our
                    // putIfAbsent, so take our (older) value out again.
                    cache.remove(key, loaded);
                }
            }
        } catch (final RuntimeException | Error e) {
            flight.abandon(e);
            throw e;
        }
        flight.complete(outcome);
        return outcome;
    }

    private void recordLoad(final long startMillis, final int keys) {
        final long elapsed = Math.max(0, clock.millis() - startMillis);
        loads.add(keys);
        loadMillis.add(elapsed);
        final double previous = averageLoadMillis;
        // Racy on purpose: a lost update of a moving average does not matter.
        averageLoadMillis = previous == 0 ? elapsed : previous + LOAD_TIME_SMOOTHING * (elapsed - previous);
    }

    private void markStale(final K key) {
        final SingleFlight.Flight<K, V> flight = flights.inFlight(key);
        if (flight != null) {
            flight.markStale();
        }
        if (negatives != null) {
            negatives.remove(key);
        }
    }

    // ---------------------------------------------------------------------------- negative caching

    private boolean isNegativeCached(final K key) {
        if (negatives == null) {
            return false;
        }
        final Long deadline = negatives.get(key);
        if (deadline == null) {
            return false;
        }
        if (clock.millis() < deadline) {
            negativeHits.increment();
            return true;
        }
        negatives.remove(key, deadline);
        return false;
    }

    private void rememberAbsent(final K key) {
        if (negatives == null) {
            return;
        }
        if (negatives.size() >= negativeMaxEntries) {
            final long now = clock.millis();
            negatives.values().removeIf(deadline -> deadline <= now);
            final Iterator<K> it = negatives.keySet().iterator();
            while (negatives.size() >= negativeMaxEntries && it.hasNext()) {
                it.next();
                it.remove();
            }
        }
        negatives.put(key, clock.millis() + negativeTtlMillis);
    }

    // ------------------------------------------------------------------------------ early refresh

    private V afterHit(final K key, final V cached, final CacheLoader<? super K, ? extends V> loader) {
        final Duration ttl = cache.ttl(key);
        if (ttl == null || ttl.equals(Cache.FOREVER)) {
            return cached;
        }
        final long remaining = ttl.toMillis();
        if (refreshAfterWriteMillis > 0 && expireAfterWriteMillis - remaining >= refreshAfterWriteMillis) {
            startRefresh(key, cached, loader);
            return cached;
        }
        if (beta > 0) {
            final double delta = averageLoadMillis;
            if (delta > 0 && -delta * beta * Math.log(uniform()) >= remaining) {
                return reloadEarly(key, cached, loader);
            }
        }
        return cached;
    }

    private double uniform() {
        final double u = random.getAsDouble();
        if (!(u > 0 && u <= 1)) {
            throw new IllegalStateException("the random source must return values in (0, 1], returned " + u);
        }
        return u;
    }

    private void startRefresh(final K key, final V old, final CacheLoader<? super K, ? extends V> loader) {
        final SingleFlight.Flight<K, V> flight = flights.tryLeadDetached(key);
        if (flight == null) {
            return;
        }
        refreshes.increment();
        try {
            refreshExecutor.execute(() -> {
                flight.takeOver();
                reload(key, old, flight, loader);
            });
        } catch (final RejectedExecutionException e) {
            refreshFailures.increment();
            flight.abandon(e);
        }
    }

    private V reloadEarly(final K key, final V old, final CacheLoader<? super K, ? extends V> loader) {
        final SingleFlight.Flight<K, V> flight = flights.tryLead(key);
        if (flight == null) {
            return old;
        }
        earlyReloads.increment();
        return reload(key, old, flight, loader);
    }

    /**
     * Reloads a present key: the new value replaces the old one only if the entry still holds the
     * old one; a failure keeps the old value. Returns the value the caller should see.
     */
    private V reload(final K key, final V old, final SingleFlight.Flight<K, V> flight,
                     final CacheLoader<? super K, ? extends V> loader) {
        final long start = clock.millis();
        final V loaded;
        try {
            loaded = loader.load(key);
        } catch (final Throwable t) {
            refreshFailures.increment();
            flight.abandon(t);
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (t instanceof Error && !(t instanceof StackOverflowError)) {
                throw (Error) t;
            }
            return old;
        }
        recordLoad(start, 1);
        V outcome = loaded;
        try {
            if (!flight.isStale()) {
                if (loaded == null) {
                    cache.remove(key, old);
                    rememberAbsent(key);
                } else if (cache.replace(key, old, loaded)) {
                    if (flight.isStale()) {
                        cache.remove(key, loaded);
                    }
                } else {
                    final V present = cache.get(key);
                    outcome = present != null ? present : outcome;
                }
            }
        } catch (final RuntimeException | Error e) {
            refreshFailures.increment();
            flight.abandon(e);
            return old;
        }
        flight.complete(outcome);
        return outcome;
    }

    /**
     * Configures a {@link LoadingCache}. Not thread-safe; build once.
     *
     * @param <K> key type
     * @param <V> value type
     */
    public static final class Builder<K, V> {
        private final Cache<K, V> cache;
        private CacheLoader<K, V> loader;
        private Duration loadTimeout = DEFAULT_LOAD_TIMEOUT;
        private Duration negativeTtl;
        private int negativeMaxEntries = DEFAULT_NEGATIVE_MAX_ENTRIES;
        private Duration refreshAfterWrite;
        private double beta;
        private LarderClock clock = LarderClock.SYSTEM;
        private DoubleSupplier random = () -> 1.0 - ThreadLocalRandom.current().nextDouble();
        private Executor refreshExecutor;

        private Builder(final Cache<K, V> cache) {
            this.cache = cache;
        }

        /**
         * @param loader the loader {@link LoadingCache#get} and {@link LoadingCache#getAll(Set)} use
         * @return this builder
         * @throws NullPointerException if {@code loader} is {@code null}
         */
        public Builder<K, V> loader(final CacheLoader<K, V> loader) {
            this.loader = Objects.requireNonNull(loader, "loader must not be null");
            return this;
        }

        /**
         * @param timeout how long a thread waits for another thread's load of the same key; positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder<K, V> loadTimeout(final Duration timeout) {
            this.loadTimeout = positive(timeout, "loadTimeout");
            return this;
        }

        /**
         * Remembers "the loader found nothing" for {@code ttl}, so lookups of missing rows do not
         * reach the system of record each time.
         *
         * @param ttl how long a negative entry lasts; positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder<K, V> negativeCaching(final Duration ttl) {
            this.negativeTtl = positive(ttl, "negative caching ttl");
            return this;
        }

        /**
         * @param maxEntries the most negative entries kept on the heap; positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder<K, V> negativeCacheMaxEntries(final int maxEntries) {
            if (maxEntries <= 0) {
                throw new IllegalArgumentException("negativeCacheMaxEntries must be positive, was " + maxEntries);
            }
            this.negativeMaxEntries = maxEntries;
            return this;
        }

        /**
         * Reloads entries asynchronously once they are older than {@code interval}, serving the
         * current value meanwhile. Needs the cache's {@code expireAfterWrite}, longer than this.
         *
         * @param interval age after which a hit starts a reload; positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder<K, V> refreshAfterWrite(final Duration interval) {
            this.refreshAfterWrite = positive(interval, "refreshAfterWrite");
            return this;
        }

        /**
         * Turns on probabilistic early expiration (XFetch) with this {@code beta}; 1.0 is the
         * usual choice, larger reloads earlier. Only entries with a TTL are affected.
         *
         * @param beta positive and finite
         * @return this builder
         * @throws IllegalArgumentException if not positive and finite
         */
        public Builder<K, V> earlyExpiration(final double beta) {
            if (!(beta > 0) || Double.isInfinite(beta)) {
                throw new IllegalArgumentException("earlyExpiration beta must be positive and finite, was " + beta);
            }
            this.beta = beta;
            return this;
        }

        /**
         * @param clock the time source for negative entries and load durations; use the Larder's
         * @return this builder
         * @throws NullPointerException if {@code clock} is {@code null}
         */
        public Builder<K, V> clock(final LarderClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
            return this;
        }

        /**
         * @param random source of uniform numbers in (0, 1] for the XFetch rule (for tests)
         * @return this builder
         * @throws NullPointerException if {@code random} is {@code null}
         */
        public Builder<K, V> random(final DoubleSupplier random) {
            this.random = Objects.requireNonNull(random, "random must not be null");
            return this;
        }

        /**
         * @param executor runs {@code refreshAfterWrite} reloads; by default the loading cache
         *                 starts two daemon threads and stops them on {@link LoadingCache#close()}
         * @return this builder
         * @throws NullPointerException if {@code executor} is {@code null}
         */
        public Builder<K, V> refreshExecutor(final Executor executor) {
            this.refreshExecutor = Objects.requireNonNull(executor, "executor must not be null");
            return this;
        }

        /**
         * @return the loading cache
         * @throws IllegalArgumentException if {@code refreshAfterWrite} is set but the cache has no
         *                                  {@code expireAfterWrite} longer than it, or has
         *                                  {@code expireAfterAccess}
         */
        public LoadingCache<K, V> build() {
            if (refreshAfterWrite != null) {
                final CacheOptions options = cache.options();
                final Duration expire = options.expireAfterWrite();
                if (expire == null || options.expireAfterAccess() != null) {
                    throw new IllegalArgumentException("refreshAfterWrite needs cache '" + cache.name()
                        + "' to have expireAfterWrite and no expireAfterAccess (the entry's age is derived from its TTL); "
                        + "its options are " + options);
                }
                if (refreshAfterWrite.compareTo(expire) >= 0) {
                    throw new IllegalArgumentException("refreshAfterWrite (" + refreshAfterWrite
                        + ") must be shorter than the cache's expireAfterWrite (" + expire + ")");
                }
            }
            return new LoadingCache<>(this);
        }

        private static Duration positive(final Duration duration, final String what) {
            Objects.requireNonNull(duration, what + " must not be null");
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + duration);
            }
            return duration;
        }
    }
}
