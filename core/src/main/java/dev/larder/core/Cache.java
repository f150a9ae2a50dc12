package dev.larder.core;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * A named cache inside a {@link Larder}: keys and values live off the Java heap, encoded by the
 * cache's codecs.
 *
 * <p>Method names follow JSR-107 ({@code javax.cache.Cache}); the per-entry time operations
 * follow Redis ({@code EXPIRE}, {@code TTL}, {@code PERSIST}).
 *
 * <p>Every single-key operation is atomic and linearizable. Reads never take a lock. Bulk
 * operations ({@code getAll}, {@code putAll}, {@code removeAll}) are a sequence of single-key
 * operations, not one atomic step. Iteration is weakly consistent: it never throws
 * {@link java.util.ConcurrentModificationException}, sees every entry that was present for the
 * whole iteration, and may or may not see entries added or removed while it runs.
 *
 * <p>{@code null} keys and values are rejected with {@link NullPointerException}. An expired
 * entry is never returned by any operation.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface Cache<K, V> extends Iterable<Cache.Entry<K, V>> {

    /** What {@link #ttl(Object)} returns for an entry that never expires. */
    Duration FOREVER = ChronoUnit.FOREVER.getDuration();

    /** @return this cache's name, unique within its Larder */
    String name();

    /**
     * @param key the key
     * @return the value, or {@code null} if absent or expired
     */
    V get(K key);

    /**
     * Reads a value without copying it to the heap: {@code reader} sees the stored bytes in place.
     * Allocates nothing when the key codec and the reader allocate nothing.
     *
     * @param key    the key
     * @param reader called once with a view of the value's bytes, if present
     * @param <R>    the reader's result type
     * @return the reader's result, or {@code null} if the key is absent or expired
     */
    <R> R read(K key, ValueReader<R> reader);

    /**
     * @param keys the keys to look up
     * @return the present entries among {@code keys}; absent keys have no mapping
     */
    Map<K, V> getAll(Set<? extends K> keys);

    /**
     * @param key the key
     * @return whether an unexpired entry exists
     */
    boolean containsKey(K key);

    /**
     * Stores a value under the cache's default expiry.
     *
     * @param key   the key
     * @param value the value
     */
    void put(K key, V value);

    /**
     * Stores a value that expires after {@code ttl}, whatever the cache's default.
     *
     * @param key   the key
     * @param value the value
     * @param ttl   time to live, strictly positive
     */
    void put(K key, V value, Duration ttl);

    /**
     * @param entries the entries to store, one {@link #put} each
     */
    void putAll(Map<? extends K, ? extends V> entries);

    /**
     * @param key   the key
     * @param value the value
     * @return {@code true} if stored, {@code false} if a value was already present
     */
    boolean putIfAbsent(K key, V value);

    /**
     * @param key   the key
     * @param value the new value
     * @return the previous value, or {@code null}
     */
    V getAndPut(K key, V value);

    /**
     * @param key the key
     * @return {@code true} if an entry was removed
     */
    boolean remove(K key);

    /**
     * Removes the entry only if its value currently equals {@code value} (compared by encoded bytes).
     *
     * @param key   the key
     * @param value the expected value
     * @return {@code true} if removed
     */
    boolean remove(K key, V value);

    /**
     * @param key the key
     * @return the removed value, or {@code null}
     */
    V getAndRemove(K key);

    /**
     * @param key   the key
     * @param value the new value
     * @return {@code true} if a value was present and replaced
     */
    boolean replace(K key, V value);

    /**
     * @param key      the key
     * @param oldValue the expected current value (compared by encoded bytes)
     * @param newValue the new value
     * @return {@code true} if replaced
     */
    boolean replace(K key, V oldValue, V newValue);

    /**
     * @param key   the key
     * @param value the new value
     * @return the previous value if one was present and replaced, otherwise {@code null}
     */
    V getAndReplace(K key, V value);

    /**
     * @param keys the keys to remove, one {@link #remove(Object)} each
     */
    void removeAll(Set<? extends K> keys);

    /** Removes every entry, notifying listeners of each removal. */
    void removeAll();

    /** Removes every entry without notifying listeners. */
    void clear();

    /**
     * Atomically computes a new value for {@code key}: {@code function} gets the current value (or
     * {@code null}) and returns the new value, or {@code null} to remove the entry. The function
     * runs exactly once, while other writers of the same key wait; readers are never blocked and
     * see the old value until the new one is in place. The function must not modify this Larder.
     *
     * @param key      the key
     * @param function the remapping function
     * @return the new value, or {@code null} if the entry is now absent
     */
    V compute(K key, BiFunction<? super K, ? super V, ? extends V> function);

    /**
     * Atomically runs {@code processor} on the entry for {@code key}, JSR-107 style.
     *
     * @param key       the key
     * @param processor the processor; runs exactly once with the same guarantees as {@link #compute}
     * @param <T>       the processor's result type
     * @return what the processor returned
     */
    <T> T invoke(K key, EntryProcessor<K, V, T> processor);

    /**
     * @return the number of entries, including ones that have expired but not yet been reclaimed
     */
    long size();

    /**
     * Sets a time to live on an existing entry (Redis {@code EXPIRE}).
     *
     * @param key the key
     * @param ttl time to live, strictly positive
     * @return {@code true} if the entry exists
     */
    boolean expire(K key, Duration ttl);

    /**
     * @param key the key
     * @return the remaining time to live, {@link #FOREVER} if the entry never expires, or
     *         {@code null} if it is absent
     */
    Duration ttl(K key);

    /**
     * Removes the time to live of an entry (Redis {@code PERSIST}).
     *
     * @param key the key
     * @return {@code true} if the entry existed and had a time to live
     */
    boolean persist(K key);

    /**
     * Weakly consistent iteration over the present entries; {@code Iterator.remove} is supported.
     *
     * @return an iterator of entry snapshots
     */
    @Override
    Iterator<Entry<K, V>> iterator();

    /** @return a snapshot of this cache's statistics */
    CacheStats stats();

    /**
     * Registers a listener for this cache's entry events. Listeners run synchronously on the thread
     * that caused the event, after the change is visible.
     *
     * @param listener the listener
     */
    void registerListener(CacheEntryListener<? super K, ? super V> listener);

    /**
     * @param listener a listener previously registered
     * @return {@code true} if it was registered
     */
    boolean deregisterListener(CacheEntryListener<? super K, ? super V> listener);

    /** @return the options this cache was created with */
    CacheOptions options();

    /**
     * A key-value pair read from the cache (a snapshot, not a live view).
     *
     * @param <K> key type
     * @param <V> value type
     */
    interface Entry<K, V> {
        /** @return the key */
        K getKey();

        /** @return the value at the time the entry was read */
        V getValue();
    }

    /**
     * The entry an {@link EntryProcessor} works on.
     *
     * @param <K> key type
     * @param <V> value type
     */
    interface MutableEntry<K, V> extends Entry<K, V> {
        /** @return whether the entry exists */
        boolean exists();

        /**
         * @param value the value to store when the processor returns
         */
        void setValue(V value);

        /** Removes the entry when the processor returns. */
        void remove();
    }

    /**
     * Atomic per-entry logic, as JSR-107's {@code javax.cache.processor.EntryProcessor}.
     *
     * @param <K> key type
     * @param <V> value type
     * @param <T> result type
     */
    @FunctionalInterface
    interface EntryProcessor<K, V, T> {
        /**
         * @param entry the entry, changes to which are applied atomically when this returns
         * @return the result given back to the caller of {@code invoke}
         */
        T process(MutableEntry<K, V> entry);
    }
}
