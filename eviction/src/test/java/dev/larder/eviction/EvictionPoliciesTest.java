package dev.larder.eviction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
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
        final List<String> calls = new ArrayList<>();
        // a proxy records the two calls and runs the interface's own onReplaced
        final EvictionPolicy recording = (EvictionPolicy) Proxy.newProxyInstance(
            EvictionPolicy.class.getClassLoader(), new Class<?>[] {EvictionPolicy.class}, (proxy, method, args) -> {
                switch (method.getName()) {
                    case "onLinked":
                        calls.add("linked " + args[0] + " " + args[1] + " " + args[2]);
                        return null;
                    case "onUnlinked":
                        calls.add("unlinked " + args[0]);
                        return null;
                    case "onReplaced":
                        return InvocationHandler.invokeDefault(proxy, method, args);
                    default:
                        throw new UnsupportedOperationException(method.getName());
                }
            });
        recording.onReplaced(5, 1_000L, 6, 42L);
        assertThat(calls).containsExactly("linked 1000 6 42", "unlinked 5");
    }
}
