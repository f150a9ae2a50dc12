package dev.larder.spring;

import dev.larder.core.Codec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.util.Objects;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * A codec for arbitrary {@link java.io.Serializable} objects, through Java serialization: the
 * default value codec of {@link LarderCacheManager}, so that any {@code Serializable} return
 * value of a {@code @Cacheable} method can be cached without configuration.
 *
 * <p>Encoding streams straight into Larder's growable scratch buffer (no intermediate
 * {@code byte[]}). A value that is not serializable fails with an
 * {@link UnserializableValueException} naming the offending class; nothing is stored.
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

    private static final JavaSerializationCodec DEFAULT = new JavaSerializationCodec(null);

    /** Null means "the thread context class loader at decode time". */
    private final ClassLoader classLoader;

    private JavaSerializationCodec(final ClassLoader classLoader) {
        this.classLoader = classLoader;
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
        return new JavaSerializationCodec(Objects.requireNonNull(classLoader, "class loader must not be null"));
    }

    @Override
    public int encode(final Object value, final MutableDirectBuffer buffer, final int offset) {
        final BufferOutput out = new BufferOutput(buffer, offset);
        try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
            oos.writeObject(value);
        } catch (final NotSerializableException e) {
            throw new UnserializableValueException(e.getMessage(), String.format(
                "cannot cache a value of type %s: %s does not implement java.io.Serializable; "
                    + "make it Serializable or configure a codec for this cache",
                value.getClass().getName(), e.getMessage()), e);
        } catch (final IOException | RuntimeException e) {
            throw new UnserializableValueException(value.getClass().getName(), String.format(
                "cannot cache a value of type %s: Java serialization failed: %s", value.getClass().getName(), e), e);
        }
        return out.position - offset;
    }

    @Override
    public Object decode(final DirectBuffer buffer, final int offset, final int length) {
        try (ObjectInputStream in = new LoaderObjectInputStream(new BufferInput(buffer, offset, length), loader())) {
            return in.readObject();
        } catch (final IOException | ClassNotFoundException e) {
            throw new IllegalStateException("Java deserialization of " + length + " cached bytes failed: " + e, e);
        }
    }

    @Override
    public String id() {
        return "larder-spring:java-serialization";
    }

    private ClassLoader loader() {
        if (classLoader != null) {
            return classLoader;
        }
        final ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : JavaSerializationCodec.class.getClassLoader();
    }

    /** Writes into the (growable) Agrona buffer; writing past its capacity expands it. */
    private static final class BufferOutput extends OutputStream {
        private final MutableDirectBuffer buffer;
        private int position;

        BufferOutput(final MutableDirectBuffer buffer, final int offset) {
            this.buffer = buffer;
            this.position = offset;
        }

        @Override
        public void write(final int b) {
            buffer.putByte(position++, (byte) b);
        }

        @Override
        public void write(final byte[] b, final int off, final int len) {
            buffer.putBytes(position, b, off, len);
            position += len;
        }
    }

    /** Reads {@code length} bytes of the buffer, which is only valid during {@link #decode}. */
    private static final class BufferInput extends InputStream {
        private final DirectBuffer buffer;
        private int position;
        private final int end;

        BufferInput(final DirectBuffer buffer, final int offset, final int length) {
            this.buffer = buffer;
            this.position = offset;
            this.end = offset + length;
        }

        @Override
        public int read() {
            return position < end ? buffer.getByte(position++) & 0xFF : -1;
        }

        @Override
        public int read(final byte[] b, final int off, final int len) {
            if (len == 0) {
                return 0;
            }
            final int n = Math.min(len, end - position);
            if (n <= 0) {
                return -1;
            }
            buffer.getBytes(position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public int available() {
            return end - position;
        }
    }

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
                return super.resolveClass(desc);
            }
        }
    }
}
