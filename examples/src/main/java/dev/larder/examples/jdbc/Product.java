package dev.larder.examples.jdbc;

import java.util.Objects;

/**
 * A row of the {@code larder_products} table.
 *
 * @param id         primary key
 * @param name       display name
 * @param priceCents price in cents; the table rejects negative prices
 * @param stock      units in stock
 */
public record Product(long id, String name, long priceCents, int stock) {

    /**
     * @throws NullPointerException if {@code name} is {@code null}
     */
    public Product {
        Objects.requireNonNull(name, "name must not be null");
    }

    /**
     * @param newPriceCents the new price
     * @return a copy with that price
     */
    public Product withPrice(final long newPriceCents) {
        return new Product(id, name, newPriceCents, stock);
    }
}
