package dev.larder.core;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32;
import org.agrona.DirectBuffer;

/**
 * Self-checking values: {@code [key length: int][key bytes][payload][CRC32 of all before: long]},
 * so a reader can tell that a value is whole, was written by this test, and belongs to its key.
 */
final class CheckedValues {
    private CheckedValues() {
    }

    static byte[] make(final String key, final int payloadLength) {
        final byte[] k = key.getBytes(StandardCharsets.UTF_8);
        final byte[] v = new byte[4 + k.length + payloadLength + 8];
        putInt(v, 0, k.length);
        System.arraycopy(k, 0, v, 4, k.length);
        final ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = 4 + k.length; i < v.length - 8; i++) {
            v[i] = (byte) rnd.nextInt();
        }
        final CRC32 crc = new CRC32();
        crc.update(v, 0, v.length - 8);
        putLong(v, v.length - 8, crc.getValue());
        return v;
    }

    /** @return {@code null} if {@code value} is a whole value of {@code key}, else what is wrong */
    static String problem(final String key, final byte[] value) {
        if (value == null) {
            return "null value";
        }
        if (value.length < 12) {
            return "value of " + value.length + " bytes is too short";
        }
        final int klen = getInt(value, 0);
        final byte[] k = key.getBytes(StandardCharsets.UTF_8);
        if (klen != k.length || 4 + klen + 8 > value.length) {
            return "value carries a key length of " + klen + ", expected " + k.length;
        }
        for (int i = 0; i < klen; i++) {
            if (value[4 + i] != k[i]) {
                return "value belongs to key '" + new String(value, 4, klen, StandardCharsets.UTF_8) + "', read under '" + key + "'";
            }
        }
        final CRC32 crc = new CRC32();
        crc.update(value, 0, value.length - 8);
        if (crc.getValue() != getLong(value, value.length - 8)) {
            return "checksum mismatch (torn or corrupted value of " + value.length + " bytes)";
        }
        return null;
    }

    /** Checks a value in place, as a zero-copy reader sees it. */
    static String problem(final String key, final DirectBuffer buffer, final int offset, final int length) {
        final byte[] copy = new byte[length];
        buffer.getBytes(offset, copy);
        final String p = problem(key, copy);
        if (p != null) {
            return p;
        }
        // the bytes must not change while the reader holds the view
        for (int i = 0; i < length; i++) {
            if (buffer.getByte(offset + i) != copy[i]) {
                return "bytes changed under a zero-copy reader at offset " + i;
            }
        }
        return null;
    }

    private static void putInt(final byte[] b, final int at, final int v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private static int getInt(final byte[] b, final int at) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v |= (b[at + i] & 0xFF) << (8 * i);
        }
        return v;
    }

    private static void putLong(final byte[] b, final int at, final long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private static long getLong(final byte[] b, final int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (b[at + i] & 0xFFL) << (8 * i);
        }
        return v;
    }
}
