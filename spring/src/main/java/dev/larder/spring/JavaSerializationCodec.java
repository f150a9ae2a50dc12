package dev.larder.spring;

import dev.larder.core.Codec;
import dev.larder.core.CodecException;
import dev.larder.core.Codecs;
import java.io.NotSerializableException;
import java.util.Objects;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;


/**
 * A codec for arbitrary {@link java.io.Serializable} objects, through Java serialization: the
 * default value codec of {@link LarderCacheManager}, so that any {@code Serializable} return
 * value of a {@code @Cacheable} method can be cached without configuration.
 *
 * <p>The serialization itself is core's {@link Codecs#javaSerialization()} (it streams straight
 * into Larder's growable scratch buffer); this class adds Spring-facing errors: a value that is
 * not serializable fails with an {@link UnserializableValueException} naming the offending class;
 * nothing is stored.
 *
 * <p>Decoding resolves classes through the class loader given to {@link #withClassLoader} (by
 * default the thread context class loader, falling back to this library's loader). The bytes
 * decoded are only ever bytes this process wrote into its own off-heap memory, so the usual
 * risk of deserializing untrusted input does not arise.
 *
 * <p>Java serialization is deterministic for the same object graph in the same JVM, which is
 * enough for values. For keys prefer {@link DefaultKeyCodec}, which encodes strings and numbers
 * without serialization; a key type whose serialized form depends on history (for example one
 * holding a {@code HashMap} built in different orders) needs its own codec.
 */
public final class JavaSerializationCodec implements Codec<Object> {

    private static final JavaSerializationCodec DEFAULT = new JavaSerializationCodec(Codecs.javaSerialization());

    private final Codec<Object> serialization;

    private JavaSerializationCodec(final Codec<Object> serialization) {
        this.serialization = serialization;
    }

    /** @return the shared codec that resolves classes through the thread context class loader */
    public static JavaSerializationCodec create() {
        return DEFAULT;
    }

    /**
     * @param classLoader the loader that resolves classes when decoding
     * @return a codec that uses {@code classLoader}
     */
    public static JavaSerializationCodec withClassLoader(final ClassLoader classLoader) {
        return new JavaSerializationCodec(Codecs.javaSerialization(
            Objects.requireNonNull(classLoader, "class loader must not be null")));
    }

    @Override
    public int encode(final Object value, final MutableDirectBuffer buffer, final int offset) {
        try {
            return serialization.encode(value, buffer, offset);
        } catch (final CodecException e) {
            if (e.getCause() instanceof NotSerializableException notSerializable) {
                throw new UnserializableValueException(notSerializable.getMessage(), String.format(
                    "cannot cache a value of type %s: %s does not implement java.io.Serializable; "
                        + "make it Serializable or configure a codec for this cache",
                    value.getClass().getName(), notSerializable.getMessage()), notSerializable);
            }
            throw unserializable(value, e.getCause() != null ? e.getCause() : e);
        } catch (final RuntimeException e) { // thrown by the value's own writeObject
            throw unserializable(value, e);
        }
    }

    private static UnserializableValueException unserializable(final Object value, final Throwable cause) {
        return new UnserializableValueException(value.getClass().getName(), String.format(
            "cannot cache a value of type %s: Java serialization failed: %s", value.getClass().getName(), cause), cause);
    }

    @Override
    public Object decode(final DirectBuffer buffer, final int offset, final int length) {
        try {
            return serialization.decode(buffer, offset, length);
        } catch (final CodecException e) {
            throw new IllegalStateException("Java deserialization of " + length + " cached bytes failed: " + e.getCause(), e);
        }
    }

    @Override
    public String id() {
        return "larder-spring:java-serialization";
    }
}
