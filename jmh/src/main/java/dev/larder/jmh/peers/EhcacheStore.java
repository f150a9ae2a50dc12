package dev.larder.jmh.peers;

import dev.larder.jmh.BytesKey;
import dev.larder.jmh.StoreAdapter;
import java.nio.ByteBuffer;
import org.ehcache.Cache;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.MemoryUnit;
import org.ehcache.core.statistics.TierStatistics;
import org.ehcache.core.spi.service.StatisticsService;
import org.ehcache.core.internal.statistics.DefaultStatisticsService;
import org.ehcache.spi.serialization.Serializer;

/**
 * Ehcache 3 with a single off-heap tier of the shared budget. Values are byte[] (Ehcache's
 * built-in byte[] serializer); keys are {@link BytesKey} with a 16-byte serializer, because the
 * off-heap store hashes keys with {@code hashCode()}, which for a bare byte[] is its identity.
 */
public final class EhcacheStore implements StoreAdapter {
    private static final String NAME = "larder-jmh";

    private final CacheManager manager;
    private final Cache<BytesKey, byte[]> cache;
    private final StatisticsService statistics;
    private final BytesKey[] keys;

    /**
     * @param keys   keys to pre-wrap, or null
     * @param budget off-heap tier size in bytes
     */
    public EhcacheStore(final byte[][] keys, final long budget) {
        this(keys, budget, false);
    }

    /**
     * @param keys       keys to pre-wrap, or null
     * @param budget     off-heap tier size in bytes
     * @param statistics whether to register Ehcache's statistics service (footprint only: it
     *                   exposes the tier's occupied bytes)
     */
    public EhcacheStore(final byte[][] keys, final long budget, final boolean statistics) {
        this.statistics = statistics ? new DefaultStatisticsService() : null;
        CacheManagerBuilder<CacheManager> b = CacheManagerBuilder.newCacheManagerBuilder();
        if (this.statistics != null) {
            b = b.using(this.statistics);
        }
        this.manager = b.withCache(NAME,
                CacheConfigurationBuilder.newCacheConfigurationBuilder(BytesKey.class, byte[].class,
                        ResourcePoolsBuilder.newResourcePoolsBuilder().offheap(budget >> 20, MemoryUnit.MB))
                    .withKeySerializer(new KeySerializer()))
            .build(true);
        this.cache = manager.getCache(NAME, BytesKey.class, byte[].class);
        this.keys = keys == null ? null : BytesKey.wrap(keys);
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
        cache.put(new BytesKey(key), value);
    }

    @Override
    public long size() {
        long n = 0;
        for (final Cache.Entry<BytesKey, byte[]> ignored : cache) {
            n++;
        }
        return n;
    }

    @Override
    public long reportedNativeBytes() {
        if (statistics == null) {
            return -1;
        }
        final TierStatistics tier = statistics.getCacheStatistics(NAME).getTierStatistics().get("OffHeap");
        return tier == null ? -1 : tier.getOccupiedByteSize();
    }

    @Override
    public String reportedNativeBytesSource() {
        return "Ehcache OffHeap tier occupiedByteSize";
    }

    /** @return the off-heap tier's allocated bytes, or -1 */
    public long allocatedNativeBytes() {
        if (statistics == null) {
            return -1;
        }
        final TierStatistics tier = statistics.getCacheStatistics(NAME).getTierStatistics().get("OffHeap");
        return tier == null ? -1 : tier.getAllocatedByteSize();
    }

    @Override
    public void close() {
        manager.close();
    }

    /** 16 raw bytes. */
    static final class KeySerializer implements Serializer<BytesKey> {
        @Override
        public ByteBuffer serialize(final BytesKey key) {
            return ByteBuffer.wrap(key.bytes());
        }

        @Override
        public BytesKey read(final ByteBuffer binary) {
            final byte[] b = new byte[binary.remaining()];
            binary.get(b);
            return new BytesKey(b);
        }

        @Override
        public boolean equals(final BytesKey key, final ByteBuffer binary) {
            return ByteBuffer.wrap(key.bytes()).equals(binary);
        }
    }
}
