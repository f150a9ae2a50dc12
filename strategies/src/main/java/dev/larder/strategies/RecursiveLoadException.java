package dev.larder.strategies;

/**
 * A loader asked its own loading cache, on the loading thread, for a key that this thread is
 * already loading (directly, {@code load(a)} reads {@code a}, or through other keys,
 * {@code load(a)} reads {@code b} whose load reads {@code a}). Waiting would never end, so the
 * inner call fails at once instead.
 */
public final class RecursiveLoadException extends CacheLoaderException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message which key, on which thread
     */
    public RecursiveLoadException(final String message) {
        super(message);
    }
}
