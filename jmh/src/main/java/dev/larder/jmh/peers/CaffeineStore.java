package dev.larder.jmh.peers;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.larder.jmh.BytesKey;
import dev.larder.jmh.StoreAdapter;

/** Caffeine, bounded by entry count (room for all entries, so nothing is evicted), default executor. */
public final class CaffeineStore implements StoreAdapter {
    private final Cache<BytesKey, byte[]> cache;
    private final BytesKey[] keys;

    /**
     * @param keys    keys to pre-wrap, or null
     * @param entries entries the benchmark holds
     */
    public CaffeineStore(final byte[][] keys, final int entries) {
        this.cache = Caffeine.newBuilder().maximumSize(entries + (entries >> 2)).build();
        this.keys = keys == null ? null : BytesKey.wrap(keys);
    }

    @Override
    public Object get(final int id) {
        return cache.getIfPresent(keys[id]);
    }

    @Override
    public void put(final int id, final byte[] value) {
        cache.put(keys[id], value);
    }

    @Override
    public void putFresh(final byte[] key, final byte[] value) {
        cache.put(new BytesKey(key), value);
    }

    @Override
    public long size() {
        return cache.estimatedSize();
    }

    @Override
    public void close() {
        cache.invalidateAll();
        cache.cleanUp();
    }
}
