package dev.larder.strategies;

/**
 * Receives the write-behind operations that still failed after the last retry. Typical handlers
 * log them, park them in a table or a file for replay, or raise an alert.
 *
 * <p>Runs on the write-behind thread; it should be quick, and must not call
 * {@link WriteBehindCache#flush()} or {@link WriteBehindCache#close()} of its own cache. An
 * exception it throws is logged and otherwise ignored.
 *
 * @param <K> key type
 * @param <V> value type
 */
@FunctionalInterface
public interface DeadLetterHandler<K, V> {

    /**
     * @param write the operation given up, with its last failure
     */
    void onDeadLetter(FailedWrite<K, V> write);
}
