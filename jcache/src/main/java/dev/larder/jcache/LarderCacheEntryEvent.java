package dev.larder.jcache;

import javax.cache.Cache;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.EventType;

/**
 * One JSR-107 entry event. For {@code REMOVED} and {@code EXPIRED} events both {@link #getValue()}
 * and {@link #getOldValue()} return the value the entry had; for {@code UPDATED} events the old
 * value is always available; for {@code CREATED} events there is none.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class LarderCacheEntryEvent<K, V> extends CacheEntryEvent<K, V> {

    private static final long serialVersionUID = 1L;

    private final K key;
    private final V value;
    private final V oldValue;
    private final boolean oldValueAvailable;

    LarderCacheEntryEvent(final Cache<K, V> source, final EventType type, final K key, final V value,
                          final V oldValue, final boolean oldValueAvailable) {
        super(source, type);
        this.key = key;
        this.value = value;
        this.oldValue = oldValue;
        this.oldValueAvailable = oldValueAvailable;
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
    public V getOldValue() {
        return oldValue;
    }

    @Override
    public boolean isOldValueAvailable() {
        return oldValueAvailable;
    }

    @Override
    public <T> T unwrap(final Class<T> clazz) {
        if (clazz.isInstance(this)) {
            return clazz.cast(this);
        }
        throw new IllegalArgumentException("cannot unwrap a cache entry event to " + clazz.getName());
    }

    @Override
    public String toString() {
        return "CacheEntryEvent{" + getEventType() + ", key=" + key + ", value=" + value
            + (oldValueAvailable ? ", oldValue=" + oldValue : "") + '}';
    }
}
