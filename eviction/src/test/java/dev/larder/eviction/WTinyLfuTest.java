package dev.larder.eviction;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WTinyLfuTest {

    /** @return a w-tinylfu for a small capacity: its sketch is built at once */
    private static WTinyLfu configured() {
        final WTinyLfu policy = (WTinyLfu) EvictionPolicies.wTinyLfu();
        policy.configure(1_024);
        return policy;
    }

    @Test
    void admitsOnlyACandidateMoreFrequentThanTheVictimUnlessWarmAndLucky() {
        final WTinyLfu policy = configured();
        final long frequent = 11;
        final long rare = 22;
        for (int i = 0; i < 5; i++) {
            policy.onAccess(0, frequent, 0);
        }
        policy.onAccess(0, rare, 0);
        assertThat(policy.admit(frequent, rare)).isTrue();
        int admittedRare = 0;
        for (int i = 0; i < 1_000; i++) {
            if (policy.admit(rare, frequent)) {
                admittedRare++;
            }
        }
        assertThat(admittedRare).as("a cold candidate is never admitted over a warmer victim").isZero();
    }

    @Test
    void warmLosersAreAdmittedRarelyAgainstHashFlooding() {
        final WTinyLfu policy = configured();
        final long candidate = 5;
        final long victim = 6;
        for (int i = 0; i < 15; i++) {
            policy.onAccess(0, candidate, 0);
            policy.onAccess(0, victim, 0);
        }
        int admitted = 0;
        for (int i = 0; i < 12_800; i++) {
            if (policy.admit(candidate, victim)) {
                admitted++;
            }
        }
        // 1 in 128 expected: about 100 of 12,800
        assertThat(admitted).isBetween(40, 200);
    }

    @Test
    void aReadPromotesProbationToProtectedAndKeepsOtherRegions() {
        final WTinyLfu policy = configured();
        final int probation = WTinyLfu.PROBATION << WTinyLfu.REGION_SHIFT;
        final int window = WTinyLfu.WINDOW << WTinyLfu.REGION_SHIFT;
        assertThat(WTinyLfu.region(policy.onAccess(probation, 1, 5))).isEqualTo(WTinyLfu.PROTECTED);
        assertThat(WTinyLfu.region(policy.onAccess(window, 1, 5))).isEqualTo(WTinyLfu.WINDOW);
        assertThat(WTinyLfu.region(policy.onInsert(1, 5))).isEqualTo(WTinyLfu.WINDOW);
    }

    @Test
    void regionCountersFollowTransitions() {
        final WTinyLfu policy = configured();
        final int w = policy.onInsert(1, 0);
        policy.onLinked(100, w, 1);
        assertThat(policy.windowCount()).isEqualTo(1);
        final int p = (WTinyLfu.PROBATION << WTinyLfu.REGION_SHIFT);
        policy.onTransition(w, p);
        assertThat(policy.windowCount()).isZero();
        policy.onUnlinked(p);
        assertThat(policy.windowCount()).isZero();
    }

    @Test
    void anOverwriteInTheSameRegionLeavesTheCountsAlone() {
        final WTinyLfu policy = configured();
        final int protectedWord = (WTinyLfu.PROTECTED << WTinyLfu.REGION_SHIFT) | 3;
        policy.onLinked(100, protectedWord, 7);
        final int again = policy.onUpdate(protectedWord, 7, 9);
        assertThat(WTinyLfu.region(again)).isEqualTo(WTinyLfu.PROTECTED);
        for (int i = 0; i < 1_000; i++) {
            policy.onReplaced(again, 200 + i, again, 7);
        }
        assertThat(policy.regionCount(WTinyLfu.PROTECTED)).isEqualTo(1);
        assertThat(policy.regionCount(WTinyLfu.PROBATION)).isZero();
        assertThat(policy.windowCount()).isZero();
    }

    @Test
    void anOverwriteOfAProbationEntryPromotesItAsAReadWould() {
        final WTinyLfu policy = configured();
        final int probationWord = WTinyLfu.PROBATION << WTinyLfu.REGION_SHIFT;
        policy.onLinked(100, probationWord, 7);
        final int written = policy.onUpdate(probationWord, 7, 9);
        assertThat(WTinyLfu.region(written)).isEqualTo(WTinyLfu.PROTECTED);
        policy.onReplaced(probationWord, 101, written, 7);
        assertThat(policy.regionCount(WTinyLfu.PROBATION)).isZero();
        assertThat(policy.regionCount(WTinyLfu.PROTECTED)).isEqualTo(1);
        final int windowWord = WTinyLfu.WINDOW << WTinyLfu.REGION_SHIFT;
        assertThat(WTinyLfu.region(policy.onUpdate(windowWord, 8, 9))).as("the window keeps its own").isEqualTo(WTinyLfu.WINDOW);
    }

    @Test
    void anOverwriteAcrossRegionsMovesOneCount() {
        final WTinyLfu policy = configured();
        final int probationWord = WTinyLfu.PROBATION << WTinyLfu.REGION_SHIFT;
        final int protectedWord = WTinyLfu.PROTECTED << WTinyLfu.REGION_SHIFT;
        policy.onLinked(100, probationWord, 7);
        policy.onReplaced(probationWord, 101, protectedWord, 7);
        assertThat(policy.regionCount(WTinyLfu.PROBATION)).isZero();
        assertThat(policy.regionCount(WTinyLfu.PROTECTED)).isEqualTo(1);
    }
}
