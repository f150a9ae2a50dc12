package dev.larder.eviction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SampledLruTest {

    @Test
    void olderAccessScoresHigherThanRecentAccess() {
        final EvictionPolicy lru = EvictionPolicies.allKeysLru();
        final int old = lru.onInsert(0L, 100);
        final int recent = lru.onInsert(0L, 900);
        final long now = 1_000;
        assertThat(lru.score(old, -1, now)).isGreaterThan(lru.score(recent, -1, now));
        assertThat(lru.score(old, -1, now)).isEqualTo(900);
        assertThat(lru.score(recent, -1, now)).isEqualTo(100);
    }

    @Test
    void accessRefreshesTheStampSoTheEntryLooksYoungAgain() {
        final EvictionPolicy lru = EvictionPolicies.allKeysLru();
        final int inserted = lru.onInsert(0L, 10);
        final int accessed = lru.onAccess(inserted, 0L, 500);
        assertThat(lru.score(accessed, -1, 510)).isEqualTo(10);
        assertThat(lru.score(inserted, -1, 510)).isEqualTo(500);
    }

    @Test
    void accessWordFitsIn24Bits() {
        final EvictionPolicy lru = EvictionPolicies.allKeysLru();
        final long bigTick = (1L << 40) + 12_345;
        final int word = lru.onInsert(0L, bigTick);
        assertThat(word & ~EvictionPolicy.ACCESS_MASK).isZero();
        assertThat(word).isEqualTo(12_345);
        assertThat(lru.onAccess(word, 0L, bigTick + 7) & ~EvictionPolicy.ACCESS_MASK).isZero();
    }

    @Test
    void ageIsWrapAroundSafe() {
        final int stamp = EvictionPolicy.ACCESS_MASK - 4; // 5 ticks before the 24-bit clock wraps
        final long tickAfterWrap = (1L << EvictionPolicy.ACCESS_BITS) + 10; // 15 ticks later
        assertThat(EvictionPolicy.age(stamp, tickAfterWrap)).isEqualTo(15);
        assertThat(EvictionPolicy.age(stamp, EvictionPolicy.ACCESS_MASK)).isEqualTo(4);
        assertThat(EvictionPolicy.age(0, 0)).isZero();
    }

    @Test
    void aStampSlightlyAheadOfTheCallersTickIsTheYoungestNotTheOldest() {
        // another writer read the clock after the evicting thread did and stamped an entry it samples
        final EvictionPolicy lru = EvictionPolicies.allKeysLru();
        final long evictorsTick = 1_000;
        final int stampedLater = lru.onAccess(0, 0L, evictorsTick + 3);
        final int stampedEarlier = lru.onInsert(0L, evictorsTick - 100);
        assertThat(EvictionPolicy.age(stampedLater, evictorsTick)).isZero();
        assertThat(lru.score(stampedLater, -1, evictorsTick)).isLessThan(lru.score(stampedEarlier, -1, evictorsTick));
        // beyond the slack it is a wrapped clock again
        final int farAhead = (int) ((evictorsTick + EvictionPolicy.FUTURE_SLACK + 1) & EvictionPolicy.ACCESS_MASK);
        assertThat(EvictionPolicy.age(farAhead, evictorsTick)).isEqualTo(EvictionPolicy.ACCESS_MASK - EvictionPolicy.FUTURE_SLACK);
    }

    @Test
    void scoreAcrossClockWrapStillPrefersTheOlderEntry() {
        final EvictionPolicy lru = EvictionPolicies.allKeysLru();
        final long beforeWrap = EvictionPolicy.ACCESS_MASK - 100L;
        final long afterWrap = (1L << EvictionPolicy.ACCESS_BITS) + 50;
        final int older = lru.onInsert(0L, beforeWrap);
        final int younger = lru.onInsert(0L, afterWrap - 10);
        assertThat(younger).isLessThan(older); // raw stamps wrapped
        assertThat(lru.score(older, -1, afterWrap)).isEqualTo(151);
        assertThat(lru.score(younger, -1, afterWrap)).isEqualTo(10);
        assertThat(lru.score(older, -1, afterWrap)).isGreaterThan(lru.score(younger, -1, afterWrap));
    }

    @Test
    void volatileLruDoesNotEvictEntriesWithoutTtl() {
        final EvictionPolicy policy = EvictionPolicies.volatileLru(5);
        final int word = policy.onInsert(0L, 0);
        assertThat(policy.score(word, -1, 1_000)).isEqualTo(EvictionPolicy.NOT_EVICTABLE);
        assertThat(policy.score(word, 5_000, 1_000)).isEqualTo(1_000);
        assertThat(policy.score(word, 0, 1_000)).isEqualTo(1_000);
    }

    @Test
    void allKeysLruEvictsEntriesWithoutTtl() {
        final EvictionPolicy policy = EvictionPolicies.allKeysLru();
        final int word = policy.onInsert(0L, 0);
        assertThat(policy.score(word, -1, 42)).isEqualTo(42);
    }

    @Test
    void namesSamplesAndEvictsFlag() {
        assertThat(EvictionPolicies.allKeysLru().name()).isEqualTo("allkeys-lru");
        assertThat(EvictionPolicies.allKeysLru().sampleSize()).isEqualTo(EvictionPolicies.DEFAULT_SAMPLES);
        assertThat(EvictionPolicies.allKeysLru(10).sampleSize()).isEqualTo(10);
        assertThat(EvictionPolicies.volatileLru(3).name()).isEqualTo("volatile-lru");
        assertThat(EvictionPolicies.volatileLru(3).sampleSize()).isEqualTo(3);
        assertThat(EvictionPolicies.allKeysLru().evicts()).isTrue();
        assertThat(EvictionPolicies.volatileLru(3).evicts()).isTrue();
        assertThat(EvictionPolicies.allKeysLru(7).toString()).contains("allkeys-lru").contains("7");
    }

    @Test
    void sampleSizeBelowOneIsRejectedWithTheValue() {
        assertThatThrownBy(() -> EvictionPolicies.allKeysLru(0))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("between 1 and 64")
            .hasMessageContaining("0");
        assertThatThrownBy(() -> EvictionPolicies.volatileLru(-3))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("-3");
    }
}
