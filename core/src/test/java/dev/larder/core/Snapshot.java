package dev.larder.core;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Everything observable about a cache that a rejected operation must leave alone: every entry with
 * its value and remaining time to live, the size, and the Larder's native memory in use.
 * Values are compared through {@code valueKey} so byte arrays compare by content.
 */
final class Snapshot {
    final Map<Object, Object> entries;
    final Map<Object, Duration> ttls;
    final long size;
    final long memoryUsed;

    private Snapshot(final Map<Object, Object> entries, final Map<Object, Duration> ttls, final long size,
                     final long memoryUsed) {
        this.entries = entries;
        this.ttls = ttls;
        this.size = size;
        this.memoryUsed = memoryUsed;
    }

    static <K, V> Snapshot of(final Larder larder, final Cache<K, V> cache) {
        final Map<Object, Object> entries = new HashMap<>();
        final Map<Object, Duration> ttls = new HashMap<>();
        for (final Cache.Entry<K, V> e : cache) {
            entries.put(comparable(e.getKey()), comparable(e.getValue()));
            ttls.put(comparable(e.getKey()), cache.ttl(e.getKey()));
        }
        return new Snapshot(entries, ttls, cache.size(), larder.memoryUsed());
    }

    static Object comparable(final Object o) {
        if (o instanceof byte[]) {
            return java.util.HexFormat.of().formatHex((byte[]) o);
        }
        return o;
    }

    @Override
    public boolean equals(final Object o) {
        if (!(o instanceof Snapshot)) {
            return false;
        }
        final Snapshot s = (Snapshot) o;
        return size == s.size && memoryUsed == s.memoryUsed && entries.equals(s.entries) && ttls.equals(s.ttls);
    }

    @Override
    public int hashCode() {
        return Objects.hash(entries, ttls, size, memoryUsed);
    }

    @Override
    public String toString() {
        return "Snapshot{size=" + size + ", memoryUsed=" + memoryUsed + ", entries=" + entries.size()
            + (entries.size() <= 20 ? " " + entries : "") + ", ttls=" + (ttls.size() <= 20 ? ttls : ttls.size()) + '}';
    }
}
