package dev.larder.jmh.peers;

import dev.larder.jmh.StoreAdapter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.caffinitas.ohc.CacheSerializer;
import org.caffinitas.ohc.OHCache;
import org.caffinitas.ohc.OHCacheBuilder;

/** OHC 0.7.x, linked implementation (the default), byte[] keys and values, capacity = the shared budget. */
public final class OhcStore implements StoreAdapter {
    /** Copies byte[] in and out; OHC's own length prefix is not needed, it stores the sizes. */
    static final CacheSerializer<byte[]> BYTES = new CacheSerializer<>() {
        @Override
        public void serialize(final byte[] value, final ByteBuffer buf) {
            buf.put(value);
        }

        @Override
        public byte[] deserialize(final ByteBuffer buf) {
            final byte[] out = new byte[buf.remaining()];
            buf.get(out);
            return out;
        }

        @Override
        public int serializedSize(final byte[] value) {
            return value.length;
        }
    };

    private final OHCache<byte[], byte[]> cache;
    private final byte[][] keys;

    /**
     * @param keys   keys, or null
     * @param budget capacity in bytes
     */
    public OhcStore(final byte[][] keys, final long budget) {
        this.cache = OHCacheBuilder.<byte[], byte[]>newBuilder()
            .keySerializer(BYTES)
            .valueSerializer(BYTES)
            .capacity(budget)
            .build();
        this.keys = keys;
    }

    @Override
    public Object get(final int id) {
        return cache.get(keys[id]);
    }

    @Override
    public void put(final int id, final byte[] value) {
        cache.put(keys[id], value);
    }

    @Override
    public void putFresh(final byte[] key, final byte[] value) {
        cache.put(key, value);
    }

    @Override
    public long size() {
        return cache.size();
    }

    @Override
    public long reportedNativeBytes() {
        return cache.memUsed();
    }

    @Override
    public String reportedNativeBytesSource() {
        return "OHCache.memUsed()";
    }

    @Override
    public void close() {
        try {
            cache.close();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
