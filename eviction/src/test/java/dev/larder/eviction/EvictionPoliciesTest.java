package dev.larder.eviction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EvictionPoliciesTest {

    @Test
    void byNameReturnsThePolicyWithThatName() {
        for (final String name : new String[] {"noeviction", "allkeys-lru", "volatile-lru"}) {
            final EvictionPolicy policy = EvictionPolicies.byName(name);
            assertThat(policy.name()).isEqualTo(name);
        }
        assertThat(EvictionPolicies.byName("allkeys-lru").sampleSize()).isEqualTo(EvictionPolicies.DEFAULT_SAMPLES);
        assertThat(EvictionPolicies.byName("volatile-lru").sampleSize()).isEqualTo(EvictionPolicies.DEFAULT_SAMPLES);
    }

    @Test
    void unknownNameIsRejectedListingTheKnownNames() {
        assertThatThrownBy(() -> EvictionPolicies.byName("allkeys-lfuu"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("'allkeys-lfuu'")
            .hasMessageContaining("noeviction")
            .hasMessageContaining("allkeys-lru")
            .hasMessageContaining("volatile-lru");
    }

    @Test
    void namesAreCaseSensitiveAsInRedis() {
        assertThatThrownBy(() -> EvictionPolicies.byName("AllKeys-LRU"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("known");
    }

    @Test
    void theDefaultReplacementIsALinkThenAnUnlink() {
        final java.util.List<String> calls = new java.util.ArrayList<>();
        final EvictionPolicy recording = new EvictionPolicy() {
            @Override
            public String name() {
                return "recording";
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
            public void onLinked(final long handle, final int access, final long keyHash) {
                calls.add("linked " + handle + " " + access + " " + keyHash);
            }

            @Override
            public void onUnlinked(final int access) {
                calls.add("unlinked " + access);
            }
        };
        recording.onReplaced(5, 1_000, 6, 42);
        assertThat(calls).containsExactly("linked 1000 6 42", "unlinked 5");
    }
}
