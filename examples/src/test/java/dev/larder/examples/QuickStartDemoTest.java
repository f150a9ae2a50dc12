package dev.larder.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class QuickStartDemoTest {

    @Test
    void quickStartDemoRunsAndPrintsWhatTheReadmePromises() throws Exception {
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            QuickStartDemo.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        final String output = captured.toString(StandardCharsets.UTF_8);
        original.print(output);

        assertThat(output)
            .contains("get u:1           -> Ada Lovelace")
            .contains("get u:2           -> Grace Hopper (ttl about 30 s)")
            .contains("get u:404         -> null")
            .contains("get u:3 after ttl -> null")
            .contains("zero-copy u:1     -> 12 bytes, starts with 'A': true")
            .containsPattern("stats             -> hits=\\d+ misses=\\d+ puts=3 hitRatio=")
            .containsPattern("memory            -> [\\d,]+ of 268,435,456 bytes used")
            .containsPattern("huge pages        -> (advised|not in use)")
            .contains("closed            -> all native memory returned");
    }
}
