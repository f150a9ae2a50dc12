package dev.larder.jcache;

import dev.larder.core.CacheOptions;
import dev.larder.core.Codec;
import dev.larder.core.Larder;
import dev.larder.core.LarderClock;
import dev.larder.core.LarderException;
import dev.larder.strategies.LoadingCache;
import dev.larder.strategies.SingleFlight;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.event.CacheEntryListenerException;
import javax.cache.event.EventType;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import javax.cache.integration.CacheLoader;
import javax.cache.integration.CacheLoaderException;
import javax.cache.integration.CacheWriter;
import javax.cache.integration.CacheWriterException;
import javax.cache.integration.CompletionListener;
import javax.cache.processor.EntryProcessor;
import javax.cache.processor.EntryProcessorException;
import javax.cache.processor.EntryProcessorResult;
import javax.cache.processor.MutableEntry;
import javax.management.ObjectName;

/**
 * A JSR-107 {@link Cache} whose entries live off the Java heap in a Larder cache.
 *
 * <h2>Design</h2>
 * Every entry is kept by value: the key is encoded by the key codec (Java serialization unless a
 * Larder codec is configured) and is the Larder key; the value is encoded by the value codec and
 * stored behind an 8-byte expiry deadline ({@link StoredValue}). Each mutating JSR-107 operation is
 * one call to Larder's per-key atomic {@code invoke}: inside it the provider sees the current
 * entry, decides with JSR-107's rules (expiry policy, conditional value checks compared with
 * {@code equals}, write-through to the {@link CacheWriter}) and stores or removes the result, so
 * the check and the change happen in one step. Statistics and entry events are produced after the
 * step, from what it observed; synchronous listeners run on the caller's thread before the
 * operation returns, asynchronous ones on a single per-cache thread, so each listener sees the
 * events of a key in order.
 *
 * <p>Expiry is decided by the provider, not by Larder's per-entry TTL, because JSR-107 needs
 * "unchanged" on access and update and a deadline chosen atomically with the value. An expired
 * entry is invisible at once; it is reclaimed (and an {@code EXPIRED} event sent) when an
 * operation or an iteration next meets it, and otherwise by Larder's eviction when memory runs short.
 *
 * <p>Read-through and write-through go through the strategies module: the JSR-107
 * {@link CacheLoader} and {@link CacheWriter} are called only through adapters to strategies'
 * {@link dev.larder.strategies.CacheLoader} and {@link dev.larder.strategies.CacheWriter} contracts
 * ({@link JsrCacheLoaderAdapter}, {@link JsrCacheWriterAdapter}), and read-through misses go through
 * strategies' {@link SingleFlight}: concurrent misses of one key in {@code get}, {@code getAll},
 * {@code loadAll} and read-through {@code invoke} share one loader call (JSR-107 allows this). The
 * thread that leads a load stores the value before it releases the others; each waiter decodes
 * its own copy. A wait lasts at most {@link LoadingCache#DEFAULT_LOAD_TIMEOUT}; a loader that asks
 * this cache for a key its own thread is loading gets a {@code CacheLoaderException} at once
 * (strategies' {@link dev.larder.strategies.RecursiveLoadException} as its cause).
 *
 * <p>The loader runs outside Larder's per-key lock for {@code get}, {@code getAll} and
 * {@code loadAll} (it may use the cache); inside {@code invoke}, a read-through load runs within the
 * atomic step (it never waits for another thread's load there, it loads by itself instead), as does
 * the writer call of every write-through operation, so a writer that fails leaves the cache
 * unchanged. Loaders and writers must therefore not call this cache from inside {@code invoke}.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class LarderJCache<K, V> implements Cache<K, V> {

    private static final long EXPIRED_NOW = Long.MIN_VALUE;
    private static final LarderClock WALL_CLOCK = System::currentTimeMillis;

    private final String name;
    private final LarderCacheManager manager;
    private final LarderConfiguration<K, V> configuration;
    private final Larder larder;
    private final boolean ownsLarder;
    private final dev.larder.core.Cache<Object, StoredValue> store;
    private final ValueBytes<V> values;
    private final ExpiryPolicy expiry;
    private final CacheLoader<K, V> loader;
    private final CacheWriter<K, V> writer;
    /** The loader through strategies' contract; {@code null} without a loader. */
    private final JsrCacheLoaderAdapter<K, V> loading;
    /** The writer through strategies' contract; {@code null} without a writer. */
    private final JsrCacheWriterAdapter<K, V> writing;
    /** One load per key at a time; flights carry the encoded value, so each waiter decodes its own copy. */
    private final SingleFlight<K, byte[]> flights;
    private final LarderClock clock;
    private final CopyOnWriteArrayList<ListenerRegistration<K, V>> listeners = new CopyOnWriteArrayList<>();
    private final LarderCacheStatistics statistics;
    private final LarderCacheMXBean configurationBean;
    private final ObjectName statisticsName;
    private final ObjectName configurationName;
    private final Object lifecycleLock = new Object();
    private ExecutorService asyncExecutor;
    private volatile boolean statisticsEnabled;
    private volatile boolean closed;

    @SuppressWarnings("unchecked")
    LarderJCache(final LarderCacheManager manager, final String name, final LarderConfiguration<K, V> configuration,
                 final Larder larder, final boolean ownsLarder) {
        this.manager = manager;
        this.name = name;
        this.configuration = configuration;
        this.larder = larder;
        this.ownsLarder = ownsLarder;
        final SerializingCodec serializing = new SerializingCodec(manager.getClassLoader());
        final Codec<Object> keyCodec = configuration.getKeyCodec() != null
            ? (Codec<Object>) configuration.getKeyCodec() : serializing;
        this.values = new ValueBytes<>(configuration.getValueCodec() != null
            ? configuration.getValueCodec() : (Codec<V>) (Codec<?>) serializing);
        this.clock = configuration.getClock() != null ? configuration.getClock() : WALL_CLOCK;
        this.expiry = configuration.getExpiryPolicyFactory().create();
        this.loader = configuration.getCacheLoaderFactory() == null ? null : configuration.getCacheLoaderFactory().create();
        this.writer = configuration.getCacheWriterFactory() == null ? null
            : (CacheWriter<K, V>) configuration.getCacheWriterFactory().create();
        this.loading = loader == null ? null : new JsrCacheLoaderAdapter<>(loader);
        this.writing = writer == null ? null : new JsrCacheWriterAdapter<>(writer);
        this.flights = new SingleFlight<>(name, LoadingCache.DEFAULT_LOAD_TIMEOUT);
        for (final CacheEntryListenerConfiguration<K, V> listener : configuration.getCacheEntryListenerConfigurations()) {
            listeners.add(new ListenerRegistration<>(listener));
        }
        this.store = larder.cache(name, keyCodec, StoredValue.StoredValueCodec.INSTANCE,
            CacheOptions.defaults().maxEntrySize(configuration.getMaxEntrySize()));
        this.statistics = new LarderCacheStatistics(() -> closed ? 0 : store.stats().evictions());
        this.configurationBean = new LarderCacheMXBean(configuration);
        final String uri = manager.getURI().toString();
        this.statisticsName = Jmx.name(Jmx.STATISTICS, uri, name);
        this.configurationName = Jmx.name(Jmx.CONFIGURATION, uri, name);
        this.statisticsEnabled = configuration.isStatisticsEnabled();
        if (configuration.isStatisticsEnabled()) {
            Jmx.register(statistics, statisticsName);
        }
        if (configuration.isManagementEnabled()) {
            Jmx.register(configurationBean, configurationName);
        }
    }

    // ------------------------------------------------------------------ helpers

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("cache '" + name + "' is closed");
        }
    }

    private void requireKey(final K key) {
        Objects.requireNonNull(key, "key must not be null");
        final Class<K> type = configuration.getKeyType();
        if (type != Object.class && !type.isInstance(key)) {
            throw new ClassCastException("key " + key + " is not a " + type.getName() + " (cache '" + name + "')");
        }
    }

    private void requireValue(final V value) {
        Objects.requireNonNull(value, "value must not be null");
        final Class<V> type = configuration.getValueType();
        if (type != Object.class && !type.isInstance(value)) {
            throw new ClassCastException("value " + value + " is not a " + type.getName() + " (cache '" + name + "')");
        }
    }

    private boolean readThrough() {
        return configuration.isReadThrough() && loader != null;
    }

    private boolean writeThrough() {
        return configuration.isWriteThrough() && writer != null;
    }

    private long now() {
        return clock.millis();
    }

    private long startTimer() {
        return statisticsEnabled ? System.nanoTime() : 0L;
    }

    private static long deadline(final Duration duration, final long now) {
        if (duration.isEternal()) {
            return StoredValue.ETERNAL;
        }
        if (duration.isZero()) {
            return EXPIRED_NOW;
        }
        final long ms = Math.max(1, duration.getTimeUnit().toMillis(duration.getDurationAmount()));
        final long at = now + ms;
        return at < now ? StoredValue.ETERNAL : at;
    }

    private long creationDeadline(final long now) {
        final Duration d;
        try {
            d = expiry.getExpiryForCreation();
        } catch (final RuntimeException e) {
            return StoredValue.ETERNAL; // JSR-107: a failing policy leaves the default, no expiry
        }
        return d == null ? StoredValue.ETERNAL : deadline(d, now);
    }

    private long updateDeadline(final StoredValue current, final long now) {
        final Duration d;
        try {
            d = expiry.getExpiryForUpdate();
        } catch (final RuntimeException e) {
            return current.expiresAt();
        }
        return d == null ? current.expiresAt() : deadline(d, now);
    }

    /** @return the access duration, or {@code null} for "unchanged" (also when the policy fails) */
    private Duration accessDuration() {
        try {
            return expiry.getExpiryForAccess();
        } catch (final RuntimeException e) {
            return null;
        }
    }

    private V decode(final StoredValue stored) {
        return decodeBytes(stored.bytes());
    }

    private V decodeBytes(final byte[] bytes) {
        try {
            return values.fromBytes(bytes);
        } catch (final LarderException e) {
            throw new CacheException(e.getMessage(), e);
        }
    }

    private byte[] encode(final V value) {
        try {
            return values.toBytes(value);
        } catch (final LarderException e) {
            throw new CacheException(e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private K decodeKey(final Object key) {
        return (K) key;
    }

    // ------------------------------------------------------------------ the atomic step

    /** What one atomic step saw and decided; read by the step's caller afterwards. */
    private final class Slot {
        final long now;
        StoredValue current;
        StoredValue expired;
        StoredValue write;
        boolean remove;
        EventType event;
        StoredValue eventOld;
        StoredValue eventNew;

        Slot(final long now) {
            this.now = now;
        }

        boolean present() {
            return current != null;
        }

        /** Stores a new entry under the creation expiry; {@code false} if it expires at once (not stored). */
        boolean create(final byte[] bytes) {
            final long at = creationDeadline(now);
            if (at <= now) {
                return false;
            }
            write = new StoredValue(at, bytes);
            remove = false;
            event = EventType.CREATED;
            eventOld = null;
            eventNew = write;
            return true;
        }

        /** Replaces the current entry's value under the update expiry. */
        void update(final byte[] bytes) {
            final long at = updateDeadline(current, now);
            if (at <= now) {
                write = null;
                remove = true;
                event = EventType.EXPIRED;
                eventOld = current;
                eventNew = current;
                return;
            }
            write = new StoredValue(at, bytes);
            remove = false;
            event = EventType.UPDATED;
            eventOld = current;
            eventNew = write;
        }

        /** Applies an access expiry to the current entry ({@code null}: unchanged). */
        void access(final Duration duration) {
            if (duration == null || current == null) {
                return;
            }
            final long at = deadline(duration, now);
            if (at <= now) {
                write = null;
                remove = true;
                event = EventType.EXPIRED;
                eventOld = current;
                eventNew = current;
            } else if (at != current.expiresAt()) {
                write = current.withExpiry(at);
            }
        }

        /** Removes the current entry. */
        void delete() {
            write = null;
            remove = true;
            event = EventType.REMOVED;
            eventOld = current;
            eventNew = current;
        }
    }

    /**
     * Runs {@code step} atomically on {@code key}'s entry, applies its decision, then publishes
     * the events it produced.
     */
    private <R> R atomically(final K key, final Function<Slot, R> step) {
        final Slot slot = new Slot(now());
        final R result;
        try {
            result = store.invoke(key, entry -> {
                StoredValue current = entry.exists() ? entry.getValue() : null;
                if (current != null && !current.isLive(slot.now)) {
                    slot.expired = current;
                    current = null;
                }
                slot.current = current;
                final R r = step.apply(slot);
                if (slot.write != null) {
                    entry.setValue(slot.write);
                } else if ((slot.remove || slot.expired != null) && entry.exists()) {
                    entry.remove();
                }
                return r;
            });
        } catch (final LarderException e) {
            // codec failures, entries above maxEntrySize, a budget that cannot be met: JSR-107 reports CacheException
            throw new CacheException(e.getMessage(), e);
        }
        publish(key, slot);
        return result;
    }

    // ------------------------------------------------------------------ events

    private void publish(final K key, final Slot slot) {
        if (listeners.isEmpty()) {
            return;
        }
        if (slot.expired != null) {
            fire(EventType.EXPIRED, key, slot.expired, slot.expired);
        }
        if (slot.event != null) {
            fire(slot.event, key, slot.eventNew, slot.eventOld);
        }
    }

    private void fire(final EventType type, final K key, final StoredValue value, final StoredValue old) {
        RuntimeException failure = null;
        for (final ListenerRegistration<K, V> registration : listeners) {
            if (!registration.handles(type)) {
                continue;
            }
            final LarderCacheEntryEvent<K, V> event = event(type, key, value, old);
            if (registration.synchronous()) {
                try {
                    registration.deliver(event);
                } catch (final RuntimeException e) {
                    if (failure == null) {
                        failure = e instanceof CacheEntryListenerException ? e : new CacheEntryListenerException(e);
                    }
                }
            } else {
                asyncExecutor().execute(() -> {
                    try {
                        registration.deliver(event);
                    } catch (final RuntimeException ignored) {
                        // an asynchronous listener's failure cannot reach the caller
                    }
                });
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private LarderCacheEntryEvent<K, V> event(final EventType type, final K key, final StoredValue value,
                                              final StoredValue old) {
        return switch (type) {
            case CREATED -> new LarderCacheEntryEvent<>(this, type, key, decode(value), null, false);
            case UPDATED -> new LarderCacheEntryEvent<>(this, type, key, decode(value), decode(old), true);
            case REMOVED, EXPIRED -> {
                final V v = decode(old);
                yield new LarderCacheEntryEvent<>(this, type, key, v, v, true);
            }
        };
    }

    private ExecutorService asyncExecutor() {
        synchronized (lifecycleLock) {
            if (asyncExecutor == null) {
                asyncExecutor = Executors.newSingleThreadExecutor(r -> {
                    final Thread t = new Thread(r, "larder-jcache-" + name);
                    t.setDaemon(true);
                    return t;
                });
            }
            return asyncExecutor;
        }
    }

    // ------------------------------------------------------------------ loader and writer

    /** Calls the loader for one key (on this thread, no flight); failures as JSR-107 {@code CacheLoaderException}. */
    private V loadOne(final K key) {
        try {
            return loading.load(key);
        } catch (final Exception e) { // a JSR-107 loader may still throw checked exceptions sneakily
            throw JsrCacheLoaderAdapter.toJsr(e);
        }
    }

    /** Waits for another thread's load; its failure, a timeout or a recursive load as a JSR-107 exception. */
    private static byte[] awaitLoad(final SingleFlight.Flight<?, byte[]> flight) {
        try {
            return flight.await();
        } catch (final dev.larder.strategies.CacheLoaderException e) {
            throw JsrCacheLoaderAdapter.toJsr(e);
        }
    }

    /**
     * A read-through miss of one key: loads it once however many threads miss it at the same time
     * (strategies' single flight), stores it if still absent and returns it. The leader stores the
     * value before it ends the flight, so a thread that misses after the flight ended finds it.
     */
    private V readThroughOne(final K key) {
        final SingleFlight.Seat<K, byte[]> seat = flights.leadOrJoin(key);
        if (seat.leads()) {
            return leadLoad(key, seat.flight());
        }
        final byte[] bytes = awaitLoad(seat.flight());
        return bytes == null ? null : decodeBytes(bytes);
    }

    private V leadLoad(final K key, final SingleFlight.Flight<K, byte[]> mine) {
        final V loaded;
        final byte[] bytes;
        try {
            // A flight may have ended between our miss and our registration, leaving its value behind.
            final StoredValue again = readLive(key);
            if (again != null) {
                mine.complete(again.bytes());
                return decode(again);
            }
            loaded = loadOne(key);
            if (loaded == null) {
                mine.complete(null);
                return null;
            }
            requireValue(loaded);
            bytes = encode(loaded);
        } catch (final RuntimeException | Error e) {
            mine.abandon(e);
            throw e;
        }
        try {
            storeLoaded(key, bytes, false);
        } finally {
            mine.complete(bytes); // the loaded value is the answer even if storing or an event failed
        }
        return loaded;
    }

    /**
     * Loads {@code keys} through single flights: one {@code loadAll} for the keys nobody else is
     * loading, whose values are stored (created if absent; {@code replace}: also updated) before
     * their flights end; then waits for the keys other threads are loading. With {@code replace},
     * keys another thread is loading are loaded again here instead (that thread only stores a
     * value if absent). Returns the values found.
     */
    private Map<K, V> readThroughMany(final Collection<K> keys, final boolean replace) {
        final Map<K, V> result = new LinkedHashMap<>();
        final Map<K, SingleFlight.Flight<K, byte[]>> mine = new LinkedHashMap<>();
        final Map<K, SingleFlight.Flight<K, byte[]>> theirs = new LinkedHashMap<>();
        final Set<K> toLoad = new LinkedHashSet<>();
        for (final K key : keys) {
            final SingleFlight.Seat<K, byte[]> seat = flights.leadOrJoin(key);
            if (seat.leads()) {
                mine.put(key, seat.flight());
                toLoad.add(key);
            } else if (replace) {
                toLoad.add(key); // loaded again here; the other thread's flight is not waited for
            } else {
                theirs.put(key, seat.flight());
            }
        }
        try {
            if (!replace) {
                // Flights that ended between our miss and our registration left their values behind.
                for (final Map.Entry<K, SingleFlight.Flight<K, byte[]>> entry : mine.entrySet()) {
                    final StoredValue again = readLive(entry.getKey());
                    if (again != null) {
                        toLoad.remove(entry.getKey());
                        entry.getValue().complete(again.bytes());
                        result.put(entry.getKey(), decode(again));
                    }
                }
            }
            if (!toLoad.isEmpty()) {
                final Map<K, V> loaded;
                try {
                    loaded = loading.loadAll(Collections.unmodifiableSet(toLoad));
                } catch (final Exception e) {
                    throw JsrCacheLoaderAdapter.toJsr(e);
                }
                for (final K key : toLoad) {
                    final V v = loaded.get(key);
                    final byte[] bytes = v == null ? null : encode(v);
                    final SingleFlight.Flight<K, byte[]> flight = mine.get(key);
                    try {
                        if (bytes != null) {
                            storeLoaded(key, bytes, replace);
                            result.put(key, v);
                        }
                    } finally {
                        if (flight != null) {
                            flight.complete(bytes);
                        }
                    }
                }
            }
        } catch (final RuntimeException | Error e) {
            for (final SingleFlight.Flight<K, byte[]> flight : mine.values()) {
                flight.abandon(e); // no effect on the flights already ended
            }
            throw e;
        }
        for (final Map.Entry<K, SingleFlight.Flight<K, byte[]>> entry : theirs.entrySet()) {
            final byte[] bytes = awaitLoad(entry.getValue());
            if (bytes != null) {
                result.put(entry.getKey(), decodeBytes(bytes));
            }
        }
        return result;
    }

    private void writeThroughOne(final K key, final V value) {
        if (!writeThrough()) {
            return;
        }
        try {
            writing.write(key, value);
        } catch (final Exception e) {
            throw JsrCacheWriterAdapter.toJsr(e);
        }
    }

    private void deleteThroughOne(final K key) {
        if (!writeThrough()) {
            return;
        }
        try {
            writing.delete(key);
        } catch (final Exception e) {
            throw JsrCacheWriterAdapter.toJsr(e);
        }
    }

    /** Stores a value that came from the loader: created if absent ({@code replace}: also updated), never written through. */
    private void storeLoaded(final K key, final byte[] bytes, final boolean replace) {
        final boolean stored = atomically(key, slot -> {
            if (!slot.present()) {
                return slot.create(bytes);
            }
            if (replace) {
                slot.update(bytes);
                return true;
            }
            return false;
        });
        if (stored && statisticsEnabled) {
            statistics.put();
        }
    }

    // ------------------------------------------------------------------ reads

    @Override
    public V get(final K key) {
        requireOpen();
        requireKey(key);
        final long start = startTimer();
        final V v = getOne(key);
        if (statisticsEnabled) {
            statistics.getTime(System.nanoTime() - start);
        }
        return v;
    }

    private V getOne(final K key) {
        final StoredValue found = readLive(key);
        if (found != null) {
            if (statisticsEnabled) {
                statistics.hit();
            }
            touch(key, found);
            return decode(found);
        }
        if (statisticsEnabled) {
            statistics.miss();
        }
        if (!readThrough()) {
            return null;
        }
        return readThroughOne(key);
    }

    /** A lock-free read; an expired entry found is reclaimed (with its event) and reported as absent. */
    private StoredValue readLive(final K key) {
        final StoredValue found;
        try {
            found = store.get(key);
        } catch (final LarderException e) {
            throw new CacheException(e.getMessage(), e);
        }
        if (found == null) {
            return null;
        }
        if (found.isLive(now())) {
            return found;
        }
        atomically(key, slot -> null); // reclaims it if it is still the expired entry
        return null;
    }

    /** Applies the access expiry to the entry just read, if it is still the same entry. */
    private void touch(final K key, final StoredValue read) {
        final Duration duration = accessDuration();
        if (duration == null) {
            return;
        }
        atomically(key, slot -> {
            if (slot.present() && slot.current.expiresAt() == read.expiresAt()
                && Arrays.equals(slot.current.bytes(), read.bytes())) {
                slot.access(duration);
            }
            return null;
        });
    }

    @Override
    public Map<K, V> getAll(final Set<? extends K> keys) {
        requireOpen();
        Objects.requireNonNull(keys, "keys must not be null");
        for (final K key : keys) {
            requireKey(key);
        }
        final long start = startTimer();
        final Map<K, V> result = new LinkedHashMap<>();
        final List<K> missing = new ArrayList<>();
        for (final K key : keys) {
            final StoredValue found = readLive(key);
            if (found != null) {
                if (statisticsEnabled) {
                    statistics.hit();
                }
                touch(key, found);
                result.put(key, decode(found));
            } else {
                if (statisticsEnabled) {
                    statistics.miss();
                }
                missing.add(key);
            }
        }
        if (!missing.isEmpty() && readThrough()) {
            result.putAll(readThroughMany(missing, false));
        }
        if (statisticsEnabled) {
            statistics.getTime(System.nanoTime() - start);
        }
        return result;
    }

    @Override
    public boolean containsKey(final K key) {
        requireOpen();
        requireKey(key);
        return readLive(key) != null;
    }

    @Override
    public void loadAll(final Set<? extends K> keys, final boolean replaceExistingValues,
                        final CompletionListener completionListener) {
        requireOpen();
        Objects.requireNonNull(keys, "keys must not be null");
        for (final K key : keys) {
            Objects.requireNonNull(key, "keys must not contain null");
        }
        if (!readThrough() && loader == null) {
            if (completionListener != null) {
                completionListener.onCompletion();
            }
            return;
        }
        final List<K> snapshot = new ArrayList<>(keys);
        asyncExecutor().execute(() -> {
            try {
                final List<K> toLoad = new ArrayList<>();
                for (final K key : snapshot) {
                    if (replaceExistingValues || readLive(key) == null) {
                        toLoad.add(key);
                    }
                }
                if (!toLoad.isEmpty()) {
                    readThroughMany(toLoad, replaceExistingValues);
                }
                if (completionListener != null) {
                    completionListener.onCompletion();
                }
            } catch (final Exception e) {
                if (completionListener != null) {
                    completionListener.onException(e instanceof CacheLoaderException ? e : new CacheLoaderException(e));
                }
            }
        });
    }

    // ------------------------------------------------------------------ writes

    @Override
    public void put(final K key, final V value) {
        requireOpen();
        requireKey(key);
        requireValue(value);
        final long start = startTimer();
        final byte[] bytes = encode(value);
        final boolean stored = atomically(key, slot -> {
            writeThroughOne(key, value);
            if (slot.present()) {
                slot.update(bytes);
                return true;
            }
            return slot.create(bytes);
        });
        if (statisticsEnabled) {
            if (stored) {
                statistics.put();
            }
            statistics.putTime(System.nanoTime() - start);
        }
    }

    @Override
    public V getAndPut(final K key, final V value) {
        requireOpen();
        requireKey(key);
        requireValue(value);
        final long start = startTimer();
        final byte[] bytes = encode(value);
        final StoredValue[] old = new StoredValue[1];
        final boolean stored = atomically(key, slot -> {
            writeThroughOne(key, value);
            old[0] = slot.current;
            if (slot.present()) {
                slot.update(bytes);
                return true;
            }
            return slot.create(bytes);
        });
        if (statisticsEnabled) {
            final long elapsed = System.nanoTime() - start;
            if (old[0] != null) {
                statistics.hit();
            } else {
                statistics.miss();
            }
            if (stored) {
                statistics.put();
            }
            statistics.getTime(elapsed);
            statistics.putTime(elapsed);
        }
        return old[0] == null ? null : decode(old[0]);
    }

    @Override
    public void putAll(final Map<? extends K, ? extends V> map) {
        requireOpen();
        Objects.requireNonNull(map, "map must not be null");
        for (final Map.Entry<? extends K, ? extends V> e : map.entrySet()) {
            requireKey(e.getKey());
            requireValue(e.getValue());
        }
        final long start = startTimer();
        final Map<K, V> toStore = new LinkedHashMap<>(map);
        CacheWriterException failure = null;
        if (writeThrough()) {
            final Collection<Map.Entry<K, V>> batch = new ArrayList<>(toStore.size());
            for (final Map.Entry<K, V> e : toStore.entrySet()) {
                batch.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), e.getValue()));
            }
            try {
                writing.writeAll(batch);
            } catch (final Exception e) {
                failure = JsrCacheWriterAdapter.toJsr(e);
            }
            if (failure != null) {
                // JSR-107 and strategies alike: entries the writer did not apply stay in the batch and are not stored
                for (final Map.Entry<K, V> left : batch) {
                    toStore.remove(left.getKey());
                }
            }
        }
        long stored = 0;
        for (final Map.Entry<K, V> e : toStore.entrySet()) {
            final byte[] bytes = encode(e.getValue());
            final boolean s = atomically(e.getKey(), slot -> {
                if (slot.present()) {
                    slot.update(bytes);
                    return true;
                }
                return slot.create(bytes);
            });
            if (s) {
                stored++;
            }
        }
        if (statisticsEnabled) {
            statistics.puts(stored);
            statistics.putTime(System.nanoTime() - start);
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public boolean putIfAbsent(final K key, final V value) {
        requireOpen();
        requireKey(key);
        requireValue(value);
        final long start = startTimer();
        final byte[] bytes = encode(value);
        final int[] outcome = new int[1]; // 0: present, 1: stored, 2: absent but expired at creation
        atomically(key, slot -> {
            if (slot.present()) {
                return null;
            }
            writeThroughOne(key, value);
            outcome[0] = slot.create(bytes) ? 1 : 2;
            return null;
        });
        if (statisticsEnabled) {
            if (outcome[0] == 0) {
                statistics.hit();
            } else {
                statistics.miss();
                if (outcome[0] == 1) {
                    statistics.put();
                }
            }
            statistics.putTime(System.nanoTime() - start);
        }
        return outcome[0] != 0;
    }

    @Override
    public boolean remove(final K key) {
        requireOpen();
        requireKey(key);
        final long start = startTimer();
        final boolean removed = atomically(key, slot -> {
            deleteThroughOne(key);
            if (slot.present()) {
                slot.delete();
                return true;
            }
            return false;
        });
        if (statisticsEnabled) {
            if (removed) {
                statistics.removal();
            }
            statistics.removeTime(System.nanoTime() - start);
        }
        return removed;
    }

    @Override
    public boolean remove(final K key, final V oldValue) {
        requireOpen();
        requireKey(key);
        requireValue(oldValue);
        final long start = startTimer();
        final int outcome = ifEquals(key, oldValue, slot -> {
            deleteThroughOne(key);
            slot.delete();
        });
        if (statisticsEnabled) {
            recordIfEquals(outcome, statistics::removal);
            statistics.removeTime(System.nanoTime() - start);
        }
        return outcome == CHANGED;
    }

    /** {@link #ifEquals} outcomes. */
    private static final int ABSENT = 0;
    private static final int DIFFERENT = 1;
    private static final int CHANGED = 2;

    /**
     * The atomic step of {@code remove(k, v)} and {@code replace(k, old, new)}: if the key is
     * present with a value equal to {@code expected}, runs {@code change} on it; if present with
     * another value, that counts as an access.
     *
     * @return {@link #ABSENT}, {@link #DIFFERENT} or {@link #CHANGED}
     */
    private int ifEquals(final K key, final V expected, final Consumer<Slot> change) {
        final int[] outcome = {ABSENT};
        atomically(key, slot -> {
            if (!slot.present()) {
                return null;
            }
            if (!expected.equals(decode(slot.current))) {
                outcome[0] = DIFFERENT;
                slot.access(accessDuration());
                return null;
            }
            change.accept(slot);
            outcome[0] = CHANGED;
            return null;
        });
        return outcome[0];
    }

    /** Statistics of an {@link #ifEquals} outcome: a miss when absent, else a hit, and {@code changed} when changed. */
    private void recordIfEquals(final int outcome, final Runnable changed) {
        if (outcome == ABSENT) {
            statistics.miss();
            return;
        }
        statistics.hit();
        if (outcome == CHANGED) {
            changed.run();
        }
    }

    @Override
    public V getAndRemove(final K key) {
        requireOpen();
        requireKey(key);
        final long start = startTimer();
        final StoredValue[] old = new StoredValue[1];
        atomically(key, slot -> {
            deleteThroughOne(key);
            old[0] = slot.current;
            if (slot.present()) {
                slot.delete();
            }
            return null;
        });
        if (statisticsEnabled) {
            final long elapsed = System.nanoTime() - start;
            if (old[0] != null) {
                statistics.hit();
                statistics.removal();
            } else {
                statistics.miss();
            }
            statistics.getTime(elapsed);
            statistics.removeTime(elapsed);
        }
        return old[0] == null ? null : decode(old[0]);
    }

    @Override
    public boolean replace(final K key, final V oldValue, final V newValue) {
        requireOpen();
        requireKey(key);
        requireValue(oldValue);
        requireValue(newValue);
        final long start = startTimer();
        final byte[] bytes = encode(newValue);
        final int outcome = ifEquals(key, oldValue, slot -> {
            writeThroughOne(key, newValue);
            slot.update(bytes);
        });
        if (statisticsEnabled) {
            recordIfEquals(outcome, statistics::put);
            statistics.putTime(System.nanoTime() - start);
        }
        return outcome == CHANGED;
    }

    @Override
    public boolean replace(final K key, final V value) {
        requireOpen();
        requireKey(key);
        requireValue(value);
        return getAndReplaceInternal(key, value) != null;
    }

    @Override
    public V getAndReplace(final K key, final V value) {
        requireOpen();
        requireKey(key);
        requireValue(value);
        final StoredValue old = getAndReplaceInternal(key, value);
        return old == null ? null : decode(old);
    }

    private StoredValue getAndReplaceInternal(final K key, final V value) {
        final long start = startTimer();
        final byte[] bytes = encode(value);
        final StoredValue[] old = new StoredValue[1];
        atomically(key, slot -> {
            if (!slot.present()) {
                return null;
            }
            writeThroughOne(key, value);
            old[0] = slot.current;
            slot.update(bytes);
            return null;
        });
        if (statisticsEnabled) {
            if (old[0] != null) {
                statistics.hit();
                statistics.put();
            } else {
                statistics.miss();
            }
            statistics.putTime(System.nanoTime() - start);
        }
        return old[0];
    }

    @Override
    public void removeAll(final Set<? extends K> keys) {
        requireOpen();
        Objects.requireNonNull(keys, "keys must not be null");
        for (final K key : keys) {
            requireKey(key);
        }
        removeKeys(new LinkedHashSet<>(keys));
    }

    @Override
    public void removeAll() {
        requireOpen();
        final Set<K> keys = new LinkedHashSet<>();
        for (final dev.larder.core.Cache.Entry<Object, StoredValue> e : store) {
            keys.add(decodeKey(e.getKey()));
        }
        removeKeys(keys);
    }

    private void removeKeys(final Set<K> keys) {
        final long start = startTimer();
        final Set<K> toRemove = new LinkedHashSet<>(keys);
        CacheWriterException failure = null;
        if (writeThrough() && !toRemove.isEmpty()) {
            final Collection<K> batch = new ArrayList<>(toRemove);
            try {
                writing.deleteAll(batch);
            } catch (final Exception e) {
                failure = JsrCacheWriterAdapter.toJsr(e);
            }
            if (failure != null) {
                toRemove.removeAll(new HashSet<>(batch)); // what the writer could not delete stays
            }
        }
        long removed = 0;
        for (final K key : toRemove) {
            final boolean r = atomically(key, slot -> {
                if (slot.present()) {
                    slot.delete();
                    return true;
                }
                return false;
            });
            if (r) {
                removed++;
            }
        }
        if (statisticsEnabled) {
            statistics.removals(removed);
            statistics.removeTime(System.nanoTime() - start);
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void clear() {
        requireOpen();
        store.clear();
    }

    // ------------------------------------------------------------------ entry processors

    @Override
    public <T> T invoke(final K key, final EntryProcessor<K, V, T> entryProcessor, final Object... arguments)
        throws EntryProcessorException {
        requireOpen();
        requireKey(key);
        Objects.requireNonNull(entryProcessor, "entry processor must not be null");
        final long start = startTimer();
        final List<ProcessorEntry> seen = new ArrayList<>(1);
        final T result;
        try {
            result = atomically(key, slot -> {
                final ProcessorEntry entry = new ProcessorEntry(key, slot);
                seen.add(entry);
                final T r;
                try {
                    r = entryProcessor.process(entry, arguments);
                } catch (final Throwable t) {
                    throw t instanceof EntryProcessorException epe ? epe : new EntryProcessorException(t);
                }
                entry.commit();
                return r;
            });
        } catch (final EntryProcessorException e) {
            throw e;
        } catch (final RuntimeException e) {
            throw new EntryProcessorException(e);
        } finally {
            if (!seen.isEmpty()) {
                seen.get(0).endFlight();
            }
        }
        if (statisticsEnabled && !seen.isEmpty()) {
            seen.get(0).record(start);
        }
        return result;
    }

    @Override
    public <T> Map<K, EntryProcessorResult<T>> invokeAll(final Set<? extends K> keys,
                                                         final EntryProcessor<K, V, T> entryProcessor,
                                                         final Object... arguments) {
        requireOpen();
        Objects.requireNonNull(keys, "keys must not be null");
        Objects.requireNonNull(entryProcessor, "entry processor must not be null");
        for (final K key : keys) {
            requireKey(key);
        }
        final Map<K, EntryProcessorResult<T>> results = new HashMap<>();
        for (final K key : keys) {
            try {
                final T r = invoke(key, entryProcessor, arguments);
                if (r != null) {
                    results.put(key, () -> r);
                }
            } catch (final EntryProcessorException e) {
                results.put(key, () -> {
                    throw e;
                });
            }
        }
        return results;
    }

    /** The JSR-107 {@link MutableEntry} of one {@code invoke}: changes apply when the processor returns. */
    private final class ProcessorEntry implements MutableEntry<K, V> {
        private static final int NONE = 0;
        private static final int ACCESS = 1;
        private static final int LOADED = 2;
        private static final int SET = 3;
        private static final int REMOVE = 4;

        private final K key;
        private final Slot slot;
        private final boolean existed;
        private V value;
        private boolean valueKnown;
        private int operation = NONE;
        private boolean hit;
        private boolean stored;
        private boolean removed;
        /** The flight this entry's read-through load leads, ended after the atomic step; or {@code null}. */
        private SingleFlight.Flight<K, byte[]> flight;
        private byte[] loadedBytes;

        ProcessorEntry(final K key, final Slot slot) {
            this.key = key;
            this.slot = slot;
            this.existed = slot.present();
        }

        @Override
        public K getKey() {
            return key;
        }

        @Override
        public V getValue() {
            if (!valueKnown) {
                valueKnown = true;
                if (existed) {
                    value = decode(slot.current);
                    if (operation == NONE) {
                        operation = ACCESS;
                    }
                } else if (readThrough()) {
                    load();
                }
            }
            return value;
        }

        /**
         * Read-through inside the atomic step. Concurrent misses of the key elsewhere share this
         * load if no other load of the key is in flight; if one is, this loads on its own rather
         * than wait for it, because this thread holds the key's lock, which that load's leader
         * needs to store its value.
         */
        private void load() {
            final SingleFlight.Flight<K, byte[]> led = flights.tryLead(key);
            try {
                value = loadOne(key);
                if (value != null) {
                    requireValue(value);
                    loadedBytes = encode(value);
                    operation = LOADED;
                }
            } catch (final RuntimeException | Error e) {
                if (led != null) {
                    led.abandon(e);
                }
                throw e;
            }
            flight = led;
        }

        /** Releases the threads waiting for this entry's load, once the step has stored (or not) the value. */
        void endFlight() {
            if (flight != null) {
                flight.complete(loadedBytes);
                flight = null;
            }
        }

        @Override
        public boolean exists() {
            return valueKnown ? value != null : existed;
        }

        @Override
        public void remove() {
            value = null;
            valueKnown = true;
            // created (or loaded) and removed in one call: nothing happened; otherwise a removal,
            // written through even when there was no entry (JSR-107 deletes through regardless)
            operation = operation == LOADED || (operation == SET && !existed) ? NONE : REMOVE;
        }

        @Override
        public void setValue(final V newValue) {
            requireValue(newValue);
            value = newValue;
            valueKnown = true;
            operation = SET;
        }

        @Override
        public <T> T unwrap(final Class<T> clazz) {
            if (clazz.isInstance(this)) {
                return clazz.cast(this);
            }
            throw new IllegalArgumentException("cannot unwrap a mutable entry to " + clazz.getName());
        }

        /** Applies the processor's net change to the slot (inside the atomic step). */
        void commit() {
            hit = existed;
            switch (operation) {
                case ACCESS -> slot.access(accessDuration());
                case LOADED -> stored = slot.create(loadedBytes);
                case SET -> {
                    writeThroughOne(key, value);
                    final byte[] bytes = encode(value);
                    if (existed) {
                        slot.update(bytes);
                        stored = true;
                    } else {
                        stored = slot.create(bytes);
                    }
                }
                case REMOVE -> {
                    deleteThroughOne(key);
                    if (existed) {
                        slot.delete();
                        removed = true;
                    }
                }
                default -> {
                    // the processor only looked (or did nothing)
                }
            }
        }

        void record(final long start) {
            final long elapsed = System.nanoTime() - start;
            if (hit) {
                statistics.hit();
            } else {
                statistics.miss();
            }
            statistics.getTime(elapsed);
            if (stored) {
                statistics.put();
                statistics.putTime(elapsed);
            }
            if (removed) {
                statistics.removal();
                statistics.removeTime(elapsed);
            }
        }
    }

    // ------------------------------------------------------------------ iteration

    @Override
    public Iterator<Cache.Entry<K, V>> iterator() {
        requireOpen();
        return new EntryIterator();
    }

    /** Weakly consistent iteration over live entries; each entry returned counts as an access. */
    private final class EntryIterator implements Iterator<Cache.Entry<K, V>> {
        private final Iterator<dev.larder.core.Cache.Entry<Object, StoredValue>> source = store.iterator();
        private LarderCacheEntry<K, V> next;
        private LarderCacheEntry<K, V> last;

        @Override
        public boolean hasNext() {
            requireOpen();
            while (next == null && source.hasNext()) {
                final dev.larder.core.Cache.Entry<Object, StoredValue> e = source.next();
                final K key = decodeKey(e.getKey());
                final StoredValue stored = e.getValue();
                if (stored.isLive(now())) {
                    next = new LarderCacheEntry<>(key, decode(stored));
                    if (statisticsEnabled) {
                        statistics.hit();
                    }
                    touch(key, stored);
                } else {
                    atomically(key, slot -> null); // reclaim the expired entry
                }
            }
            return next != null;
        }

        @Override
        public Cache.Entry<K, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            last = next;
            next = null;
            return last;
        }

        @Override
        public void remove() {
            requireOpen();
            if (last == null) {
                throw new IllegalStateException("next() has not been called, or remove() was already called");
            }
            final K key = last.getKey();
            last = null;
            LarderJCache.this.remove(key);
        }
    }

    // ------------------------------------------------------------------ listeners

    @Override
    public void registerCacheEntryListener(final CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        requireOpen();
        Objects.requireNonNull(listenerConfiguration, "listener configuration must not be null");
        synchronized (lifecycleLock) {
            configuration.addCacheEntryListenerConfiguration(listenerConfiguration); // rejects duplicates
            listeners.add(new ListenerRegistration<>(listenerConfiguration));
        }
    }

    @Override
    public void deregisterCacheEntryListener(final CacheEntryListenerConfiguration<K, V> listenerConfiguration) {
        requireOpen();
        Objects.requireNonNull(listenerConfiguration, "listener configuration must not be null");
        synchronized (lifecycleLock) {
            configuration.removeCacheEntryListenerConfiguration(listenerConfiguration);
            for (final ListenerRegistration<K, V> registration : listeners) {
                if (registration.configuration.equals(listenerConfiguration)) {
                    listeners.remove(registration);
                    registration.close();
                }
            }
        }
    }

    // ------------------------------------------------------------------ the rest of the contract

    @Override
    public String getName() {
        return name;
    }

    @Override
    public CacheManager getCacheManager() {
        return manager;
    }

    @Override
    public <C extends Configuration<K, V>> C getConfiguration(final Class<C> clazz) {
        Objects.requireNonNull(clazz, "class must not be null");
        final LarderConfiguration<K, V> copy = new LarderConfiguration<>(configuration);
        if (clazz.isInstance(copy)) {
            return clazz.cast(copy);
        }
        throw new IllegalArgumentException("the configuration of cache '" + name + "' is not a " + clazz.getName());
    }

    /**
     * Returns this cache as {@code clazz}: {@code LarderJCache} (or any interface it implements),
     * {@code dev.larder.core.Cache} (the Larder cache holding the entries: keys as configured,
     * values as {@link StoredValue}), or {@link Larder} (the off-heap store it lives in).
     */
    @Override
    public <T> T unwrap(final Class<T> clazz) {
        Objects.requireNonNull(clazz, "class must not be null");
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        if (clazz.isInstance(store)) {
            return clazz.cast(store);
        }
        if (clazz == Larder.class) {
            return clazz.cast(larder);
        }
        throw new IllegalArgumentException("cache '" + name + "' cannot be unwrapped to " + clazz.getName());
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes this cache: its manager no longer returns it, and its entries are dropped with its
     * Larder cache (a local cache has no other copy of them), so the name can be created again.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        manager.release(this);
        shutdown(false); // if the manager is closing it already, this is a no-op or its own shutdown
    }

    /**
     * Releases everything this cache holds. {@code destroyStoreCache}: also destroy the Larder cache
     * (entries and name) when the store outlives this cache, i.e. it is the manager's shared store;
     * a store of the cache's own is simply closed.
     */
    void shutdown(final boolean destroyStoreCache) {
        synchronized (lifecycleLock) {
            if (closed) {
                return;
            }
            closed = true;
            RuntimeException failure = null;
            if (destroyStoreCache && !ownsLarder && !larder.isClosed()) {
                try {
                    larder.destroyCache(name);
                } catch (final RuntimeException e) {
                    failure = e; // finish releasing the rest first
                }
            }
            Jmx.unregister(statisticsName);
            Jmx.unregister(configurationName);
            if (asyncExecutor != null) {
                asyncExecutor.shutdown();
                try {
                    asyncExecutor.awaitTermination(5, TimeUnit.SECONDS);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            for (final ListenerRegistration<K, V> registration : listeners) {
                registration.close();
            }
            ListenerRegistration.closeQuietly(loader);
            ListenerRegistration.closeQuietly(writer);
            ListenerRegistration.closeQuietly(expiry);
            if (ownsLarder) {
                larder.close();
            }
            if (failure != null) {
                throw failure instanceof CacheException ? failure
                    : new CacheException("cannot destroy the Larder cache of '" + name + "': " + failure, failure);
            }
        }
    }

    void setStatisticsEnabled(final boolean enabled) {
        synchronized (lifecycleLock) {
            configuration.setStatisticsEnabled(enabled);
            statisticsEnabled = enabled;
            if (closed) {
                return;
            }
            if (enabled) {
                Jmx.register(statistics, statisticsName);
            } else {
                Jmx.unregister(statisticsName);
            }
        }
    }

    void setManagementEnabled(final boolean enabled) {
        synchronized (lifecycleLock) {
            configuration.setManagementEnabled(enabled);
            if (closed) {
                return;
            }
            if (enabled) {
                Jmx.register(configurationBean, configurationName);
            } else {
                Jmx.unregister(configurationName);
            }
        }
    }

    /** @return this cache's statistics (counted only while statistics are enabled) */
    public LarderCacheStatistics statistics() {
        return statistics;
    }

    @Override
    public String toString() {
        return "LarderJCache{" + name + ", manager=" + manager.getURI() + '}';
    }
}
