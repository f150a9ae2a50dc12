package dev.larder.examples.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JDBC database for the DAOs: a small fixed pool of connections to one URL, the schema, and a
 * count of the statements executed (what the demo reports as "database queries").
 *
 * <h2>Design</h2>
 * The pool opens all its connections up front and hands them out from a blocking queue; no
 * validation, no reconnect: enough for a demo and for tests, not for production (use HikariCP
 * there). Any JDBC URL whose driver is on the class path works; H2 and PostgreSQL drivers are.
 * The SQL is the subset H2 and PostgreSQL share.
 */
public final class Database implements AutoCloseable {

    /** Products table: prices must not be negative (the tests use that to make a write fail). */
    static final String CREATE_PRODUCTS = "CREATE TABLE larder_products (id BIGINT PRIMARY KEY, name VARCHAR(200) NOT NULL, "
        + "price_cents BIGINT NOT NULL CHECK (price_cents >= 0), stock INT NOT NULL)";
    /** Orders table: its foreign key keeps a product with orders from being deleted. */
    static final String CREATE_ORDERS = "CREATE TABLE larder_orders (id BIGINT PRIMARY KEY, "
        + "product_id BIGINT NOT NULL REFERENCES larder_products (id), quantity INT NOT NULL CHECK (quantity > 0), "
        + "status VARCHAR(20) NOT NULL)";

    private final String url;
    private final BlockingQueue<Connection> idle;
    private final List<Connection> all = new ArrayList<>();
    private final AtomicLong statements = new AtomicLong();

    private Database(final String url, final int connections) throws SQLException {
        this.url = url;
        this.idle = new ArrayBlockingQueue<>(connections);
        try {
            for (int i = 0; i < connections; i++) {
                final Connection c = DriverManager.getConnection(url);
                all.add(c);
                idle.add(c);
            }
        } catch (final SQLException e) {
            close();
            throw e;
        }
    }

    /**
     * Opens {@code connections} connections to {@code url}.
     *
     * @param url         a JDBC URL with credentials if needed, e.g. {@code jdbc:h2:mem:shop;DB_CLOSE_DELAY=-1}
     *                    or {@code jdbc:postgresql://127.0.0.1:5432/larder?user=larder&password=larder}
     * @param connections pool size, positive
     * @return the database
     * @throws SQLException             if a connection cannot be opened
     * @throws IllegalArgumentException if {@code connections} is not positive
     */
    public static Database open(final String url, final int connections) throws SQLException {
        Objects.requireNonNull(url, "url must not be null");
        if (connections <= 0) {
            throw new IllegalArgumentException("connections must be positive, was " + connections);
        }
        return new Database(url, connections);
    }

    /** @return the JDBC URL */
    public String url() {
        return url;
    }

    /**
     * Drops and recreates the two tables (their data is lost).
     *
     * @throws SQLException if the DDL fails
     */
    public void recreateSchema() throws SQLException {
        run(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("DROP TABLE IF EXISTS larder_orders");
                s.execute("DROP TABLE IF EXISTS larder_products");
                s.execute(CREATE_PRODUCTS);
                s.execute(CREATE_ORDERS);
            }
            return null;
        });
    }

    /** @return statements executed through the DAOs so far */
    public long statements() {
        return statements.get();
    }

    /** Counts one executed statement; the DAOs call it for each query or update they send. */
    void countStatement() {
        statements.incrementAndGet();
    }

    /**
     * Runs {@code work} with a pooled connection in auto-commit mode.
     *
     * @param work what to do with the connection
     * @param <T>  result type
     * @return what {@code work} returned
     * @throws SQLException if {@code work} threw it
     */
    public <T> T run(final SqlWork<T> work) throws SQLException {
        final Connection c = borrow();
        try {
            return work.apply(c);
        } finally {
            idle.add(c);
        }
    }

    /**
     * Runs {@code work} in one transaction: committed if it returns, rolled back if it throws.
     *
     * @param work what to do in the transaction
     * @param <T>  result type
     * @return what {@code work} returned
     * @throws SQLException if {@code work} or the commit failed (after the rollback)
     */
    public <T> T inTransaction(final SqlWork<T> work) throws SQLException {
        return run(c -> {
            c.setAutoCommit(false);
            try {
                final T result = work.apply(c);
                c.commit();
                return result;
            } catch (final SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        });
    }

    private Connection borrow() throws SQLException {
        try {
            return idle.take();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted while waiting for a connection", e);
        }
    }

    /** Closes every connection (in use or not). */
    @Override
    public void close() {
        for (final Connection c : all) {
            try {
                c.close();
            } catch (final SQLException ignored) {
                // Closing a broken connection: nothing more to do.
            }
        }
    }

    /**
     * Work with a connection.
     *
     * @param <T> result type
     */
    @FunctionalInterface
    public interface SqlWork<T> {
        /**
         * @param connection a connection, only for the duration of the call
         * @return the result
         * @throws SQLException on a database error
         */
        T apply(Connection connection) throws SQLException;
    }
}
