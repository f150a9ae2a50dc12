package dev.larder.core;

/**
 * A cache or Larder was configured inconsistently, for example a cache name reused with other
 * codecs or options.
 */
public final class CacheConfigurationException extends LarderException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what conflicts with what
     */
    public CacheConfigurationException(final String message) {
        super(message);
    }
}
