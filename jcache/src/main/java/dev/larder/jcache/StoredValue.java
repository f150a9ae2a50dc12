package dev.larder.jcache;

import dev.larder.core.Codec;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * What a JCache entry keeps in its Larder cache: the encoded value and the time it expires.
 *
 * <p>JSR-107 expiry ("unchanged" on update or access, {@code Duration.ZERO}, a deadline decided
 * in the same atomic step as the value) needs the deadline to travel with the value, so the
 * provider keeps it in an 8-byte header in front of the value's bytes rather than in Larder's
 * per-entry time to live. This is also what {@code unwrap(dev.larder.core.Cache.class)} exposes.
 *
 * @param expiresAt the provider clock's millisecond at which the entry expires;
 *                  {@link Long#MAX_VALUE} means never
 * @param bytes     the value, encoded by the cache's value codec
 */
public record StoredValue(long expiresAt, byte[] bytes) {

    /** {@link #expiresAt()} of an entry that never expires. */
    public static final long ETERNAL = Long.MAX_VALUE;

    /**
     * @param now the provider clock's current millisecond
     * @return whether the entry is still alive at {@code now}
     */
    public boolean isLive(final long now) {
        return now < expiresAt;
    }

    /**
     * @param newExpiresAt the new deadline
     * @return a copy with another deadline and the same bytes
     */
    StoredValue withExpiry(final long newExpiresAt) {
        return new StoredValue(newExpiresAt, bytes);
    }

    /** The Larder codec of stored values: the deadline (8 bytes, little-endian) then the value bytes. */
    static final class StoredValueCodec implements Codec<StoredValue> {
        static final StoredValueCodec INSTANCE = new StoredValueCodec();

        @Override
        public int encode(final StoredValue value, final MutableDirectBuffer buffer, final int offset) {
            buffer.putLong(offset, value.expiresAt);
            buffer.putBytes(offset + Long.BYTES, value.bytes);
            return Long.BYTES + value.bytes.length;
        }

        @Override
        public StoredValue decode(final DirectBuffer buffer, final int offset, final int length) {
            final byte[] bytes = new byte[length - Long.BYTES];
            buffer.getBytes(offset + Long.BYTES, bytes);
            return new StoredValue(buffer.getLong(offset), bytes);
        }

        @Override
        public String id() {
            return "larder-jcache-stored-value-v1";
        }
    }
}
