package dev.larder.core;

/**
 * A write did not fit in the memory budget and the eviction policy could not (or, with
 * {@code noeviction}, may not) make room. The store is unchanged.
 */
public final class MemoryBudgetExceededException extends LarderException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message how many bytes were needed, and the budget
     */
    public MemoryBudgetExceededException(final String message) {
        super(message);
    }
}
