package dev.larder.eviction.simulator;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads a trace: one key per line, a decimal {@code long}, in access order. The file may be gzip'd
 * or plain; which one is decided by the gzip magic bytes ({@code 1f 8b}), not by the file name.
 * Blank lines and lines starting with {@code #} are skipped; anything else that is not a decimal
 * long is an error naming the line.
 */
public final class TraceReader {

    private TraceReader() {
    }

    /**
     * @param file a trace file
     * @return its keys in order
     * @throws IOException if it cannot be read or a line is not a key
     */
    public static long[] read(final Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        }
    }

    /**
     * @param in     a trace, gzip'd or plain (not closed here)
     * @param source its name, for error messages
     * @return its keys in order
     * @throws IOException if it cannot be read or a line is not a key
     */
    public static long[] read(final InputStream in, final String source) throws IOException {
        final BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        buffered.mark(2);
        final int b0 = buffered.read();
        final int b1 = buffered.read();
        buffered.reset();
        final InputStream decoded = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(buffered, 1 << 16) : buffered;
        final BufferedReader reader = new BufferedReader(new InputStreamReader(decoded, StandardCharsets.US_ASCII), 1 << 16);
        long[] keys = new long[1 << 16];
        int n = 0;
        long lineNo = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNo++;
            final String s = line.strip();
            if (s.isEmpty() || s.charAt(0) == '#') {
                continue;
            }
            final long key;
            try {
                key = Long.parseLong(s);
            } catch (final NumberFormatException e) {
                throw new IOException(source + ":" + lineNo + ": not a decimal key: '" + abbreviate(s) + "'", e);
            }
            if (n == keys.length) {
                keys = Arrays.copyOf(keys, keys.length * 2);
            }
            keys[n++] = key;
        }
        return Arrays.copyOf(keys, n);
    }

    /**
     * @param keys a trace
     * @return how many distinct keys it has
     */
    public static int distinct(final long[] keys) {
        final long[] sorted = keys.clone();
        Arrays.sort(sorted);
        int d = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                d++;
            }
        }
        return d;
    }

    private static String abbreviate(final String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}
