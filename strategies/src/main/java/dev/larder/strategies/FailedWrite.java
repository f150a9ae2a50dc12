package dev.larder.strategies;

/**
 * A write-behind operation that kept failing and was given up: what a {@link DeadLetterHandler}
 * receives.
 *
 * @param key      the key
 * @param value    the value that was to be written, or {@code null} for a delete
 * @param delete   whether the operation was a delete
 * @param attempts how many times it was tried
 * @param failure  the writer's exception on the last attempt
 * @param <K>      key type
 * @param <V>      value type
 */
public record FailedWrite<K, V>(K key, V value, boolean delete, int attempts, Throwable failure) {
}
