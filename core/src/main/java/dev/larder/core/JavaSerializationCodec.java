package dev.larder.core;

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
 * Java serialization of any {@link java.io.Serializable} object ({@link Codecs#javaSerialization()}):
 * the codec for caching application objects without writing a codec, as Spring's and JCache's
 * defaults do.
 *
 * <p>Encoding streams straight into the caller's (growable) buffer: no intermediate
 * {@code byte[]} of the whole value. An object that is not serializable (or holds one that is not)
 * fails with a {@link CodecException} whose message names the offending class and whose cause is
 * the {@link NotSerializableException}; nothing is stored.
 *
 * <p>Decoding resolves classes through the class loader given at construction, or, without one,
 * through the thread context class loader of the decoding thread (falling back to Larder's own).
 * The bytes decoded are only ever bytes this process wrote into its own off-heap memory, so the
 * usual risk of deserializing untrusted input does not arise.
 *
 * <p>As keys, serialized forms compare byte by byte: deterministic for strings, boxed numbers,
 * records and simple value classes, but two {@code equals} objects whose serialized forms differ
 * (for example hash-based collections with different insertion histories) are different keys.
 */
final class JavaSerializationCodec implements Codec<Object> {

    /** Null: the decoding thread's context class loader. */
    private final ClassLoader classLoader;

    JavaSerializationCodec(final ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    @Override
    public int encode(final Object value, final MutableDirectBuffer buffer, final int offset) {
        Objects.requireNonNull(value, "value must not be null");
        final BufferOutput out = new BufferOutput(buffer, offset);
        try (ObjectOutputStream oos = new ObjectOutputStream(out)) {
            oos.writeObject(value);
        } catch (final NotSerializableException e) {
            throw new CodecException(String.format(
                "cannot serialize an instance of %s: %s does not implement java.io.Serializable",
                value.getClass().getName(), e.getMessage()), e);
        } catch (final IOException e) {
            throw new CodecException(String.format("cannot serialize an instance of %s: %s",
                value.getClass().getName(), e), e);
        }
        return out.position - offset;
    }

    @Override
    public Object decode(final DirectBuffer buffer, final int offset, final int length) {
        try (ObjectInputStream in = new LoaderObjectInputStream(new BufferInput(buffer, offset, length), loader())) {
            return in.readObject();
        } catch (final IOException | ClassNotFoundException e) {
            throw new CodecException(String.format("cannot deserialize %,d bytes: %s", length, e), e);
        }
    }

    @Override
    public String id() {
        return "larder:java-serialization";
    }

    private ClassLoader loader() {
        if (classLoader != null) {
            return classLoader;
        }
        final ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : JavaSerializationCodec.class.getClassLoader();
    }

    /** Writes into the buffer from an offset; an expandable buffer grows as needed. */
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

    /** Reads {@code length} bytes of a buffer that is valid only during {@link #decode}. */
    private static final class BufferInput extends InputStream {
        private final DirectBuffer buffer;
        private final int end;
        private int position;

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

    /** Resolves classes through a given loader first, then as Java serialization does by default. */
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
                return super.resolveClass(desc); // primitive types and the JDK's classes
            }
        }
    }
}
