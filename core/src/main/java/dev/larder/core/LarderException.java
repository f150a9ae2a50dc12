package dev.larder.core;

/** The base of every exception Larder throws for a problem that is not a plain argument error. */
public class LarderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, with the numbers involved
     */
    public LarderException(final String message) {
        super(message);
    }

    /**
     * @param message what went wrong
     * @param cause   the underlying failure
     */
    public LarderException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
