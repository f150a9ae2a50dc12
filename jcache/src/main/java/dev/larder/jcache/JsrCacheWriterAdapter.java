package dev.larder.jcache;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import javax.cache.Cache;
import javax.cache.integration.CacheWriterException;

/**
 * A JSR-107 {@link javax.cache.integration.CacheWriter} seen through the strategies module's
 * {@link dev.larder.strategies.CacheWriter} contract; {@link LarderJCache}'s write-through calls
 * the writer only through it.
 *
 * <h2>Design</h2>
 * The contracts match, the bulk partial-failure rule included: a {@code writeAll} or
 * {@code deleteAll} that throws leaves in its collection exactly what it did not apply.
 * {@link #deleteAll} hands the collection itself to the JSR-107 writer. {@link #writeAll} has to
 * give it {@link Cache.Entry} objects instead of {@link Map.Entry} ones: it builds one per entry,
 * and if the writer throws, it removes from the caller's collection every entry whose counterpart
 * the writer took out of its batch (entries are matched by identity, so equal entries stay
 * distinct). Exceptions pass through unchanged; {@link #toJsr} turns them into the
 * {@link CacheWriterException} JSR-107 callers expect.
 *
 * @param <K> key type
 * @param <V> value type
 */
final class JsrCacheWriterAdapter<K, V> implements dev.larder.strategies.CacheWriter<K, V> {

    private final javax.cache.integration.CacheWriter<K, V> writer;

    JsrCacheWriterAdapter(final javax.cache.integration.CacheWriter<K, V> writer) {
        this.writer = Objects.requireNonNull(writer, "writer must not be null");
    }

    @Override
    public void write(final K key, final V value) {
        writer.write(new LarderCacheEntry<>(key, value));
    }

    @Override
    public void writeAll(final Collection<Map.Entry<K, V>> entries) {
        final List<Cache.Entry<? extends K, ? extends V>> batch = new ArrayList<>(entries.size());
        final Map<Cache.Entry<? extends K, ? extends V>, Map.Entry<K, V>> origin = new IdentityHashMap<>();
        for (final Map.Entry<K, V> entry : entries) {
            final Cache.Entry<K, V> jsr = new LarderCacheEntry<>(entry.getKey(), entry.getValue());
            batch.add(jsr);
            origin.put(jsr, entry);
        }
        try {
            writer.writeAll(batch);
        } catch (final Exception e) { // checked ones too, should a JSR-107 writer throw one sneakily
            final Set<Map.Entry<K, V>> notWritten = Collections.newSetFromMap(new IdentityHashMap<>());
            for (final Cache.Entry<? extends K, ? extends V> left : batch) {
                final Map.Entry<K, V> entry = origin.get(left);
                if (entry != null) {
                    notWritten.add(entry);
                }
            }
            entries.removeIf(entry -> !notWritten.contains(entry));
            throw e;
        }
    }

    @Override
    public void delete(final K key) {
        writer.delete(key);
    }

    @Override
    public void deleteAll(final Collection<K> keys) {
        writer.deleteAll(keys);
    }

    /**
     * The exception a JSR-107 caller gets for a failed write: the writer's own
     * {@link CacheWriterException} as it was thrown, anything else wrapped in one. An
     * {@link Error} is rethrown.
     *
     * @param t what the writer threw
     * @return the exception to throw
     */
    static CacheWriterException toJsr(final Throwable t) {
        if (t instanceof Error error) {
            throw error;
        }
        return t instanceof CacheWriterException jsr ? jsr : new CacheWriterException(t);
    }
}
