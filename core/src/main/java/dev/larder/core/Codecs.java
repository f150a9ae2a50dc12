package dev.larder.core;

import java.nio.charset.StandardCharsets;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The built-in codecs. All are stateless and thread-safe; all but {@link #javaSerialization()}
 * allocate nothing when encoding.
 *
 * <table>
 *   <caption>Built-in codecs</caption>
 *   <tr><th>codec</th><th>type</th><th>format</th></tr>
 *   <tr><td>{@link #utf8()}</td><td>{@code String}</td><td>UTF-8 bytes, no length prefix</td></tr>
 *   <tr><td>{@link #bytes()}</td><td>{@code byte[]}</td><td>the bytes as they are</td></tr>
 *   <tr><td>{@link #int64()}</td><td>{@code Long}</td><td>8 bytes, little-endian</td></tr>
 *   <tr><td>{@link #int32()}</td><td>{@code Integer}</td><td>4 bytes, little-endian</td></tr>
 *   <tr><td>{@link #javaSerialization()}</td><td>any {@code Serializable}</td><td>Java serialization
 *       (allocates while encoding, as Java serialization does)</td></tr>
 * </table>
 */
public final class Codecs {

    private static final Codec<String> UTF8 = new Utf8Codec();
    private static final Codec<byte[]> BYTES = new BytesCodec();
    private static final Codec<Long> INT64 = new Int64Codec();
    private static final Codec<Integer> INT32 = new Int32Codec();
    private static final Codec<Object> JAVA_SERIALIZATION = new JavaSerializationCodec(null);

    private Codecs() {
    }

    /** @return the UTF-8 string codec */
    public static Codec<String> utf8() {
        return UTF8;
    }

    /**
     * The raw byte array codec. A cache with it reads some of the caller's arrays in place during a
     * call (a lookup's key; the value of {@code put}, {@code put} with a TTL and {@code getAndPut})
     * instead of encoding copies of them first, so an array must not be changed by another thread
     * while a call that was given it runs: a lookup would compare against changing bytes, a put
     * could store a torn value. Once the call returns, the cache holds no reference to it.
     *
     * @return the raw byte array codec
     */
    public static Codec<byte[]> bytes() {
        return BYTES;
    }

    /**
     * @param codec a codec
     * @return whether it is {@link #bytes()}, whose encoding of an array is the array itself
     */
    static boolean isBytes(final Codec<?> codec) {
        return codec == BYTES;
    }

    /** @return the 64-bit integer codec */
    public static Codec<Long> int64() {
        return INT64;
    }

    /** @return the 32-bit integer codec */
    public static Codec<Integer> int32() {
        return INT32;
    }

    /**
     * Java serialization for any {@link java.io.Serializable} object; classes are resolved through
     * the decoding thread's context class loader. A value that cannot be serialized fails with a
     * {@link CodecException} naming its class, and nothing is stored.
     *
     * @param <T> the cached type (the codec casts what it decodes)
     * @return the Java-serialization codec
     */
    @SuppressWarnings("unchecked")
    public static <T> Codec<T> javaSerialization() {
        return (Codec<T>) JAVA_SERIALIZATION;
    }

    /**
     * Java serialization, resolving classes through {@code classLoader} when decoding (for
     * example an application's loader in a container).
     *
     * @param classLoader resolves classes when decoding
     * @param <T>         the cached type
     * @return a Java-serialization codec bound to that loader
     */
    @SuppressWarnings("unchecked")
    public static <T> Codec<T> javaSerialization(final ClassLoader classLoader) {
        return (Codec<T>) new JavaSerializationCodec(java.util.Objects.requireNonNull(classLoader,
            "class loader must not be null"));
    }

    /** UTF-8 without a length prefix; encodes char by char so that encoding allocates nothing. */
    private static final class Utf8Codec implements Codec<String> {
        private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[256]);

        @Override
        public int encode(final String value, final MutableDirectBuffer buffer, final int offset) {
            final int n = value.length();
            int pos = offset;
            for (int i = 0; i < n; i++) {
                final char c = value.charAt(i);
                if (c < 0x80) {
                    buffer.putByte(pos++, (byte) c);
                } else if (c < 0x800) {
                    buffer.putByte(pos++, (byte) (0xC0 | (c >> 6)));
                    buffer.putByte(pos++, (byte) (0x80 | (c & 0x3F)));
                } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                    final int cp = Character.toCodePoint(c, value.charAt(++i));
                    buffer.putByte(pos++, (byte) (0xF0 | (cp >> 18)));
                    buffer.putByte(pos++, (byte) (0x80 | ((cp >> 12) & 0x3F)));
                    buffer.putByte(pos++, (byte) (0x80 | ((cp >> 6) & 0x3F)));
                    buffer.putByte(pos++, (byte) (0x80 | (cp & 0x3F)));
                } else if (Character.isSurrogate(c)) {
                    buffer.putByte(pos++, (byte) '?'); // lone surrogate, as String.getBytes(UTF_8) does
                } else {
                    buffer.putByte(pos++, (byte) (0xE0 | (c >> 12)));
                    buffer.putByte(pos++, (byte) (0x80 | ((c >> 6) & 0x3F)));
                    buffer.putByte(pos++, (byte) (0x80 | (c & 0x3F)));
                }
            }
            return pos - offset;
        }

        @Override
        public String decode(final DirectBuffer buffer, final int offset, final int length) {
            byte[] scratch = SCRATCH.get();
            if (scratch.length < length) {
                scratch = new byte[Math.max(length, scratch.length * 2)];
                SCRATCH.set(scratch);
            }
            buffer.getBytes(offset, scratch, 0, length);
            return new String(scratch, 0, length, StandardCharsets.UTF_8);
        }

        @Override
        public String id() {
            return "larder:utf8";
        }
    }

    private static final class BytesCodec implements Codec<byte[]> {
        @Override
        public int encode(final byte[] value, final MutableDirectBuffer buffer, final int offset) {
            buffer.putBytes(offset, value);
            return value.length;
        }

        @Override
        public byte[] decode(final DirectBuffer buffer, final int offset, final int length) {
            final byte[] out = new byte[length];
            buffer.getBytes(offset, out);
            return out;
        }

        @Override
        public String id() {
            return "larder:bytes";
        }
    }

    private static final class Int64Codec implements Codec<Long> {
        @Override
        public int encode(final Long value, final MutableDirectBuffer buffer, final int offset) {
            buffer.putLong(offset, value);
            return Long.BYTES;
        }

        @Override
        public Long decode(final DirectBuffer buffer, final int offset, final int length) {
            if (length != Long.BYTES) {
                throw new IllegalArgumentException("int64 value must be 8 bytes, was " + length);
            }
            return buffer.getLong(offset);
        }

        @Override
        public String id() {
            return "larder:int64";
        }
    }

    private static final class Int32Codec implements Codec<Integer> {
        @Override
        public int encode(final Integer value, final MutableDirectBuffer buffer, final int offset) {
            buffer.putInt(offset, value);
            return Integer.BYTES;
        }

        @Override
        public Integer decode(final DirectBuffer buffer, final int offset, final int length) {
            if (length != Integer.BYTES) {
                throw new IllegalArgumentException("int32 value must be 4 bytes, was " + length);
            }
            return buffer.getInt(offset);
        }

        @Override
        public String id() {
            return "larder:int32";
        }
    }
}
