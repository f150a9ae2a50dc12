package dev.larder.examples.jdbc;

import dev.larder.core.Codec;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Binary codecs that store {@link Product} and {@link Order} rows off heap: fixed-width fields
 * first, then the UTF-8 string with Agrona's 4-byte length prefix.
 */
public final class RowCodecs {

    private RowCodecs() {
    }

    /** @return the codec for products: id, price, stock, name */
    public static Codec<Product> product() {
        return PRODUCT;
    }

    /** @return the codec for orders: id, product id, quantity, status */
    public static Codec<Order> order() {
        return ORDER;
    }

    private static final Codec<Product> PRODUCT = new Codec<>() {
        @Override
        public int encode(final Product p, final MutableDirectBuffer buffer, final int offset) {
            buffer.putLong(offset, p.id());
            buffer.putLong(offset + 8, p.priceCents());
            buffer.putInt(offset + 16, p.stock());
            return 20 + buffer.putStringUtf8(offset + 20, p.name());
        }

        @Override
        public Product decode(final DirectBuffer buffer, final int offset, final int length) {
            return new Product(buffer.getLong(offset), buffer.getStringUtf8(offset + 20), buffer.getLong(offset + 8),
                buffer.getInt(offset + 16));
        }

        @Override
        public String id() {
            return "examples.product.v1";
        }
    };

    private static final Codec<Order> ORDER = new Codec<>() {
        @Override
        public int encode(final Order o, final MutableDirectBuffer buffer, final int offset) {
            buffer.putLong(offset, o.id());
            buffer.putLong(offset + 8, o.productId());
            buffer.putInt(offset + 16, o.quantity());
            return 20 + buffer.putStringUtf8(offset + 20, o.status());
        }

        @Override
        public Order decode(final DirectBuffer buffer, final int offset, final int length) {
            return new Order(buffer.getLong(offset), buffer.getLong(offset + 8), buffer.getInt(offset + 16),
                buffer.getStringUtf8(offset + 20));
        }

        @Override
        public String id() {
            return "examples.order.v1";
        }
    };
}
