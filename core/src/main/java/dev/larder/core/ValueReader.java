package dev.larder.core;

import org.agrona.DirectBuffer;

/**
 * A zero-copy view of a stored value, given to the caller of {@link Cache#read(Object, ValueReader)}.
 *
 * <p>The buffer is a view of the entry's bytes in native memory. It is valid only for the
 * duration of the call: do not keep a reference to it. While the callback runs the entry is
 * pinned, so it cannot be freed or reused, and the bytes never change under the reader.
 * The callback must not write to the same Larder (a write that needs to evict could wait for
 * this very pin).
 *
 * @param <R> what the reader produces from the bytes
 */
@FunctionalInterface
public interface ValueReader<R> {

    /**
     * Reads the value.
     *
     * @param buffer a read-only view of native memory
     * @param offset where the value starts in {@code buffer}
     * @param length the value's length in bytes
     * @return the caller's result; returned as is by {@link Cache#read}
     */
    R read(DirectBuffer buffer, int offset, int length);
}
