package dev.larder.jmh.larder;

import dev.larder.core.ValueReader;
import org.agrona.DirectBuffer;

/** Larder read in place: {@code cache.read(key, READER)} with a static, non-capturing reader. */
public final class LarderZeroCopyStore extends LarderStore {

    /**
     * Touches the first, middle and last byte and the length, so the value is really read; the
     * result is a {@link Byte}, whose boxes all come from the JDK's cache, so it allocates nothing.
     */
    public static final ValueReader<Byte> READER = LarderZeroCopyStore::fold;

    /**
     * @param keys   keys, or null
     * @param budget maxMemory in bytes
     */
    public LarderZeroCopyStore(final byte[][] keys, final long budget) {
        super(keys, budget);
    }

    /**
     * @param keys    keys, or null
     * @param budget  maxMemory in bytes
     * @param variant see {@link LarderStore#LarderStore(byte[][], long, String)}
     */
    public LarderZeroCopyStore(final byte[][] keys, final long budget, final String variant) {
        super(keys, budget, variant);
    }

    private static Byte fold(final DirectBuffer buffer, final int offset, final int length) {
        if (length == 0) {
            return Byte.valueOf((byte) 0);
        }
        final int s = buffer.getByte(offset) + buffer.getByte(offset + (length >> 1))
            + buffer.getByte(offset + length - 1) + length;
        return Byte.valueOf((byte) s);
    }

    @Override
    public Object get(final int id) {
        return cache.read(keys[id], READER);
    }
}
