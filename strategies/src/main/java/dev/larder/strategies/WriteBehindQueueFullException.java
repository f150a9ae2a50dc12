package dev.larder.strategies;

import dev.larder.core.LarderException;

/**
 * A {@link WriteBehindCache} with {@link WriteBehindCache.FullQueuePolicy#FAIL} could not queue a
 * write because its queue was full. Neither the cache nor the queue was changed.
 */
public final class WriteBehindQueueFullException extends LarderException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the cache and the queue's capacity
     */
    public WriteBehindQueueFullException(final String message) {
        super(message);
    }
}
