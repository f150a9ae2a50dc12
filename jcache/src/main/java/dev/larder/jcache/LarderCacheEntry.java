package dev.larder.jcache;

import javax.cache.Cache;

/**
 * An entry handed out by {@link LarderJCache#iterator()}: a copy of the key and value decoded from
 * off-heap memory at the time it was read.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class LarderCacheEntry<K, V> implements Cache.Entry<K, V> {

    private final K key;
    private final V value;

    LarderCacheEntry(final K key, final V value) {
        this.key = key;
        this.value = value;
    }

    @Override
    public K getKey() {
        return key;
    }

    @Override
    public V getValue() {
        return value;
    }

    @Override
    public <T> T unwrap(final Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException("cannot unwrap a cache entry to " + clazz.getName());
    }

    @Override
    public String toString() {
        return key + "=" + value;
    }
}
