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
}
