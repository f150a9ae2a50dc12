package dev.larder.eviction;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NoEvictionTest {

    @Test
    void neverEvictsAnything() {
        final EvictionPolicy policy = EvictionPolicies.noEviction();
        assertThat(policy.name()).isEqualTo("noeviction");
        assertThat(policy.evicts()).isFalse();
        assertThat(policy.sampleSize()).isZero();
        final int word = policy.onInsert(0L, 123);
        assertThat(policy.score(word, -1, 1_000_000)).isEqualTo(EvictionPolicy.NOT_EVICTABLE);
        assertThat(policy.score(word, 10, 1_000_000)).isEqualTo(EvictionPolicy.NOT_EVICTABLE);
    }

    @Test
    void accessDoesNotChangeTheAccessWord() {
        final EvictionPolicy policy = EvictionPolicies.noEviction();
        assertThat(policy.onAccess(0x00ABCDEF, 0L, 99)).isEqualTo(0x00ABCDEF);
        assertThat(policy.onAccess(0, 0L, 99)).isZero();
    }

    @Test
    void isASingleton() {
        assertThat(EvictionPolicies.noEviction()).isSameAs(EvictionPolicies.noEviction());
        assertThat(EvictionPolicies.byName("noeviction")).isSameAs(EvictionPolicies.noEviction());
    }
}
