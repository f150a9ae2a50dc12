package dev.larder.core;

/**
 * One change to one entry.
 *
 * @param type     what happened
 * @param cache    the cache's name
 * @param key      the key
 * @param value    the new value for {@code CREATED}/{@code UPDATED}; the last value otherwise
 * @param oldValue the previous value for {@code UPDATED}; {@code null} otherwise
 * @param <K>      key type
 * @param <V>      value type
 */
public record CacheEntryEvent<K, V>(Type type, String cache, K key, V value, V oldValue) {

    /** The kinds of entry event, as JSR-107's {@code EventType} plus eviction. */
    public enum Type {
        /** A new entry was stored. */
        CREATED,
        /** An existing entry got a new value. */
        UPDATED,
        /** An entry was removed by a caller. */
        REMOVED,
        /** An entry's time to live ran out and it was reclaimed. */
        EXPIRED,
        /** An entry was removed to make room. */
        EVICTED
    }
}
