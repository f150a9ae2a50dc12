package dev.larder.jmh.larder;

import dev.larder.core.Cache;
import dev.larder.core.CacheOptions;
import dev.larder.core.Codecs;
import dev.larder.core.Larder;
import dev.larder.jmh.StoreAdapter;
import java.time.Duration;

/**
 * Larder with its defaults (w-tinylfu, statistics on, active expiry every 100 ms), one cache
 * with {@link Codecs#bytes()} keys and values; {@link #get} copies the value to the heap.
 */
public class LarderStore implements StoreAdapter {
    /** The cache's name. */
    public static final String CACHE_NAME = "bench";

    /** The Larder. */
    protected final Larder larder;
    /** The cache. */
    protected final Cache<byte[], byte[]> cache;
    /** Keys by id (shared, not copied). */
    protected final byte[][] keys;

    /**
     * @param keys   keys, or null
     * @param budget maxMemory in bytes
     */
    public LarderStore(final byte[][] keys, final long budget) {
        this(keys, budget, "");
    }

    /**
     * Diagnostic variants, to see what Larder's defaults cost (not part of the main comparison).
     *
     * @param keys    keys, or null
     * @param budget  maxMemory in bytes
     * @param variant a comma-separated subset of {@code noeviction} (the {@code noeviction}
     *                policy: reads never update the access word), {@code nostats}
     *                ({@code recordStats(false)}), {@code noexpiry} (no active-expiry thread),
     *                {@code full} ({@code maxEntries} = the number of keys, so the prefilled cache is
     *                exactly full and w-tinylfu builds its frequency sketch at once: every read pays
     *                the sketch increment, as in a cache that evicts), {@code presized:N}
     *                ({@code expectedEntries(N)}, as Chronicle Map is given its entry count; the
     *                benchmarks' store name {@code larder+presized} fills in N), {@code nohuge}
     *                ({@code hugePages(false)}: ordinary 4 KiB pages); empty for the defaults
     */
    public LarderStore(final byte[][] keys, final long budget, final String variant) {
        final java.util.Set<String> v = new java.util.HashSet<>(java.util.Arrays.asList(variant.split(",")));
        v.remove("");
        final Larder.Builder b = Larder.builder().maxMemory(budget);
        if (v.remove("noeviction")) {
            b.evictionPolicy("noeviction");
        }
        if (v.remove("noexpiry")) {
            b.expiryInterval(Duration.ZERO);
        }
        if (v.remove("nohuge")) {
            b.hugePages(false);
        }
        if (v.remove("full")) {
            if (keys == null) {
                throw new IllegalArgumentException("variant 'full' needs the keys (it sets maxEntries to their count)");
            }
            b.maxEntries(keys.length);
        }
        for (final String token : new java.util.ArrayList<>(v)) {
            if (token.startsWith("presized:")) {
                v.remove(token);
                b.expectedEntries(Long.parseLong(token.substring("presized:".length())));
            }
        }
        final boolean stats = !v.remove("nostats");
        if (!v.isEmpty()) {
            throw new IllegalArgumentException("unknown Larder variant(s): " + v);
        }
        this.larder = b.build();
        this.cache = larder.cache(CACHE_NAME, Codecs.bytes(), Codecs.bytes(),
            CacheOptions.defaults().recordStats(stats));
        this.keys = keys;
    }

    @Override
    public Object get(final int id) {
        return cache.get(keys[id]);
    }

    @Override
    public final void put(final int id, final byte[] value) {
        cache.put(keys[id], value);
    }

    @Override
    public final void putFresh(final byte[] key, final byte[] value) {
        cache.put(key, value);
    }

    @Override
    public final long size() {
        return cache.size();
    }

    @Override
    public final long reportedNativeBytes() {
        return larder.memoryUsed();
    }

    @Override
    public final String reportedNativeBytesSource() {
        return "Larder.memoryUsed()";
    }

    @Override
    public final void close() {
        larder.close();
    }
}
