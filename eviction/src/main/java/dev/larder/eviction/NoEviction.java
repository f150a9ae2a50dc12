package dev.larder.eviction;

/** {@code noeviction}: nothing is ever evicted; a write that does not fit fails. */
final class NoEviction implements EvictionPolicy {
    static final NoEviction INSTANCE = new NoEviction();

    private NoEviction() {
    }

    @Override
    public String name() {
        return "noeviction";
    }

    @Override
    public boolean evicts() {
        return false;
    }

    @Override
    public int sampleSize() {
        return 0;
    }

    @Override
    public int onInsert(final long keyHash, final long tick) {
        return 0;
    }

    @Override
    public int onAccess(final int access, final long keyHash, final long tick) {
        return access;
    }

    @Override
    public long score(final int access, final long remainingTtlMs, final long tick) {
        return NOT_EVICTABLE;
    }

    @Override
    public boolean evict(final Population population, final long tick) {
        return false;
    }

    @Override
    public String toString() {
        return name();
    }
}
