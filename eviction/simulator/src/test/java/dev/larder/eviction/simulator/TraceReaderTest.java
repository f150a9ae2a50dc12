package dev.larder.eviction.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TraceReaderTest {
    private static final String TEXT = "42\n-7\n\n9223372036854775807\n  13  \r\n# a comment\n42\n";
    private static final long[] KEYS = {42, -7, Long.MAX_VALUE, 13, 42};

    @TempDir
    Path dir;

    @Test
    void readsPlainText() throws IOException {
        final Path f = dir.resolve("plain.trace");
        Files.writeString(f, TEXT, StandardCharsets.US_ASCII);
        assertThat(TraceReader.read(f)).containsExactly(KEYS);
    }

    @Test
    void readsGzipByMagicBytesWhateverTheName() throws IOException {
        for (final String name : new String[] {"a.trace.gz", "b.trace"}) {
            final Path f = dir.resolve(name);
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
                out.write(TEXT.getBytes(StandardCharsets.US_ASCII));
            }
            assertThat(Files.readAllBytes(f)[0]).isEqualTo((byte) 0x1f);
            assertThat(TraceReader.read(f)).as(name).containsExactly(KEYS);
        }
    }

    @Test
    void plainFileNamedGzIsStillReadAsPlain() throws IOException {
        final Path f = dir.resolve("misnamed.gz");
        Files.writeString(f, TEXT, StandardCharsets.US_ASCII);
        assertThat(TraceReader.read(f)).containsExactly(KEYS);
    }

    @Test
    void emptyAndOneByteInputs() throws IOException {
        assertThat(TraceReader.read(new ByteArrayInputStream(new byte[0]), "empty")).isEmpty();
        assertThat(TraceReader.read(new ByteArrayInputStream("7".getBytes(StandardCharsets.US_ASCII)), "one")).containsExactly(7);
    }

    @Test
    void badLineIsAnErrorNamingTheLine() throws IOException {
        final Path f = dir.resolve("bad.trace");
        Files.writeString(f, "1\n2\nthree\n", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> TraceReader.read(f)).isInstanceOf(IOException.class).hasMessageContaining("bad.trace:3")
            .hasMessageContaining("three");
    }

    @Test
    void distinctCountsKeysOnce() {
        assertThat(TraceReader.distinct(KEYS)).isEqualTo(4);
        assertThat(TraceReader.distinct(new long[0])).isZero();
    }

    /** The committed copies of the shared traces match their README. */
    @ParameterizedTest
    @CsvSource({"multi1.trace.gz, 15858, 2606", "sprite.trace.gz, 133996, 7075", "loop.trace.gz, 505500, 1011",
        "2_pools.trace.gz, 100000, 9939"})
    void committedTracesMatchTheirReadme(final String name, final int accesses, final int distinct) {
        final long[] keys = TestTraces.load(name);
        assertThat(keys).hasSize(accesses);
        assertThat(TraceReader.distinct(keys)).isEqualTo(distinct);
    }
}
