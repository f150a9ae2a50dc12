package dev.larder.examples.jdbc;

import java.util.concurrent.atomic.AtomicInteger;

/** The DAO suite on embedded H2: a fresh in-memory database per test. */
class H2CatalogTest extends CatalogContract {

    private static final AtomicInteger DATABASES = new AtomicInteger();

    @Override
    String url() {
        return "jdbc:h2:mem:catalog" + DATABASES.incrementAndGet() + ";DB_CLOSE_DELAY=-1";
    }
}
