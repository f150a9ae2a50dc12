package dev.larder.jmh;

import java.util.Arrays;

/**
 * A byte[] key with content equality for the on-heap maps (Caffeine, ConcurrentHashMap) and
 * Ehcache, whose lookups use {@code hashCode()}/{@code equals()}; a bare byte[] would compare by
 * identity. The hash is computed once, as {@link String} caches its hash.
 */
public final class BytesKey {
    final byte[] bytes;
    private final int hash;

    /** @param bytes the key's bytes, not copied */
    public BytesKey(final byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    /** @return the key's bytes (not a copy) */
    public byte[] bytes() {
        return bytes;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof BytesKey && ((BytesKey) o).hash == hash && Arrays.equals(((BytesKey) o).bytes, bytes);
    }

    /**
     * @param keys byte[] keys
     * @return one wrapper per key, same order
     */
    public static BytesKey[] wrap(final byte[][] keys) {
        final BytesKey[] out = new BytesKey[keys.length];
        for (int i = 0; i < keys.length; i++) {
            out[i] = new BytesKey(keys[i]);
        }
        return out;
    }
}
