package dev.larder.eviction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RedisPoliciesTest {

    @Test
    void lfuPrefersTheLessFrequentlyUsedEntry() {
        final EvictionPolicy lfu = EvictionPolicies.allKeysLfu(5, 0, 1); // log factor 0: every access counts
        int hot = lfu.onInsert(1, 0);
        for (int i = 0; i < 50; i++) {
            hot = lfu.onAccess(hot, 1, 0);
        }
        final int cold = lfu.onInsert(2, 0);
        assertThat(lfu.score(cold, -1, 0)).isGreaterThan(lfu.score(hot, -1, 0));
    }

    @Test
    void lfuCounterDecaysWithIdleMinutes() {
        final SampledLfu lfu = (SampledLfu) EvictionPolicies.allKeysLfu(5, 0, 1);
        int word = lfu.onInsert(1, 0);
        for (int i = 0; i < 20; i++) {
            word = lfu.onAccess(word, 1, 0);
        }
        final int now = SampledLfu.counter(word);
        final long tenMinutes = 10 * (60_000L >> EvictionPolicy.TICK_SHIFT);
        assertThat(lfu.decayed(word, tenMinutes)).isEqualTo(now - 10);
    }

    @Test
    void lfuCounterStampedAMinuteAheadByAnotherWriterDoesNotDecay() {
        final SampledLfu lfu = (SampledLfu) EvictionPolicies.allKeysLfu(5, 0, 1);
        final long minute = 60_000L >> EvictionPolicy.TICK_SHIFT;
        int word = lfu.onInsert(1, 5 * minute);
        for (int i = 0; i < 20; i++) {
            word = lfu.onAccess(word, 1, 5 * minute);
        }
        // the evicting thread read the clock just before the minute turned; the writer just after
        final long evictorsTick = 5 * minute - 1;
        assertThat(SampledLfu.elapsedMinutes(word, evictorsTick)).isZero();
        assertThat(lfu.decayed(word, evictorsTick)).isEqualTo(SampledLfu.counter(word));
        final int cold = lfu.onInsert(2, 5 * minute - 1);
        assertThat(lfu.score(word, -1, evictorsTick)).isLessThan(lfu.score(cold, -1, evictorsTick));
    }

    @Test
    void lfuLogFactorSlowsCounterGrowth() {
        final EvictionPolicy slow = EvictionPolicies.allKeysLfu(5, 100, 0);
        int word = slow.onInsert(1, 0);
        for (int i = 0; i < 1_000; i++) {
            word = slow.onAccess(word, 1, 0);
        }
        // with factor 100, a thousand hits move the counter only a few steps past its start of 5
        assertThat(SampledLfu.counter(word)).isBetween(SampledLfu.INITIAL_COUNT, SampledLfu.INITIAL_COUNT + 10);
    }

    @Test
    void volatilePoliciesNeverChooseEntriesWithoutTtl() {
        for (final String name : new String[] {"volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"}) {
            final EvictionPolicy p = EvictionPolicies.byName(name);
            final int word = p.onInsert(1, 0);
            assertThat(p.score(word, -1, 100)).as(name).isEqualTo(EvictionPolicy.NOT_EVICTABLE);
            assertThat(p.score(word, 1_000, 100)).as(name).isGreaterThan(EvictionPolicy.NOT_EVICTABLE);
        }
    }

    @Test
    void volatileTtlPrefersTheEntryClosestToExpiry() {
        final EvictionPolicy p = EvictionPolicies.volatileTtl(5);
        assertThat(p.score(0, 10, 0)).isGreaterThan(p.score(0, 10_000, 0));
    }

    @Test
    void allKeysRandomCanEvictAnything() {
        final EvictionPolicy p = EvictionPolicies.allKeysRandom();
        assertThat(p.score(p.onInsert(1, 0), -1, 0)).isGreaterThanOrEqualTo(0);
        assertThat(p.evicts()).isTrue();
    }

    @Test
    void everyNameIsKnownAndUnknownNamesAreListedInTheError() {
        for (final String name : EvictionPolicies.NAMES) {
            assertThat(EvictionPolicies.byName(name).name()).isEqualTo(name);
        }
        assertThatThrownBy(() -> EvictionPolicies.byName("lru-ish"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("w-tinylfu").hasMessageContaining("lru-ish");
    }
}
