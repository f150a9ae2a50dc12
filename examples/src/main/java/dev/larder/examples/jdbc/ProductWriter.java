package dev.larder.examples.jdbc;

import dev.larder.strategies.CacheWriter;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@link CacheWriter} of the products cache: writes go to {@code larder_products} through
 * the {@link ProductDao}. Bulk writes are one transaction each, so a failed bulk call applied
 * nothing and leaves every entry in the collection (JSR-107 partial success, trivially).
 */
public final class ProductWriter implements CacheWriter<Long, Product> {

    private final ProductDao dao;

    /**
     * @param dao the DAO that writes
     */
    public ProductWriter(final ProductDao dao) {
        this.dao = Objects.requireNonNull(dao, "dao must not be null");
    }

    @Override
    public void write(final Long key, final Product value) throws SQLException {
        requireMatchingId(key, value);
        dao.save(value);
    }

    @Override
    public void writeAll(final Collection<Map.Entry<Long, Product>> entries) throws SQLException {
        final List<Product> rows = new ArrayList<>(entries.size());
        for (final Map.Entry<Long, Product> entry : entries) {
            requireMatchingId(entry.getKey(), entry.getValue());
            rows.add(entry.getValue());
        }
        dao.saveAll(rows);
        entries.clear();
    }

    @Override
    public void delete(final Long key) throws SQLException {
        dao.delete(key);
    }

    @Override
    public void deleteAll(final Collection<Long> keys) throws SQLException {
        dao.deleteAll(keys);
        keys.clear();
    }

    private static void requireMatchingId(final Long key, final Product value) {
        if (key != value.id()) {
            throw new IllegalArgumentException("product " + value.id() + " cached under key " + key);
        }
    }
}
