package dev.larder.examples.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Plain JDBC access to {@code larder_products}; knows nothing about caching. Every statement it
 * sends is counted by its {@link Database}.
 */
public final class ProductDao {

    private final Database db;

    /**
     * @param db the database
     */
    public ProductDao(final Database db) {
        this.db = Objects.requireNonNull(db, "db must not be null");
    }

    /**
     * @param id the product id
     * @return the product, or {@code null} if there is no such row
     * @throws SQLException on a database error
     */
    public Product findById(final long id) throws SQLException {
        return db.run(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT id, name, price_cents, stock FROM larder_products WHERE id = ?")) {
                s.setLong(1, id);
                db.countStatement();
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? row(rs) : null;
                }
            }
        });
    }

    /**
     * Loads several products with one {@code IN (...)} query.
     *
     * @param ids the ids
     * @return the rows found, by id
     * @throws SQLException on a database error
     */
    public Map<Long, Product> findByIds(final Set<? extends Long> ids) throws SQLException {
        final Map<Long, Product> found = new HashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        final String marks = String.join(",", java.util.Collections.nCopies(ids.size(), "?"));
        return db.run(c -> {
            try (PreparedStatement s = c.prepareStatement(
                "SELECT id, name, price_cents, stock FROM larder_products WHERE id IN (" + marks + ")")) {
                int i = 1;
                for (final Long id : ids) {
                    s.setLong(i++, id);
                }
                db.countStatement();
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        final Product p = row(rs);
                        found.put(p.id(), p);
                    }
                }
            }
            return found;
        });
    }

    /**
     * Inserts or updates one product (UPDATE, then INSERT if no row was updated), in one transaction.
     *
     * @param p the product
     * @throws SQLException on a database error, for example a negative price
     */
    public void save(final Product p) throws SQLException {
        db.inTransaction(c -> {
            upsert(c, p);
            return null;
        });
    }

    /**
     * Saves several products in one transaction: all or nothing.
     *
     * @param products the products
     * @throws SQLException on a database error; nothing was saved then
     */
    public void saveAll(final Collection<Product> products) throws SQLException {
        db.inTransaction(c -> {
            for (final Product p : products) {
                upsert(c, p);
            }
            return null;
        });
    }

    private void upsert(final Connection c, final Product p) throws SQLException {
        try (PreparedStatement update = c.prepareStatement("UPDATE larder_products SET name = ?, price_cents = ?, stock = ? WHERE id = ?")) {
            update.setString(1, p.name());
            update.setLong(2, p.priceCents());
            update.setInt(3, p.stock());
            update.setLong(4, p.id());
            db.countStatement();
            if (update.executeUpdate() == 1) {
                return;
            }
        }
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO larder_products (id, name, price_cents, stock) VALUES (?, ?, ?, ?)")) {
            insert.setLong(1, p.id());
            insert.setString(2, p.name());
            insert.setLong(3, p.priceCents());
            insert.setInt(4, p.stock());
            db.countStatement();
            insert.executeUpdate();
        }
    }

    /**
     * @param id the product id
     * @return whether a row was deleted
     * @throws SQLException on a database error, for example orders still referencing the product
     */
    public boolean delete(final long id) throws SQLException {
        return db.run(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM larder_products WHERE id = ?")) {
                s.setLong(1, id);
                db.countStatement();
                return s.executeUpdate() == 1;
            }
        });
    }

    /**
     * Deletes several products in one transaction: all or nothing.
     *
     * @param ids the ids
     * @throws SQLException on a database error; nothing was deleted then
     */
    public void deleteAll(final Collection<Long> ids) throws SQLException {
        db.inTransaction(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM larder_products WHERE id = ?")) {
                for (final Long id : ids) {
                    s.setLong(1, id);
                    db.countStatement();
                    s.executeUpdate();
                }
            }
            return null;
        });
    }

    private static Product row(final ResultSet rs) throws SQLException {
        return new Product(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getInt(4));
    }
}
