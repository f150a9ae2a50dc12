package dev.larder.examples.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;

/** Plain JDBC access to {@code larder_orders}; knows nothing about caching. */
public final class OrderDao {

    private final Database db;

    /**
     * @param db the database
     */
    public OrderDao(final Database db) {
        this.db = Objects.requireNonNull(db, "db must not be null");
    }

    /**
     * @param id the order id
     * @return the order, or {@code null} if there is no such row
     * @throws SQLException on a database error
     */
    public Order findById(final long id) throws SQLException {
        return db.run(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT id, product_id, quantity, status FROM larder_orders WHERE id = ?")) {
                s.setLong(1, id);
                db.countStatement();
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next() ? new Order(rs.getLong(1), rs.getLong(2), rs.getInt(3), rs.getString(4)) : null;
                }
            }
        });
    }

    /**
     * @param o the new order
     * @throws SQLException on a database error, for example an unknown product
     */
    public void insert(final Order o) throws SQLException {
        db.run(c -> {
            try (PreparedStatement s = c.prepareStatement("INSERT INTO larder_orders (id, product_id, quantity, status) VALUES (?, ?, ?, ?)")) {
                s.setLong(1, o.id());
                s.setLong(2, o.productId());
                s.setInt(3, o.quantity());
                s.setString(4, o.status());
                db.countStatement();
                return s.executeUpdate();
            }
        });
    }

    /**
     * @param id     the order id
     * @param status the new status
     * @return whether a row was updated
     * @throws SQLException on a database error
     */
    public boolean updateStatus(final long id, final String status) throws SQLException {
        return db.run(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE larder_orders SET status = ? WHERE id = ?")) {
                s.setString(1, status);
                s.setLong(2, id);
                db.countStatement();
                return s.executeUpdate() == 1;
            }
        });
    }

    /**
     * @param id the order id
     * @return whether a row was deleted
     * @throws SQLException on a database error
     */
    public boolean delete(final long id) throws SQLException {
        return db.run(c -> {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM larder_orders WHERE id = ?")) {
                s.setLong(1, id);
                db.countStatement();
                return s.executeUpdate() == 1;
            }
        });
    }
}
