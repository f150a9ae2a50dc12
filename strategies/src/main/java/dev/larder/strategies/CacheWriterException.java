package dev.larder.strategies;

import dev.larder.core.LarderException;

/**
 * The {@link CacheWriter} failed. For write-through, the cache holds exactly what it held before
 * for every entry the writer did not apply; the writer's exception is the cause.
 */
public class CacheWriterException extends LarderException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, naming the key or the number of entries
     * @param cause   what the writer threw
     */
    public CacheWriterException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
