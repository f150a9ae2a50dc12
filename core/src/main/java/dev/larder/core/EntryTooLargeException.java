package dev.larder.core;

/**
 * A key or value is larger than the cache's {@code maxEntrySize}, the key size limit, or the
 * Larder's budget. The store is unchanged.
 */
public final class EntryTooLargeException extends LarderException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the size of the entry and the limit it exceeds
     */
    public EntryTooLargeException(final String message) {
        super(message);
    }
}
