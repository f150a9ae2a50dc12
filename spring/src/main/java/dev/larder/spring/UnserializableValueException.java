package dev.larder.spring;

import dev.larder.core.LarderException;

/**
 * A key or value could not be turned into bytes by {@link JavaSerializationCodec}: it (or an
 * object it refers to) does not implement {@link java.io.Serializable}, or its serialization
 * failed. Nothing was stored.
 *
 * <p>Fix it by making the type {@code Serializable} or by giving the cache a codec for the type
 * ({@link LarderCacheSpec#of(dev.larder.core.Codec, dev.larder.core.Codec)}).
 */
public class UnserializableValueException extends LarderException {
    private static final long serialVersionUID = 1L;

    private final String typeName;

    /**
     * @param typeName the class of the object that could not be serialized (may be nested inside
     *                 the value)
     * @param message  what went wrong and how to fix it
     * @param cause    what Java serialization threw
     */
    public UnserializableValueException(final String typeName, final String message, final Throwable cause) {
        super(message, cause);
        this.typeName = typeName;
    }

    /** @return the name of the class that could not be serialized */
    public String typeName() {
        return typeName;
    }
}
