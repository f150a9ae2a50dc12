package dev.larder.core;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Turns values of type {@code T} into bytes and back.
 *
 * <p>A codec writes into and reads from Agrona buffers, so any serializer can be plugged in:
 * write its output with {@link MutableDirectBuffer#putBytes(int, byte[])} or directly field by
 * field. Larder encodes into a private, growable scratch buffer first and copies the bytes into
 * native memory only once encoding has succeeded, so a codec that throws half-way leaves the
 * store untouched.
 *
 * <p>Implementations must be thread-safe (built-in codecs are stateless) and deterministic:
 * equal values must encode to equal bytes, because keys are compared byte for byte and
 * {@code replace(k, old, new)} / {@code remove(k, v)} compare encoded values.
 *
 * @param <T> the type of value this codec handles
 */
public interface Codec<T> {

    /**
     * Writes {@code value} into {@code buffer} starting at {@code offset}.
     *
     * @param value  the value to encode, never {@code null}
     * @param buffer a growable buffer: writing past its current capacity expands it
     * @param offset where to start writing
     * @return the number of bytes written
     */
    int encode(T value, MutableDirectBuffer buffer, int offset);

    /**
     * Reads a value from {@code length} bytes of {@code buffer} starting at {@code offset}.
     *
     * @param buffer the buffer holding the encoded bytes (may be a view of native memory that is
     *               only valid for the duration of this call)
     * @param offset where the encoded bytes start
     * @param length how many bytes the encoded value has
     * @return the decoded value
     */
    T decode(DirectBuffer buffer, int offset, int length);

    /**
     * A stable identifier of this codec's format, used to detect that a cache name is reused with
     * a different codec. Defaults to the implementation's class name.
     *
     * @return the codec's identity
     */
    default String id() {
        return getClass().getName();
    }
}
