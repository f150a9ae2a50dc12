package dev.larder.examples.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class JdbcDemoTest {

    private static final Pattern RUN = Pattern.compile("(without cache|with cache)\\s+-> ([\\d,]+) reads, ([\\d,]+) database queries, "
        + "latency us p50=[\\d.]+ p90=[\\d.]+ p99=[\\d.]+ p99.9=[\\d.]+");

    @Test
    void demoRunsOnH2AndTheCacheSavesQueries() throws Exception {
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            JdbcDemo.main(new String[] {"jdbc:h2:mem:demo-test;DB_CLOSE_DELAY=-1", "500", "5000"});
        } finally {
            System.setOut(original);
        }
        final String output = captured.toString(StandardCharsets.UTF_8);
        original.print(output);

        final Matcher m = RUN.matcher(output);
        assertThat(m.find()).as("a 'without cache' line").isTrue();
        assertThat(m.group(1)).isEqualTo("without cache");
        final long direct = Long.parseLong(m.group(3).replace(",", ""));
        assertThat(m.find()).as("a 'with cache' line").isTrue();
        assertThat(m.group(1)).isEqualTo("with cache");
        final long cached = Long.parseLong(m.group(3).replace(",", ""));

        assertThat(direct).isEqualTo(5_000);
        // One query per distinct product read at most: far fewer than one per read.
        assertThat(cached).isPositive().isLessThanOrEqualTo(500);
        assertThat(output)
            .contains("seeded            -> 500 products")
            .containsPattern("write-through     -> price of 1 now (\\d+); read back \\1 with 0 queries")
            .containsPattern("rejected update   -> \\w*SQL\\w*Exception; cached price still \\d+")
            .contains("invalidation      -> order 1 is PAID after the update (1 query to reload it)");
    }
}
