package dev.larder.jmh.peers;

import dev.larder.jmh.BytesKey;
import dev.larder.jmh.StoreAdapter;
import java.util.concurrent.ConcurrentHashMap;

/** java.util.concurrent.ConcurrentHashMap: unbounded, on-heap; the floor for any cache. */
public final class ConcurrentHashMapStore implements StoreAdapter {
    private final ConcurrentHashMap<BytesKey, byte[]> map;
    private final BytesKey[] keys;

    /**
     * @param keys    keys to pre-wrap, or null
     * @param entries expected entries (initial capacity)
     */
    public ConcurrentHashMapStore(final byte[][] keys, final int entries) {
        this.map = new ConcurrentHashMap<>(entries);
        this.keys = keys == null ? null : BytesKey.wrap(keys);
    }

    @Override
    public Object get(final int id) {
        return map.get(keys[id]);
    }

    @Override
    public void put(final int id, final byte[] value) {
        map.put(keys[id], value);
    }

    @Override
    public void putFresh(final byte[] key, final byte[] value) {
        map.put(new BytesKey(key), value);
    }

    @Override
    public long size() {
        return map.size();
    }

    @Override
    public void close() {
        map.clear();
    }
}
