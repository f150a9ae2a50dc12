package dev.larder.strategies;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * At most one load per key at a time: threads that need the same key while it is being loaded
 * wait for that load and share its result instead of loading again. This is the machinery behind
 * {@link LoadingCache}'s misses, and it can serve any other read-through front end (the JSR-107
 * provider uses it for its {@code CacheLoader}).
 *
 * <pre>{@code
 * SingleFlight<Long, Product> flights = new SingleFlight<>("products", Duration.ofSeconds(10));
 * Product p = flights.load(42L, dao::findById);     // concurrent callers for 42 share one findById
 * }</pre>
 *
 * <h2>Design</h2>
 * A {@link Flight} is one load of one key in progress, registered in a concurrent heap map. The
 * thread that registers it is its <em>leader</em> (its owner): it runs the load on its own thread
 * and must end the flight with {@link Flight#complete} or {@link Flight#fail}; the flight leaves
 * the map before its waiters are released. Other threads {@link Flight#await} it:
 * <ul>
 *   <li>each waits at most the wait timeout given to the constructor and then gets a
 *   {@link LoadTimeoutException} (the load goes on; the leader still completes it);</li>
 *   <li>a thread that would wait for a flight it leads itself (its loader asked, directly or
 *   through other keys, for a key it is loading) gets a {@link RecursiveLoadException} at once
 *   instead of waiting forever; a cycle across threads ends with the timeout;</li>
 *   <li>a failed load reaches every waiter as a {@link CacheLoaderException} whose cause is what
 *   the loader threw, and the leader gets one from {@link Flight#fail}.</li>
 * </ul>
 *
 * <p>{@link #load} is the whole pattern in one call, for callers that keep the result themselves.
 * Caches use the parts instead ({@link #leadOrJoin}, {@link Flight#await}, {@link Flight#complete})
 * so that the leader can <em>store the value before it completes the flight</em>: a thread that
 * misses after the flight is gone then finds the value, and the loader runs once per miss
 * "episode" rather than once per overlapping group of callers. A caller that registers a flight
 * should therefore look in its cache once more before loading (a flight may have finished between
 * its miss and its registration). A caller that must not block, for example because it holds a
 * lock the leader may need, uses {@link #tryLead} alone and loads by itself when another thread
 * leads. A bulk lookup leads the flights of all keys nobody is loading, completes all of them, and
 * only then waits for the others' flights, so bulk callers cannot deadlock each other.
 *
 * <p>A flight also carries a <em>stale</em> mark ({@link Flight#markStale}) that writers set to
 * tell the leader that its result is older than a write and must not be stored; this class only
 * keeps the mark, the caller decides what it means.
 *
 * <p>This class is thread-safe; it keeps nothing once a flight ends, and it never stores values.
 *
 * @param <K> key type (compared with {@code equals})
 * @param <V> value type; a flight completed with {@code null} means "no value"
 */
public final class SingleFlight<K, V> {

    private final String name;
    private final long waitTimeoutNanos;
    private final ConcurrentHashMap<K, Flight<K, V>> flights = new ConcurrentHashMap<>();
    private final LongAdder waits = new LongAdder();
    private final LongAdder timeouts = new LongAdder();

    /**
     * @param name        the name of the cache the loads are for, quoted in exception messages
     * @param waitTimeout how long a thread waits for another thread's load of the same key; positive
     * @throws NullPointerException     if an argument is {@code null}
     * @throws IllegalArgumentException if {@code waitTimeout} is not positive
     */
    public SingleFlight(final String name, final Duration waitTimeout) {
        this.name = Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(waitTimeout, "waitTimeout must not be null");
        if (waitTimeout.isNegative() || waitTimeout.isZero()) {
            throw new IllegalArgumentException("waitTimeout must be positive, was " + waitTimeout);
        }
        this.waitTimeoutNanos = waitTimeout.toNanos();
    }

    /**
     * Returns {@code loader}'s value for {@code key}, sharing one call among concurrent callers:
     * if the key is being loaded, waits for that load; otherwise loads it on this thread. The
     * result is not kept: a caller that comes after the load ended loads again.
     *
     * @param key    the key
     * @param loader the load to run if nobody is loading the key
     * @return the loaded value, or {@code null} if the loader found none
     * @throws NullPointerException if an argument is {@code null}
     * @throws CacheLoaderException if the load failed (the loader's exception is the cause), the
     *                              wait timed out ({@link LoadTimeoutException}) or the load was
     *                              recursive ({@link RecursiveLoadException})
     */
    public V load(final K key, final CacheLoader<? super K, ? extends V> loader) {
        Objects.requireNonNull(key, "key must not be null");
        Objects.requireNonNull(loader, "loader must not be null");
        final Seat<K, V> seat = leadOrJoin(key);
        if (!seat.leads()) {
            return seat.flight().await();
        }
        final Flight<K, V> mine = seat.flight();
        final V value;
        try {
            value = loader.load(key);
        } catch (final Throwable t) {
            throw mine.fail(t);
        }
        mine.complete(value);
        return value;
    }

    /**
     * Registers a flight for {@code key} led by the calling thread, or, if the key is in flight,
     * returns that flight. This is {@link #tryLead} and, when it is refused, {@link #inFlight} as
     * one step: it always returns a flight, where the two calls return none when the flight in
     * progress ends between them.
     *
     * <p>A caller that {@linkplain Seat#leads() leads} the flight must end it with
     * {@link Flight#complete} or {@link Flight#fail}, as after {@link #tryLead}. A caller that does
     * not lead it waits for it with {@link Flight#await}. The flight in progress may be led by the
     * calling thread itself (its loader asked, directly or through other keys, for a key it is
     * loading): that caller does not lead anything new, and its {@code await} throws
     * {@link RecursiveLoadException}. A detached flight is returned like any other.
     *
     * @param key the key
     * @return the flight of {@code key}, and whether this call registered it
     * @throws NullPointerException if {@code key} is {@code null}
     */
    public Seat<K, V> leadOrJoin(final K key) {
        final Flight<K, V> current = inFlight(key);
        if (current != null) {
            return new Seat<>(current, false);
        }
        final Flight<K, V> mine = new Flight<>(this, key, Thread.currentThread());
        final Flight<K, V> raced = flights.putIfAbsent(key, mine);
        return raced == null ? new Seat<>(mine, true) : new Seat<>(raced, false);
    }

    /**
     * Registers a flight for {@code key} led by the calling thread, unless the key is in flight.
     * The caller must end a flight it gets with {@link Flight#complete} or {@link Flight#fail},
     * whatever happens (waiters wait for it until their timeout otherwise).
     *
     * @param key the key
     * @return the new flight, or {@code null} if another flight of the key is in progress
     * @throws NullPointerException if {@code key} is {@code null}
     */
    public Flight<K, V> tryLead(final K key) {
        return register(key, Thread.currentThread());
    }

    /**
     * As {@link #tryLead}, for a load that will run on another thread (an executor's): the flight
     * has no leader until that thread calls {@link Flight#takeOver()}; until then, nobody's wait
     * for it counts as recursive.
     *
     * @param key the key
     * @return the new flight, or {@code null} if another flight of the key is in progress
     * @throws NullPointerException if {@code key} is {@code null}
     */
    public Flight<K, V> tryLeadDetached(final K key) {
        return register(key, null);
    }

    private Flight<K, V> register(final K key, final Thread leader) {
        Objects.requireNonNull(key, "key must not be null");
        final Flight<K, V> flight = new Flight<>(this, key, leader);
        return flights.putIfAbsent(key, flight) == null ? flight : null;
    }

    /**
     * @param key the key
     * @return the flight of {@code key} in progress, or {@code null}
     * @throws NullPointerException if {@code key} is {@code null}
     */
    public Flight<K, V> inFlight(final K key) {
        return flights.get(Objects.requireNonNull(key, "key must not be null"));
    }

    /**
     * @param key the key
     * @return whether a load of {@code key} is in progress right now
     * @throws NullPointerException if {@code key} is {@code null}
     */
    public boolean isLoading(final K key) {
        return inFlight(key) != null;
    }

    /** @return the name given to the constructor (a cache name) */
    public String name() {
        return name;
    }

    /** @return how long {@link Flight#await} waits at most */
    public Duration waitTimeout() {
        return Duration.ofNanos(waitTimeoutNanos);
    }

    /** @return waits for another thread's load since this was built (recursive ones not counted) */
    public long waits() {
        return waits.sum();
    }

    /** @return waits that gave up after the wait timeout */
    public long timeouts() {
        return timeouts.sum();
    }

    /**
     * What {@link SingleFlight#leadOrJoin} returns: the flight of the key, and whether the call
     * registered it (so that the calling thread leads it and must end it) or found it in progress
     * (so that the caller waits for it with {@link Flight#await}).
     *
     * @param <K> key type
     * @param <V> value type
     */
    public static final class Seat<K, V> {
        private final Flight<K, V> flight;
        private final boolean leads;

        private Seat(final Flight<K, V> flight, final boolean leads) {
            this.flight = flight;
            this.leads = leads;
        }

        /** @return the flight of the key: the one registered by the call, or the one in progress */
        public Flight<K, V> flight() {
            return flight;
        }

        /**
         * @return {@code true} if the call registered the flight and the calling thread leads it;
         *         {@code false} if the flight was already in progress, even if the calling thread
         *         leads it (its {@link Flight#await} then throws {@link RecursiveLoadException})
         */
        public boolean leads() {
            return leads;
        }
    }

    /**
     * One load of one key in progress. Obtained from {@link SingleFlight#leadOrJoin},
     * {@link SingleFlight#tryLead}, {@link SingleFlight#tryLeadDetached} or
     * {@link SingleFlight#inFlight}.
     *
     * @param <K> key type
     * @param <V> value type
     */
    public static final class Flight<K, V> {
        private final SingleFlight<K, V> owner;
        private final K key;
        private final CompletableFuture<V> future = new CompletableFuture<>();
        private volatile Thread leader;
        private volatile boolean stale;

        private Flight(final SingleFlight<K, V> owner, final K key, final Thread leader) {
            this.owner = owner;
            this.key = key;
            this.leader = leader;
        }

        /** @return the key being loaded */
        public K key() {
            return key;
        }

        /** @return the thread running the load, or {@code null} for a detached flight not yet taken over */
        public Thread leader() {
            return leader;
        }

        /** Makes the calling thread the leader of this (detached) flight; call it before loading. */
        public void takeOver() {
            leader = Thread.currentThread();
        }

        /** Marks this load's result as older than a write of the key (see the class comment). */
        public void markStale() {
            stale = true;
        }

        /** @return whether {@link #markStale()} was called */
        public boolean isStale() {
            return stale;
        }

        /** @return whether the flight has ended (completed or failed) */
        public boolean isDone() {
            return future.isDone();
        }

        /**
         * Ends the flight with a value: removes it from its {@link SingleFlight} and then releases
         * the waiters with {@code value}. For the leader; a second end has no effect.
         *
         * @param value the loaded value, or {@code null} for "none"
         */
        public void complete(final V value) {
            owner.flights.remove(key, this);
            future.complete(value);
        }

        /**
         * Ends the flight with a failure: removes it and releases the waiters, each of whom gets a
         * {@link CacheLoaderException} caused by {@code cause}. For the leader.
         *
         * @param cause what the load threw
         * @return the exception for the leader to throw: {@code cause} itself if it is a
         *         {@link CacheLoaderException}, otherwise a {@code CacheLoaderException} naming the
         *         key with {@code cause} as its cause (an {@link InterruptedException} also
         *         restores the thread's interrupt flag)
         * @throws Error {@code cause}, if it is an {@link Error}, after releasing the waiters
         */
        public CacheLoaderException fail(final Throwable cause) {
            abandon(cause);
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            if (cause instanceof CacheLoaderException) {
                return (CacheLoaderException) cause;
            }
            if (cause instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return new CacheLoaderException("loading key " + key + " into cache '" + owner.name + "' failed: " + cause, cause);
        }

        /**
         * Ends the flight with a failure as {@link #fail} does, for a leader that reports the
         * failure in its own way (or not at all): nothing is thrown or built for the leader.
         *
         * @param cause what the load threw; waiters get a {@link CacheLoaderException} caused by it
         */
        public void abandon(final Throwable cause) {
            Objects.requireNonNull(cause, "cause must not be null");
            owner.flights.remove(key, this);
            future.completeExceptionally(cause);
        }

        /**
         * Waits for this flight's result, at most the wait timeout.
         *
         * @return the value it completed with ({@code null}: none)
         * @throws RecursiveLoadException if the calling thread leads this flight
         * @throws LoadTimeoutException   if the flight did not end within the wait timeout
         * @throws CacheLoaderException   if the load failed (its exception is the cause) or the
         *                                thread was interrupted (the interrupt flag is kept)
         */
        public V await() {
            if (leader == Thread.currentThread()) {
                throw new RecursiveLoadException("recursive load of key " + key + " in cache '" + owner.name
                    + "' on thread " + Thread.currentThread().getName()
                    + ": the loader asked, directly or through other keys, for a key this thread is loading");
            }
            owner.waits.increment();
            try {
                return future.get(owner.waitTimeoutNanos, TimeUnit.NANOSECONDS);
            } catch (final TimeoutException e) {
                owner.timeouts.increment();
                throw new LoadTimeoutException("waited " + Duration.ofNanos(owner.waitTimeoutNanos)
                    + " for another thread's load of key " + key + " in cache '" + owner.name + "'; it is still running");
            } catch (final ExecutionException e) {
                final Throwable cause = e.getCause();
                throw new CacheLoaderException("another thread's load of key " + key + " into cache '" + owner.name
                    + "' failed: " + cause, cause);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CacheLoaderException("interrupted while waiting for the load of key " + key
                    + " into cache '" + owner.name + "'", e);
            }
        }
    }
}
