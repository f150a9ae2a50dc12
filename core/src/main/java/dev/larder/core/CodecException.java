package dev.larder.core;

/**
 * A codec threw while encoding or decoding, or returned a length it cannot have written. For a
 * write, the store is unchanged.
 */
public final class CodecException extends LarderException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message which codec, which cache, which direction
     * @param cause   what the codec threw
     */
    public CodecException(final String message, final Throwable cause) {
        super(message, cause);
    }

    /**
     * @param message which codec, which cache, what was wrong
     */
    public CodecException(final String message) {
        super(message);
    }
}
