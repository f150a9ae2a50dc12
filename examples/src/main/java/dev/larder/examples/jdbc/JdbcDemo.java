package dev.larder.examples.jdbc;

import dev.larder.core.Larder;
import dev.larder.strategies.CacheWriterException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The JDBC DAO demo: the same read workload against the database directly and through
 * {@link CachedCatalog}, with the database query count and latency percentiles of each, then
 * write-through, invalidation and a rejected update.
 *
 * <p>Run it with
 * {@code mvn -B -q install -DskipTests && mvn -B -q -pl examples exec:exec -Ddemo.main=dev.larder.examples.jdbc.JdbcDemo}.
 * The database is embedded H2 unless {@code LARDER_DEMO_JDBC_URL} names another, for example
 * {@code jdbc:postgresql://127.0.0.1:5432/larder?user=larder&password=larder} (the demo drops and
 * recreates its two {@code larder_*} tables there).
 *
 * <p>Arguments (all optional): JDBC URL, number of products (default 10,000), number of reads
 * (default 50,000).
 */
public final class JdbcDemo {

    /** The embedded database used when no URL is given. */
    public static final String DEFAULT_URL = "jdbc:h2:mem:larder-demo;DB_CLOSE_DELAY=-1";

    private JdbcDemo() {
    }

    /**
     * @param args optional: JDBC URL, products, reads
     * @throws SQLException if the database cannot be reached or set up
     */
    public static void main(final String[] args) throws SQLException {
        final String env = System.getenv("LARDER_DEMO_JDBC_URL");
        final String url = args.length > 0 && !args[0].isBlank() ? args[0] : env != null && !env.isBlank() ? env : DEFAULT_URL;
        final int productCount = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        final int reads = args.length > 2 ? Integer.parseInt(args[2]) : 50_000;
        if (productCount <= 0 || reads <= 0) {
            throw new IllegalArgumentException("products and reads must be positive, were " + productCount + " and " + reads);
        }

        try (Database db = Database.open(url, 4); Larder larder = Larder.builder().maxMemory(64L << 20).build()) {
            System.out.println("database          -> " + db.url().replaceAll("password=[^&;]*", "password=***"));
            db.recreateSchema();
            final ProductDao dao = new ProductDao(db);
            final List<Product> seed = new ArrayList<>(productCount);
            for (long id = 1; id <= productCount; id++) {
                seed.add(new Product(id, "product " + id, 100 + id % 9_900, (int) (id % 50)));
            }
            for (int from = 0; from < seed.size(); from += 1_000) {
                dao.saveAll(seed.subList(from, Math.min(seed.size(), from + 1_000)));
            }
            System.out.printf(Locale.ROOT, "seeded            -> %,d products%n", productCount);

            // The same skewed sequence of ids for both runs: a few products are read very often.
            final long[] ids = new long[reads];
            final SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < reads; i++) {
                ids[i] = 1 + (long) (Math.pow(random.nextDouble(), 4) * productCount);
            }

            long before = db.statements();
            final long[] direct = new long[reads];
            for (int i = 0; i < reads; i++) {
                final long start = System.nanoTime();
                if (dao.findById(ids[i]) == null) {
                    throw new IllegalStateException("product " + ids[i] + " missing");
                }
                direct[i] = System.nanoTime() - start;
            }
            report("without cache", reads, db.statements() - before, direct);

            try (CachedCatalog catalog = new CachedCatalog(larder, db, CachedCatalog.WriteMode.WRITE_THROUGH)) {
                before = db.statements();
                final long[] cached = new long[reads];
                for (int i = 0; i < reads; i++) {
                    final long start = System.nanoTime();
                    if (catalog.product(ids[i]) == null) {
                        throw new IllegalStateException("product " + ids[i] + " missing");
                    }
                    cached[i] = System.nanoTime() - start;
                }
                report("with cache", reads, db.statements() - before, cached);

                demonstrateWrites(db, catalog);
            }
        }
    }

    private static void demonstrateWrites(final Database db, final CachedCatalog catalog) throws SQLException {
        final Product p = catalog.product(1);
        catalog.saveProduct(p.withPrice(p.priceCents() + 500));
        long before = db.statements();
        System.out.printf(Locale.ROOT, "write-through     -> price of 1 now %d; read back %d with %d queries%n",
            p.priceCents() + 500, catalog.product(1).priceCents(), db.statements() - before);

        try {
            catalog.saveProduct(p.withPrice(-1));
            System.out.println("rejected update   -> unexpectedly accepted");
        } catch (final CacheWriterException e) {
            System.out.printf(Locale.ROOT, "rejected update   -> %s; cached price still %d%n",
                e.getCause().getClass().getSimpleName(), catalog.product(1).priceCents());
        }

        catalog.placeOrder(new Order(1, 1, 2, "NEW"));
        catalog.order(1);
        catalog.updateOrderStatus(1, "PAID");
        before = db.statements();
        System.out.printf(Locale.ROOT, "invalidation      -> order 1 is %s after the update (%d query to reload it)%n",
            catalog.order(1).status(), db.statements() - before);
    }

    private static void report(final String what, final int reads, final long queries, final long[] nanos) {
        final long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "%-17s -> %,d reads, %,d database queries, latency us p50=%.1f p90=%.1f p99=%.1f p99.9=%.1f%n",
            what, reads, queries, micros(sorted, 0.50), micros(sorted, 0.90), micros(sorted, 0.99), micros(sorted, 0.999));
    }

    private static double micros(final long[] sorted, final double quantile) {
        final int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1_000.0;
    }
}
