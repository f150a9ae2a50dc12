package dev.larder.spring;

import dev.larder.core.Codec;
import java.util.Objects;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.springframework.cache.support.NullValue;

/**
 * Wraps a cache's value codec so that Spring's {@link NullValue} marker can be stored whatever
 * the codec: one header byte, {@code 0} for the marker (and nothing else), {@code 1} followed
 * by the value as the wrapped codec writes it. Used only by caches that allow null values.
 */
final class NullMarkingCodec implements Codec<Object> {

    private static final byte NULL = 0;
    private static final byte VALUE = 1;

    private final Codec<Object> delegate;

    NullMarkingCodec(final Codec<Object> delegate) {
        this.delegate = Objects.requireNonNull(delegate, "value codec must not be null");
    }

    @Override
    public int encode(final Object value, final MutableDirectBuffer buffer, final int offset) {
        if (value == NullValue.INSTANCE) {
            buffer.putByte(offset, NULL);
            return 1;
        }
        buffer.putByte(offset, VALUE);
        return 1 + delegate.encode(value, buffer, offset + 1);
    }

    @Override
    public Object decode(final DirectBuffer buffer, final int offset, final int length) {
        if (length < 1) {
            throw new IllegalArgumentException("a value encoded by " + id() + " has at least 1 byte, was " + length);
        }
        final byte header = buffer.getByte(offset);
        if (header == NULL) {
            return NullValue.INSTANCE;
        }
        if (header != VALUE) {
            throw new IllegalArgumentException("unknown value header " + header + " (codec " + id() + ")");
        }
        return delegate.decode(buffer, offset + 1, length - 1);
    }

    @Override
    public String id() {
        return "larder-spring:nullable(" + delegate.id() + ")";
    }
}
