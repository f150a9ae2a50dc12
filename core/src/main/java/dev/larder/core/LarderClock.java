package dev.larder.core;

/**
 * The source of time for expiry and recency. Injectable so tests control time exactly.
 *
 * <p>The system clock is monotonic ({@link System#nanoTime()} based) so that wall-clock jumps
 * never expire or resurrect entries. A test clock is any implementation whose value the test
 * advances by hand.
 */
@FunctionalInterface
public interface LarderClock {

    /** The default clock: monotonic milliseconds. */
    LarderClock SYSTEM = () -> System.nanoTime() / 1_000_000L;

    /**
     * The current time in milliseconds. Only differences between readings matter; values must
     * never decrease.
     *
     * @return milliseconds since an arbitrary fixed origin
     */
    long millis();
}
