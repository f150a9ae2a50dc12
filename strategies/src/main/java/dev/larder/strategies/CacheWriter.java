package dev.larder.strategies;

import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Writes changes to the system of record for {@link WriteThroughCache} and
 * {@link WriteBehindCache}, as JSR-107's {@code javax.cache.integration.CacheWriter}.
 *
 * <h2>Design</h2>
 * The bulk methods follow JSR-107's partial-success rule: they receive a mutable collection, and
 * an implementation that throws must leave in it exactly the entries (or keys) it did
 * <em>not</em> apply; entries it did apply are removed. If a bulk method returns normally, every
 * entry counts as applied, whatever is left in the collection. The defaults apply one entry at a
 * time and follow that rule. Writes must be idempotent (writing the same value twice, deleting a
 * missing key) because write-behind retries a failed batch.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface CacheWriter<K, V> {

    /**
     * Inserts or updates one entry in the system of record.
     *
     * @param key   the key
     * @param value the new value
     * @throws Exception if the write failed; the cache is not changed then (write-through)
     */
    void write(K key, V value) throws Exception;

    /**
     * Inserts or updates several entries, for example in one JDBC batch.
     *
     * @param entries the entries to write; on failure, leave in it exactly the entries not written
     * @throws Exception if some or all entries were not written
     */
    default void writeAll(final Collection<Map.Entry<K, V>> entries) throws Exception {
        final Iterator<Map.Entry<K, V>> it = entries.iterator();
        while (it.hasNext()) {
            final Map.Entry<K, V> entry = it.next();
            write(entry.getKey(), entry.getValue());
            it.remove();
        }
    }

    /**
     * Deletes one entry from the system of record; deleting a missing key is not an error.
     *
     * @param key the key
     * @throws Exception if the delete failed; the cache is not changed then (write-through)
     */
    void delete(K key) throws Exception;

    /**
     * Deletes several entries.
     *
     * @param keys the keys to delete; on failure, leave in it exactly the keys not deleted
     * @throws Exception if some or all keys were not deleted
     */
    default void deleteAll(final Collection<K> keys) throws Exception {
        final Iterator<K> it = keys.iterator();
        while (it.hasNext()) {
            delete(it.next());
            it.remove();
        }
    }
}
