package dev.larder.jcache;

import dev.larder.core.Codec;
import dev.larder.core.CodecException;
import dev.larder.core.Codecs;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;


/**
 * A Larder {@link Codec} for any {@link Serializable} object, using Java serialization; the
 * JCache provider's default codec for keys and values when no Larder codec is configured.
 *
 * <p>The serialization is core's {@link Codecs#javaSerialization(ClassLoader)}; classes are
 * resolved through the class loader given at construction (the cache manager's), so a cache
 * created for an application's class loader decodes that application's classes. Failures are
 * {@link CodecException}s naming the class.
 *
 * <p>Keys are compared by their encoded bytes, as everywhere in Larder. Java serialization is
 * deterministic for the usual key types (strings, boxed numbers, records and simple value
 * classes), but two {@code equals} objects whose serialized forms differ (for example hash-based
 * collections with different insertion histories) are different keys here. Configure a Larder
 * codec with a canonical encoding for such keys.
 */
public final class SerializingCodec implements Codec<Object> {

    private final Codec<Object> serialization;

    /**
     * @param classLoader resolves classes when decoding; {@code null} means this class's loader
     */
    public SerializingCodec(final ClassLoader classLoader) {
        this.serialization = Codecs.javaSerialization(
            classLoader != null ? classLoader : SerializingCodec.class.getClassLoader());
    }

    @Override
    public int encode(final Object value, final MutableDirectBuffer buffer, final int offset) {
        return serialization.encode(value, buffer, offset);
    }

    /**
     * @param value a serializable object
     * @return its Java-serialized form
     * @throws CodecException if the object (or something it references) is not serializable
     */
    public byte[] toBytes(final Object value) {
        Objects.requireNonNull(value, "value must not be null");
        final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(64);
        final int length = serialization.encode(value, buffer, 0);
        return Arrays.copyOf(buffer.byteArray(), length);
    }

    @Override
    public Object decode(final DirectBuffer buffer, final int offset, final int length) {
        return serialization.decode(buffer, offset, length);
    }

    @Override
    public String id() {
        return "java-serialization";
    }
}
