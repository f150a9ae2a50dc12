package dev.larder.examples.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.Larder;
import dev.larder.strategies.CacheWriterException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DAO test suite, run against every database by a subclass that supplies the JDBC URL:
 * {@link H2CatalogTest} (embedded) and {@link PostgresCatalogTest} (a real server).
 */
abstract class CatalogContract {

    static final int PRODUCTS = 20;

    Database db;
    Larder larder;
    CachedCatalog catalog;
    ProductDao dao;

    /** @return the JDBC URL of the database under test */
    abstract String url();

    @BeforeEach
    void setUp() throws SQLException {
        db = Database.open(url(), 4);
        db.recreateSchema();
        dao = new ProductDao(db);
        final List<Product> seed = new ArrayList<>();
        for (long id = 1; id <= PRODUCTS; id++) {
            seed.add(new Product(id, "product " + id, 1_000 + id, 10));
        }
        dao.saveAll(seed);
        larder = Larder.builder().maxMemory(16L << 20).build();
        catalog = new CachedCatalog(larder, db, CachedCatalog.WriteMode.WRITE_THROUGH);
    }

    @AfterEach
    void tearDown() {
        if (catalog != null) {
            catalog.close();
        }
        if (larder != null) {
            larder.close();
        }
        if (db != null) {
            db.close();
        }
    }

    /** Reads the row straight from the table, bypassing the cache (and not counted against it). */
    Product row(final long id) throws SQLException {
        return dao.findById(id);
    }

    @Test
    void cacheAsideReadQueriesTheDatabaseOnceThenServesFromTheCache() {
        final long before = db.statements();
        assertThat(catalog.product(3)).isEqualTo(new Product(3, "product 3", 1_003, 10));
        assertThat(db.statements() - before).isEqualTo(1);
        for (int i = 0; i < 10; i++) {
            assertThat(catalog.product(3).name()).isEqualTo("product 3");
        }
        assertThat(db.statements() - before).isEqualTo(1);
    }

    @Test
    void bulkReadLoadsOnlyTheMissingIdsInOneQuery() {
        catalog.product(1);
        catalog.product(2);
        final long before = db.statements();
        final Map<Long, Product> found = catalog.products(Set.of(1L, 2L, 3L, 4L, 5L, 999L));
        assertThat(found).containsOnlyKeys(1L, 2L, 3L, 4L, 5L);
        assertThat(found.get(4L).name()).isEqualTo("product 4");
        assertThat(db.statements() - before).isEqualTo(1);
        assertThat(catalog.products(Set.of(3L, 4L, 5L))).hasSize(3);
        assertThat(db.statements() - before).isEqualTo(1);
    }

    @Test
    void aMissingProductIsRememberedAsAbsentUntilItIsSaved() throws SQLException {
        final long before = db.statements();
        assertThat(catalog.product(999)).isNull();
        assertThat(catalog.product(999)).isNull();
        assertThat(db.statements() - before).isEqualTo(1);

        catalog.saveProduct(new Product(999, "new", 5, 1));
        assertThat(row(999)).isEqualTo(new Product(999, "new", 5, 1));
        final long afterSave = db.statements();
        assertThat(catalog.product(999)).isEqualTo(new Product(999, "new", 5, 1));
        assertThat(db.statements()).isEqualTo(afterSave);
    }

    @Test
    void writeThroughUpdateChangesTheDatabaseAndTheCache() throws SQLException {
        final Product p = catalog.product(5);
        catalog.saveProduct(p.withPrice(4_242));
        assertThat(row(5).priceCents()).isEqualTo(4_242);
        final long before = db.statements();
        assertThat(catalog.product(5).priceCents()).isEqualTo(4_242);
        assertThat(db.statements()).isEqualTo(before);
    }

    @Test
    void aRejectedUpdateLeavesCacheAndDatabaseUnchanged() throws SQLException {
        final Product p = catalog.product(6);
        assertThatThrownBy(() -> catalog.saveProduct(p.withPrice(-1)))
            .isInstanceOf(CacheWriterException.class)
            .hasCauseInstanceOf(SQLException.class);
        assertThat(row(6)).isEqualTo(p);
        final long before = db.statements();
        assertThat(catalog.product(6)).isEqualTo(p);
        assertThat(db.statements()).as("still served from the cache").isEqualTo(before);
    }

    @Test
    void aRejectedInsertLeavesNothingBehind() throws SQLException {
        assertThatThrownBy(() -> catalog.saveProduct(new Product(500, "bad", -5, 1))).isInstanceOf(CacheWriterException.class);
        assertThat(row(500)).isNull();
        assertThat(catalog.product(500)).isNull();
    }

    @Test
    void deleteRemovesFromTheDatabaseAndTheCache() throws SQLException {
        assertThat(catalog.product(7)).isNotNull();
        catalog.deleteProduct(7);
        assertThat(row(7)).isNull();
        assertThat(catalog.product(7)).isNull();
    }

    @Test
    void aDeleteRejectedByTheForeignKeyLeavesCacheAndDatabaseUnchanged() throws SQLException {
        final Product p = catalog.product(8);
        catalog.placeOrder(new Order(1, 8, 3, "NEW"));
        assertThatThrownBy(() -> catalog.deleteProduct(8)).isInstanceOf(CacheWriterException.class)
            .hasCauseInstanceOf(SQLException.class);
        assertThat(row(8)).isEqualTo(p);
        final long before = db.statements();
        assertThat(catalog.product(8)).isEqualTo(p);
        assertThat(db.statements()).isEqualTo(before);
    }

    @Test
    void anOrderUpdateInvalidatesTheCachedOrder() throws SQLException {
        catalog.placeOrder(new Order(10, 1, 2, "NEW"));
        assertThat(catalog.order(10).status()).isEqualTo("NEW");
        long before = db.statements();
        assertThat(catalog.order(10).status()).isEqualTo("NEW");
        assertThat(db.statements()).isEqualTo(before);

        assertThat(catalog.updateOrderStatus(10, "SHIPPED")).isTrue();
        before = db.statements();
        assertThat(catalog.order(10).status()).isEqualTo("SHIPPED");
        assertThat(db.statements() - before).isEqualTo(1);
    }

    @Test
    void anOrderDeleteInvalidatesTheCachedOrder() throws SQLException {
        catalog.placeOrder(new Order(11, 2, 1, "NEW"));
        assertThat(catalog.order(11)).isNotNull();
        assertThat(catalog.deleteOrder(11)).isTrue();
        assertThat(catalog.order(11)).isNull();
    }

    @Test
    void concurrentReadersOfOneProductCostOneQuery() throws Exception {
        final int threads = 16;
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        final long before = db.statements();
        try {
            final CountDownLatch start = new CountDownLatch(1);
            final List<Future<Product>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return catalog.product(9);
                }));
            }
            start.countDown();
            for (final Future<Product> r : results) {
                assertThat(r.get(60, TimeUnit.SECONDS).name()).isEqualTo("product 9");
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(db.statements() - before).isEqualTo(1);
    }

    @Test
    void writeBehindModeReadsItsOwnWritesAndPersistsThemOnFlush() throws SQLException {
        try (Larder other = Larder.builder().maxMemory(16L << 20).build();
             CachedCatalog behind = new CachedCatalog(other, db, CachedCatalog.WriteMode.WRITE_BEHIND)) {
            final Map<Long, Long> lastPrice = new HashMap<>();
            for (int round = 0; round < 20; round++) {
                for (long id = 1; id <= PRODUCTS; id++) {
                    final long price = 10_000L * round + id;
                    behind.saveProduct(new Product(id, "product " + id, price, 10));
                    lastPrice.put(id, price);
                }
            }
            behind.saveProduct(new Product(77, "added behind", 1, 1));
            behind.deleteProduct(20);
            lastPrice.remove(20L);
            assertThat(behind.product(77).name()).isEqualTo("added behind");
            assertThat(behind.product(20)).isNull();

            behind.flush();
            for (final Map.Entry<Long, Long> e : lastPrice.entrySet()) {
                assertThat(row(e.getKey()).priceCents()).as("product %d", e.getKey()).isEqualTo(e.getValue());
            }
            assertThat(row(77)).isEqualTo(new Product(77, "added behind", 1, 1));
            assertThat(row(20)).isNull();
            assertThat(behind.productWriteBehind().stats().deadLettered()).isZero();
            assertThat(behind.productWriteBehind().stats().coalesced()).isPositive();
        }
    }
}
