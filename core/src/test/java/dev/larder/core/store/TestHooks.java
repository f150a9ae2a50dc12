package dev.larder.core.store;

import org.agrona.DirectBuffer;

/** {@link Store.CacheHooks} for tests that drive a {@link Store} directly. */
final class TestHooks {
    private TestHooks() {
    }

    /**
     * @param expireAfterAccessMillis the cache's expire-after-access, or 0
     * @return hooks that ignore reclaimed entries and report no hits or misses
     */
    static Store.CacheHooks quiet(final long expireAfterAccessMillis) {
        return new Store.CacheHooks() {
            @Override
            public void onReclaimed(final boolean expired, final DirectBuffer buffer, final int keyOffset,
                                    final int keyLength, final int valueOffset, final int valueLength) {
            }

            @Override
            public long expireAfterAccessMillis() {
                return expireAfterAccessMillis;
            }

            @Override
            public long hits() {
                return 0;
            }

            @Override
            public long misses() {
                return 0;
            }
        };
    }
}
