package dev.larder.examples.jdbc;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;

/**
 * The DAO suite on a real PostgreSQL server, named by the environment variable
 * {@code LARDER_PG_URL} (for example
 * {@code jdbc:postgresql://127.0.0.1:5432/larder?user=larder&password=larder}; {@code .ci/run}
 * starts such a server and sets it). Without the variable the suite is skipped locally, and fails
 * in CI ({@code CI=true} or {@code LARDER_PG_REQUIRED=true}), so CI can never pass without it.
 * The tests drop and recreate the tables {@code larder_products} and {@code larder_orders}.
 */
class PostgresCatalogTest extends CatalogContract {

    static final String URL = System.getenv("LARDER_PG_URL");

    /** Called by every test's set-up, so each test reports the reason when it is skipped. */
    static String requirePostgres() {
        if (URL == null || URL.isBlank()) {
            final boolean required = "true".equalsIgnoreCase(System.getenv("LARDER_PG_REQUIRED"))
                || "true".equalsIgnoreCase(System.getenv("CI"));
            final String reason = "LARDER_PG_URL is not set, so the PostgreSQL run of the DAO suite cannot run; "
                + "`bash .ci/run --setup-only` starts a local server and prints the URL";
            if (required) {
                fail(reason + " (required here: CI or LARDER_PG_REQUIRED is true)");
            }
            Assumptions.abort(reason);
        }
        if (!URL.startsWith("jdbc:postgresql:")) {
            fail("LARDER_PG_URL must be a jdbc:postgresql: URL, was " + URL.replaceAll("password=[^&]*", "password=***"));
        }
        return URL;
    }

    @Override
    String url() {
        return requirePostgres();
    }
}
