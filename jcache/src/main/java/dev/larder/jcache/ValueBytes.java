package dev.larder.jcache;

import dev.larder.core.Codec;
import dev.larder.core.CodecException;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** Turns keys or values into bytes and back with a Larder codec; every decode is a fresh copy (store-by-value). */
final class ValueBytes<T> {

    private static final ThreadLocal<ExpandableArrayBuffer> SCRATCH =
        ThreadLocal.withInitial(() -> new ExpandableArrayBuffer(256));

    private final Codec<T> codec;

    ValueBytes(final Codec<T> codec) {
        this.codec = codec;
    }

    Codec<T> codec() {
        return codec;
    }

    byte[] toBytes(final T value) {
        if (codec instanceof SerializingCodec serializing) {
            return serializing.toBytes(value);
        }
        final ExpandableArrayBuffer buffer = SCRATCH.get();
        final int length;
        try {
            length = codec.encode(value, buffer, 0);
        } catch (final RuntimeException e) {
            throw new CodecException("codec " + codec.id() + " failed to encode: " + e, e);
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        return bytes;
    }

    T fromBytes(final byte[] bytes) {
        return codec.decode(new UnsafeBuffer(bytes), 0, bytes.length);
    }
}
