package dev.larder.jcache;

import dev.larder.core.Codec;
import dev.larder.core.CodecException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.util.Objects;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.io.DirectBufferInputStream;

/**
 * A Larder {@link Codec} for any {@link Serializable} object, using Java serialization; the
 * JCache provider's default codec for keys and values when no Larder codec is configured.
 *
 * <p>Classes are resolved through the class loader given at construction (the cache manager's),
 * so a cache created for an application's class loader decodes that application's classes.
 *
 * <p>Keys are compared by their encoded bytes, as everywhere in Larder. Java serialization is
 * deterministic for the usual key types (strings, boxed numbers, records and simple value
 * classes), but two {@code equals} objects whose serialized forms differ (for example hash-based
 * collections with different insertion histories) are different keys here. Configure a Larder
 * codec with a canonical encoding for such keys.
 */
public final class SerializingCodec implements Codec<Object> {

    private final ClassLoader classLoader;

    /**
     * @param classLoader resolves classes when decoding; {@code null} means this class's loader
     */
    public SerializingCodec(final ClassLoader classLoader) {
        this.classLoader = classLoader != null ? classLoader : SerializingCodec.class.getClassLoader();
    }

    @Override
    public int encode(final Object value, final MutableDirectBuffer buffer, final int offset) {
        final byte[] bytes = toBytes(value);
        buffer.putBytes(offset, bytes);
        return bytes.length;
    }

    /**
     * @param value a serializable object
     * @return its Java-serialized form
     * @throws CodecException if the object (or something it references) is not serializable
     */
    public byte[] toBytes(final Object value) {
        Objects.requireNonNull(value, "value must not be null");
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (final IOException e) {
            throw new CodecException("cannot serialize an instance of " + value.getClass().getName() + ": " + e, e);
        }
        return bytes.toByteArray();
    }

    @Override
    public Object decode(final DirectBuffer buffer, final int offset, final int length) {
        try (ObjectInputStream in = new LoaderObjectInputStream(new DirectBufferInputStream(buffer, offset, length),
            classLoader)) {
            return in.readObject();
        } catch (final IOException | ClassNotFoundException e) {
            throw new CodecException("cannot deserialize " + length + " bytes: " + e, e);
        }
    }

    @Override
    public String id() {
        return "java-serialization";
    }

    /** Resolves classes through a given class loader first. */
    private static final class LoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderObjectInputStream(final InputStream in, final ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(final ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (final ClassNotFoundException e) {
                return super.resolveClass(desc); // primitives and classes of the JDK
            }
        }
    }
}
