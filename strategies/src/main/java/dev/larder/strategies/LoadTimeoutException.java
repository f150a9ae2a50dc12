package dev.larder.strategies;

/**
 * A thread waited longer than the loading cache's {@code loadTimeout} for another thread's load
 * of the same key. The other load goes on; its result is cached when it finishes.
 */
public final class LoadTimeoutException extends CacheLoaderException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what timed out, with the key and the timeout
     */
    public LoadTimeoutException(final String message) {
        super(message);
    }
}
