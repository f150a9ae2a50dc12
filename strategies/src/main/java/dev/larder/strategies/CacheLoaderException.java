package dev.larder.strategies;

import dev.larder.core.LarderException;

/**
 * A value could not be loaded: the {@link CacheLoader} threw (its exception is the cause), a wait
 * for another thread's load timed out ({@link LoadTimeoutException}) or a thread asked for a key
 * it is itself loading ({@link RecursiveLoadException}). Nothing is cached when this is thrown.
 */
public class CacheLoaderException extends LarderException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, naming the key
     */
    public CacheLoaderException(final String message) {
        super(message);
    }

    /**
     * @param message what failed, naming the key
     * @param cause   what the loader threw
     */
    public CacheLoaderException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
