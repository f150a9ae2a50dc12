package dev.larder.core;

/**
 * Receives a cache's entry events: created, updated, removed, expired, evicted.
 *
 * <p>Called synchronously on the thread that caused the event (for expiry and eviction, the thread
 * that noticed or performed it), after the change is visible to other threads. An exception thrown
 * by a listener is caught and does not undo the change.
 *
 * @param <K> key type
 * @param <V> value type
 */
@FunctionalInterface
public interface CacheEntryListener<K, V> {

    /**
     * @param event what happened
     */
    void onEvent(CacheEntryEvent<K, V> event);
}
