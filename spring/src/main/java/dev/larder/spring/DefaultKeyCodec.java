package dev.larder.spring;

import dev.larder.core.Codec;
import dev.larder.core.Codecs;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The default key codec of {@link LarderCacheManager}: Spring cache keys are arbitrary objects
 * (a {@code String}, a number, a {@link org.springframework.cache.interceptor.SimpleKey}, ...).
 *
 * <p>Format: one tag byte, then the key. {@code String} keys are UTF-8, {@code Long} and
 * {@code Integer} keys their fixed-width little-endian bytes, anything else Java serialization
 * ({@link JavaSerializationCodec}). The tag keeps {@code "1"}, {@code 1} and {@code 1L} apart, as
 * they are apart under {@code equals}. Keys are compared by their bytes, so equal keys must
 * serialize to equal bytes: true of strings, numbers, enums, records of those and
 * {@code SimpleKey}s of those; a key type that is not needs its own codec.
 */
public final class DefaultKeyCodec implements Codec<Object> {

    private static final byte TAG_SERIALIZED = 0;
    private static final byte TAG_STRING = 1;
    private static final byte TAG_LONG = 2;
    private static final byte TAG_INT = 3;

    private static final DefaultKeyCodec INSTANCE = new DefaultKeyCodec(JavaSerializationCodec.create());

    private final JavaSerializationCodec serialization;

    private DefaultKeyCodec(final JavaSerializationCodec serialization) {
        this.serialization = serialization;
    }

    /** @return the shared instance, resolving classes through the thread context class loader */
    public static DefaultKeyCodec create() {
        return INSTANCE;
    }

    /**
     * @param serialization the codec used for keys that are neither strings nor integers
     * @return a key codec that uses it
     */
    public static DefaultKeyCodec withSerialization(final JavaSerializationCodec serialization) {
        return new DefaultKeyCodec(java.util.Objects.requireNonNull(serialization, "codec must not be null"));
    }

    @Override
    public int encode(final Object key, final MutableDirectBuffer buffer, final int offset) {
        if (key instanceof String s) {
            buffer.putByte(offset, TAG_STRING);
            return 1 + Codecs.utf8().encode(s, buffer, offset + 1);
        }
        if (key instanceof Long l) {
            buffer.putByte(offset, TAG_LONG);
            buffer.putLong(offset + 1, l);
            return 1 + Long.BYTES;
        }
        if (key instanceof Integer i) {
            buffer.putByte(offset, TAG_INT);
            buffer.putInt(offset + 1, i);
            return 1 + Integer.BYTES;
        }
        buffer.putByte(offset, TAG_SERIALIZED);
        return 1 + serialization.encode(key, buffer, offset + 1);
    }

    @Override
    public Object decode(final DirectBuffer buffer, final int offset, final int length) {
        if (length < 1) {
            throw new IllegalArgumentException("a key encoded by " + id() + " has at least 1 byte, was " + length);
        }
        final byte tag = buffer.getByte(offset);
        switch (tag) {
            case TAG_STRING:
                return Codecs.utf8().decode(buffer, offset + 1, length - 1);
            case TAG_LONG:
                return Codecs.int64().decode(buffer, offset + 1, length - 1);
            case TAG_INT:
                return Codecs.int32().decode(buffer, offset + 1, length - 1);
            case TAG_SERIALIZED:
                return serialization.decode(buffer, offset + 1, length - 1);
            default:
                throw new IllegalArgumentException("unknown key tag " + tag + " (codec " + id() + ")");
        }
    }

    @Override
    public String id() {
        return "larder-spring:default-key";
    }
}
