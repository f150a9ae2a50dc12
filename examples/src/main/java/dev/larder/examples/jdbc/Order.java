package dev.larder.examples.jdbc;

import java.util.Objects;

/**
 * A row of the {@code larder_orders} table; {@code productId} references a product, so a product
 * with orders cannot be deleted.
 *
 * @param id        primary key
 * @param productId the ordered product
 * @param quantity  units ordered, positive
 * @param status    for example {@code NEW}, {@code PAID}, {@code SHIPPED}
 */
public record Order(long id, long productId, int quantity, String status) {

    /**
     * @throws NullPointerException if {@code status} is {@code null}
     */
    public Order {
        Objects.requireNonNull(status, "status must not be null");
    }
}
