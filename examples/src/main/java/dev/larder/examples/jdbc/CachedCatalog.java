package dev.larder.examples.jdbc;

import dev.larder.core.Cache;
import dev.larder.core.CacheOptions;
import dev.larder.core.Codecs;
import dev.larder.core.Larder;
import dev.larder.strategies.CacheLoader;
import dev.larder.strategies.LoadingCache;
import dev.larder.strategies.WriteBehindCache;
import dev.larder.strategies.WriteThroughCache;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The DAOs behind Larder: products and orders read cache-aside, product changes written through
 * (or, optionally, behind), order changes made in the database and then invalidated in the cache.
 *
 * <h2>Design</h2>
 * <ul>
 *   <li><b>Product reads</b>: a {@link LoadingCache} over the {@code products} cache whose loader is
 *   {@link ProductDao#findById} and whose bulk loader is one {@code IN (...)} query
 *   ({@link ProductDao#findByIds}). Concurrent misses of one id cost one query. "No such product"
 *   is remembered for 30 s (negative caching); saving the product clears that.</li>
 *   <li><b>Product writes</b>: write-through by default: the row is saved (or deleted) first, in its
 *   own transaction, and the cache changes only if that committed, so a rejected update (a negative
 *   price breaks a CHECK constraint, a delete breaks the orders' foreign key) leaves both the cache
 *   and the table as they were. With {@link WriteMode#WRITE_BEHIND} the cache changes at once and
 *   the rows are saved in batches by a {@link WriteBehindCache}; its documentation says what a crash
 *   can lose, and a rejected row ends with the dead-letter handler instead of the caller.</li>
 *   <li><b>Orders</b>: cache-aside reads; an update or delete changes the row first and then
 *   invalidates the cached order, so the next read loads the new row.</li>
 * </ul>
 * The caches expire entries 10 minutes after they are written, a backstop for rows changed
 * behind the application's back (by another service or by hand).
 */
public final class CachedCatalog implements AutoCloseable {

    /** How product changes reach the database. */
    public enum WriteMode {
        /** Database first, then cache; the caller sees database errors. */
        WRITE_THROUGH,
        /** Cache at once, database in batches from a queue. */
        WRITE_BEHIND
    }

    private static final CacheOptions ROWS = CacheOptions.defaults().expireAfterWrite(Duration.ofMinutes(10));

    private final ProductDao productDao;
    private final OrderDao orderDao;
    private final LoadingCache<Long, Product> products;
    private final WriteThroughCache<Long, Product> productWrites;
    private final WriteBehindCache<Long, Product> productWritesBehind;
    private final LoadingCache<Long, Order> orders;

    /**
     * @param larder where the caches live ({@code products} and {@code orders})
     * @param db     the database
     * @param mode   how product changes are written
     */
    public CachedCatalog(final Larder larder, final Database db, final WriteMode mode) {
        Objects.requireNonNull(larder, "larder must not be null");
        Objects.requireNonNull(mode, "mode must not be null");
        this.productDao = new ProductDao(db);
        this.orderDao = new OrderDao(db);
        final Cache<Long, Product> productCache = larder.cache("products", Codecs.int64(), RowCodecs.product(), ROWS);
        final CacheLoader<Long, Product> productLoader = new CacheLoader<>() {
            @Override
            public Product load(final Long id) throws SQLException {
                return productDao.findById(id);
            }

            @Override
            public Map<Long, Product> loadAll(final Set<? extends Long> ids) throws SQLException {
                return productDao.findByIds(ids);
            }
        };
        final ProductWriter writer = new ProductWriter(productDao);
        if (mode == WriteMode.WRITE_BEHIND) {
            this.products = null;
            this.productWrites = null;
            this.productWritesBehind = WriteBehindCache.builder(productCache, writer).loader(productLoader)
                .batchSize(200).maxDelay(Duration.ofMillis(100)).build();
        } else {
            this.products = LoadingCache.builder(productCache).loader(productLoader)
                .negativeCaching(Duration.ofSeconds(30)).build();
            this.productWrites = WriteThroughCache.of(products, writer);
            this.productWritesBehind = null;
        }
        final Cache<Long, Order> orderCache = larder.cache("orders", Codecs.int64(), RowCodecs.order(), ROWS);
        this.orders = LoadingCache.of(orderCache, orderDao::findById);
    }

    /**
     * @param id the product id
     * @return the product, or {@code null} if there is none
     * @throws dev.larder.strategies.CacheLoaderException if the database read failed
     */
    public Product product(final long id) {
        return productWritesBehind != null ? productWritesBehind.get(id) : products.get(id);
    }

    /**
     * @param ids the product ids
     * @return the products found; cached ones from the cache, the others with one query
     * @throws dev.larder.strategies.CacheLoaderException if the database read failed
     */
    public Map<Long, Product> products(final Set<Long> ids) {
        if (productWritesBehind == null) {
            return products.getAll(ids);
        }
        final Map<Long, Product> found = new HashMap<>();
        for (final Long id : ids) {
            final Product p = productWritesBehind.get(id);
            if (p != null) {
                found.put(id, p);
            }
        }
        return found;
    }

    /**
     * Inserts or updates a product.
     *
     * @param p the product
     * @throws dev.larder.strategies.CacheWriterException write-through only: the database rejected
     *                                                    it; cache and table are unchanged
     */
    public void saveProduct(final Product p) {
        if (productWritesBehind != null) {
            productWritesBehind.put(p.id(), p);
        } else {
            productWrites.put(p.id(), p);
        }
    }

    /**
     * @param id the product id
     * @throws dev.larder.strategies.CacheWriterException write-through only: the database rejected
     *                                                    the delete (orders reference the product);
     *                                                    cache and table are unchanged
     */
    public void deleteProduct(final long id) {
        if (productWritesBehind != null) {
            productWritesBehind.remove(id);
        } else {
            productWrites.remove(id);
        }
    }

    /**
     * @param id the order id
     * @return the order, or {@code null}
     * @throws dev.larder.strategies.CacheLoaderException if the database read failed
     */
    public Order order(final long id) {
        return orders.get(id);
    }

    /**
     * @param o the new order; not cached until it is read
     * @throws SQLException if the database rejected it
     */
    public void placeOrder(final Order o) throws SQLException {
        orderDao.insert(o);
        orders.invalidate(o.id());
    }

    /**
     * Updates the row, then invalidates the cached order.
     *
     * @param id     the order id
     * @param status the new status
     * @return whether the order existed
     * @throws SQLException if the database rejected it; the cache is unchanged then
     */
    public boolean updateOrderStatus(final long id, final String status) throws SQLException {
        final boolean updated = orderDao.updateStatus(id, status);
        orders.invalidate(id);
        return updated;
    }

    /**
     * Deletes the row, then invalidates the cached order.
     *
     * @param id the order id
     * @return whether the order existed
     * @throws SQLException if the database rejected it; the cache is unchanged then
     */
    public boolean deleteOrder(final long id) throws SQLException {
        final boolean deleted = orderDao.delete(id);
        orders.invalidate(id);
        return deleted;
    }

    /** Write-behind only: waits until every product change made so far is in the database. */
    public void flush() {
        if (productWritesBehind != null) {
            productWritesBehind.flush();
        }
    }

    /** @return the products loading cache (write-through mode), or {@code null} in write-behind mode */
    public LoadingCache<Long, Product> productReads() {
        return products;
    }

    /** @return the product write-behind cache (write-behind mode), or {@code null} in write-through mode */
    public WriteBehindCache<Long, Product> productWriteBehind() {
        return productWritesBehind;
    }

    /** Writes pending product changes (write-behind) and stops background threads; the Larder stays open. */
    @Override
    public void close() {
        if (productWritesBehind != null) {
            productWritesBehind.close();
        }
        if (products != null) {
            products.close();
        }
        orders.close();
    }
}
