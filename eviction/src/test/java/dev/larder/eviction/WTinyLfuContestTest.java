package dev.larder.eviction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * W-TinyLFU's contests against a small in-memory population: window entries reach main only by
 * beating a victim that actually leaves, unless the window is well over its share.
 */
class WTinyLfuContestTest {

    /**
     * Entries in insertion order; samples return the first {@code max} of them, main ones first.
     * It reports a fixed size of 200, so the window's share is 2 entries at 1% whatever the number
     * of processors the test adds entries for.
     */
    private static final class ListPopulation implements Population {
        static final long REPORTED_SIZE = 200;
        final WTinyLfu policy;
        final Map<Long, int[]> access = new LinkedHashMap<>();
        final Map<Long, Long> hashes = new LinkedHashMap<>();
        /** Handles whose next eviction fails, as if another writer had just taken them. */
        final java.util.Set<Long> takenByOthers = new java.util.HashSet<>();
        int evictions;
        /** Whether samples return the last {@code max} entries instead of the first. */
        boolean sampleFromEnd;
        long hits;
        long misses;

        ListPopulation(final WTinyLfu policy) {
            this.policy = policy;
        }

        void add(final long handle, final int accessWord, final long hash) {
            access.put(handle, new int[] {accessWord});
            hashes.put(handle, hash);
            policy.onLinked(handle, accessWord, hash);
        }

        @Override
        public void sample(final Candidates out, final int max) {
            final java.util.List<Map.Entry<Long, int[]>> entries = new java.util.ArrayList<>(access.entrySet());
            if (sampleFromEnd) {
                java.util.Collections.reverse(entries);
            }
            for (final Map.Entry<Long, int[]> e : entries) {
                if (!out.add(e.getKey(), e.getValue()[0], -1) || out.count == max) {
                    return;
                }
            }
        }

        @Override
        public boolean evict(final long handle) {
            if (takenByOthers.remove(handle)) {
                final int[] a = access.remove(handle);
                hashes.remove(handle);
                policy.onUnlinked(a[0]);
                return false; // it left, but not through this call
            }
            final int[] a = access.remove(handle);
            if (a == null) {
                return false;
            }
            hashes.remove(handle);
            policy.onUnlinked(a[0]);
            evictions++;
            return true;
        }

        @Override
        public long keyHashOf(final long handle) {
            final Long h = hashes.get(handle);
            return h == null ? 0 : h;
        }

        @Override
        public int accessOf(final long handle) {
            final int[] a = access.get(handle);
            return a == null ? -1 : a[0];
        }

        @Override
        public boolean casAccess(final long handle, final int expected, final int update) {
            final int[] a = access.get(handle);
            if (a == null || a[0] != expected) {
                return false;
            }
            a[0] = update;
            return true;
        }

        @Override
        public long hits() {
            return hits;
        }

        @Override
        public long misses() {
            return misses;
        }

        @Override
        public long size() {
            return REPORTED_SIZE;
        }

        long inRegion(final int region) {
            return access.values().stream().filter(a -> WTinyLfu.region(a[0]) == region).count();
        }
    }

    private static final long TICK = 1_000;

    private static int word(final int region) {
        return (region << WTinyLfu.REGION_SHIFT) | (int) (TICK & WTinyLfu.TICK_MASK);
    }

    /**
     * 200 probation entries seen {@code mainFrequency} times each, then {@code windowEntries}
     * window entries seen {@code windowFrequency} times each (handles from 10,000). With main entries
     * seen 12 times and candidates once, no collision in the sketch can turn a contest round.
     */
    private static ListPopulation population(final int mainFrequency, final int windowEntries, final int windowFrequency) {
        final WTinyLfu policy = (WTinyLfu) EvictionPolicies.wTinyLfu();
        policy.configure(1_024);
        final ListPopulation p = new ListPopulation(policy);
        for (long h = 1; h <= 200; h++) {
            for (int i = 0; i < mainFrequency; i++) {
                policy.onAccess(0, h * 7_919, TICK);
            }
            p.add(h, word(WTinyLfu.PROBATION), h * 7_919);
        }
        for (long h = 10_000; h < 10_000 + windowEntries; h++) {
            for (int i = 0; i < windowFrequency; i++) {
                policy.onAccess(0, h * 7_919, TICK);
            }
            p.add(h, word(WTinyLfu.WINDOW), h * 7_919);
        }
        return p;
    }

    @Test
    void aWindowOverItsShareOnlyByConcurrentInsertsStillMakesEachCandidateBeatAVictim() {
        // 1% of about 200 entries: a window of 2. Two writers that each inserted before evicting
        // leave it 2 over; before the fix the first candidate then moved to main uncontested.
        final int share = 2;
        final ListPopulation p = population(12, share + 2, 1);
        final long probationBefore = p.inRegion(WTinyLfu.PROBATION);
        assertThat(p.policy.evict(p, TICK)).isTrue();
        assertThat(p.inRegion(WTinyLfu.PROBATION)).as("no cold candidate reached main").isEqualTo(probationBefore);
        assertThat(p.inRegion(WTinyLfu.WINDOW)).as("the candidate lost and left").isEqualTo(share + 1);
        assertThat(p.evictions).isEqualTo(1);
    }

    @Test
    void aWindowWellOverItsShareMovesItsSurplusToProbationUncontested() {
        final int share = 2;
        final int over = WTinyLfu.CONCURRENT_INSERTS + 10;
        final ListPopulation p = population(12, share + 1 + over, 1);
        final long probationBefore = p.inRegion(WTinyLfu.PROBATION);
        assertThat(p.policy.evict(p, TICK)).isTrue();
        // everything beyond share + 1 + CONCURRENT_INSERTS moved; the next candidate met a victim and lost
        assertThat(p.inRegion(WTinyLfu.PROBATION)).isEqualTo(probationBefore + over - WTinyLfu.CONCURRENT_INSERTS);
        assertThat(p.evictions).isEqualTo(1);
        assertThat(p.inRegion(WTinyLfu.WINDOW)).isEqualTo(share + WTinyLfu.CONCURRENT_INSERTS);
    }

    @Test
    void whenTheClimberShrinksTheWindowAllItsSurplusMovesToProbation() {
        final ListPopulation p = population(12, 21, 1); // a 10% window of 200 holds 20: 21 is one over
        p.policy.resizeWindow(p, 0.10);
        assertThat(p.policy.windowSurplus()).isZero(); // grown: nothing to move
        p.policy.resizeWindow(p, 0.01); // now 2: 21 - 2 - 1 = 18 to move, the last one contests
        assertThat(p.policy.windowSurplus()).isEqualTo(18);
        final long probationBefore = p.inRegion(WTinyLfu.PROBATION);
        assertThat(p.policy.evict(p, TICK)).isTrue();
        // however many processors: the 18 surplus entries moved, the next candidate met a victim and lost
        assertThat(p.inRegion(WTinyLfu.PROBATION)).isEqualTo(probationBefore + 18);
        assertThat(p.inRegion(WTinyLfu.WINDOW)).isEqualTo(2);
        assertThat(p.evictions).isEqualTo(1);
        assertThat(p.policy.windowSurplus()).as("used up").isZero();
        // two writers then insert at once: no surplus is left to let either in uncontested
        p.add(20_000, word(WTinyLfu.WINDOW), 20_000 * 7_919L);
        p.add(20_001, word(WTinyLfu.WINDOW), 20_001 * 7_919L);
        assertThat(p.policy.evict(p, TICK)).isTrue();
        assertThat(p.inRegion(WTinyLfu.PROBATION)).isEqualTo(probationBefore + 18);
        assertThat(p.evictions).isEqualTo(2);
    }

    @Test
    void oneEvictionMovesAtMostMaxMovesAndTheNextOnesMoveTheRest() {
        final WTinyLfu policy = (WTinyLfu) EvictionPolicies.wTinyLfu();
        policy.configure(100_000); // a window queue of 32,768 records: all 2,600 below stay queued
        final ListPopulation p = new ListPopulation(policy);
        for (long h = 1; h <= 200; h++) {
            for (int i = 0; i < 12; i++) {
                policy.onAccess(0, h * 7_919, TICK);
            }
            p.add(h, word(WTinyLfu.PROBATION), h * 7_919);
        }
        final int windowEntries = 2_600; // the share is 2 of a reported 200: 2,598 over
        for (long h = 10_000; h < 10_000 + windowEntries; h++) {
            p.add(h, word(WTinyLfu.WINDOW), h * 7_919);
        }
        assertThat(policy.evict(p, TICK)).isTrue();
        assertThat(p.inRegion(WTinyLfu.PROBATION)).isEqualTo(200 + WTinyLfu.MAX_MOVES);
        assertThat(p.evictions).as("the next candidate contested and lost").isEqualTo(1);
        assertThat(policy.evict(p, TICK)).isTrue();
        assertThat(p.inRegion(WTinyLfu.PROBATION)).isEqualTo(200 + 2 * WTinyLfu.MAX_MOVES);
        assertThat(policy.evict(p, TICK)).isTrue();
        // the last call moved what was left beyond share + 1 + CONCURRENT_INSERTS
        assertThat(p.inRegion(WTinyLfu.WINDOW)).isEqualTo(2 + WTinyLfu.CONCURRENT_INSERTS);
        assertThat(p.evictions).isEqualTo(3);
        assertThat(policy.regionCount(WTinyLfu.PROBATION)).isEqualTo(p.inRegion(WTinyLfu.PROBATION));
    }

    @Test
    void aCandidateWhoseVictimLeftMeanwhileMeetsAnotherVictimInsteadOfEnteringFree() {
        // hot candidate, cold main: the candidate wins; its first victim is taken by another writer
        final ListPopulation p = population(0, 3, 8);
        p.takenByOthers.add(1L); // the oldest probation entry sampled first
        final long probationBefore = p.inRegion(WTinyLfu.PROBATION);
        assertThat(p.policy.evict(p, TICK)).isTrue();
        assertThat(p.evictions).as("a second victim left through this call").isEqualTo(1);
        // one probation entry taken by the other writer, one evicted here, the candidate moved in
        assertThat(p.inRegion(WTinyLfu.PROBATION)).isEqualTo(probationBefore - 2 + 1);
        assertThat(p.policy.regionCount(WTinyLfu.PROBATION)).isEqualTo(p.inRegion(WTinyLfu.PROBATION));
        assertThat(p.policy.windowCount()).isEqualTo(p.inRegion(WTinyLfu.WINDOW));
    }

    @Test
    void anEntryStampedByAWriterThatReadTheClockLaterIsTheYoungestNotTheOldest() {
        final int now = (int) TICK;
        final int later = (WTinyLfu.PROBATION << WTinyLfu.REGION_SHIFT) | (now + 2);
        final int older = (WTinyLfu.PROBATION << WTinyLfu.REGION_SHIFT) | (now - 50);
        assertThat(WTinyLfu.age(later, TICK)).isZero();
        assertThat(WTinyLfu.age(older, TICK)).isEqualTo(50);
        final EvictionPolicy policy = EvictionPolicies.wTinyLfu();
        assertThat(policy.score(later, -1, TICK)).isLessThan(policy.score(older, -1, TICK));
    }
    /**
     * 200 probation entries, handles 1-200 in order of arrival, all with the same stamp; samples
     * return the youngest arrivals only. A candidate seen 3 times beats only a victim never seen.
     */
    private static ListPopulation probationInArrivalOrder(final long coldHandle) {
        final WTinyLfu policy = (WTinyLfu) EvictionPolicies.wTinyLfu();
        policy.configure(1_024);
        final ListPopulation p = new ListPopulation(policy);
        p.sampleFromEnd = true;
        for (long h = 1; h <= 200; h++) {
            for (int i = 0; h != coldHandle && i < 12; i++) {
                policy.onAccess(0, h * 7_919, TICK);
            }
            p.add(h, word(WTinyLfu.PROBATION), h * 7_919);
        }
        for (long h = 10_000; h < 10_004; h++) {
            for (int i = 0; i < 3; i++) {
                policy.onAccess(0, h * 7_919, TICK);
            }
            p.add(h, word(WTinyLfu.WINDOW), h * 7_919);
        }
        return p;
    }

    @Test
    void theVictimIsProbationsEldestArrivalEvenWhenNoSampleHoldsIt() {
        final ListPopulation p = probationInArrivalOrder(1);
        assertThat(p.policy.evict(p, TICK)).isTrue();
        assertThat(p.accessOf(1)).as("the eldest, never seen, lost to the candidate").isEqualTo(-1);
        assertThat(p.evictions).isEqualTo(1);
        assertThat(p.inRegion(WTinyLfu.WINDOW)).as("the candidate moved to probation").isEqualTo(3);
        // the next eldest is warm: the next candidate meets it and loses
        p.add(10_100, word(WTinyLfu.WINDOW), 10_100 * 7_919L);
        assertThat(p.policy.evict(p, TICK)).isTrue();
        assertThat(p.accessOf(2)).as("entry 2 repelled the candidate").isNotEqualTo(-1);
        assertThat(p.inRegion(WTinyLfu.WINDOW)).isEqualTo(3);
    }

    @Test
    void anEntryThatLeftProbationSinceItArrivedIsSkippedNotChosen() {
        final ListPopulation p = probationInArrivalOrder(2);
        // entry 1 was read: promoted, it is no longer probation's eldest
        final int promoted = p.policy.onAccessDeferred(p.accessOf(1), 7_919, TICK + 1);
        assertThat(p.casAccess(1, p.accessOf(1), promoted)).isTrue();
        p.policy.onTransition(word(WTinyLfu.PROBATION), promoted);
        assertThat(p.policy.evict(p, TICK + 1)).isTrue();
        assertThat(p.accessOf(1)).as("the promoted entry stays").isEqualTo(promoted);
        assertThat(p.accessOf(2)).as("the eldest left in probation, never seen, lost").isEqualTo(-1);
    }

    @Test
    void whileFillingUpNewEntriesEnterTheWindowAndItsOldestMoveToProbationInArrivalOrder() {
        final WTinyLfu policy = (WTinyLfu) EvictionPolicies.wTinyLfu();
        final ListPopulation p = new ListPopulation(policy);
        policy.configure(1_000, p); // window 1%: 10 entries
        for (long h = 1; h <= 500; h++) {
            final int access = policy.onInsert(h * 7_919, TICK);
            assertThat(WTinyLfu.region(access)).as("every new entry enters the window").isEqualTo(WTinyLfu.WINDOW);
            p.add(h, access, h * 7_919);
            assertThat(p.inRegion(WTinyLfu.WINDOW)).isLessThanOrEqualTo(10);
        }
        assertThat(p.inRegion(WTinyLfu.WINDOW)).isEqualTo(10);
        assertThat(p.inRegion(WTinyLfu.PROBATION)).isEqualTo(490);
        assertThat(policy.windowCount()).isEqualTo(10);
        assertThat(policy.regionCount(WTinyLfu.PROBATION)).isEqualTo(490);
        for (long h = 491; h <= 500; h++) {
            assertThat(WTinyLfu.region(p.accessOf(h))).as("the latest arrivals stay in the window").isEqualTo(WTinyLfu.WINDOW);
        }
        for (long h = 1; h <= 490; h++) {
            assertThat(WTinyLfu.region(p.accessOf(h))).isEqualTo(WTinyLfu.PROBATION);
        }
    }

    @Test
    void withoutAViewOfTheStoreTheWindowHoldsTheArrivalsUntilTheFirstEviction() {
        final WTinyLfu policy = (WTinyLfu) EvictionPolicies.wTinyLfu();
        final ListPopulation p = new ListPopulation(policy);
        policy.configure(1_000);
        for (long h = 1; h <= 50; h++) {
            p.add(h, policy.onInsert(h * 7_919, TICK), h * 7_919);
        }
        assertThat(p.inRegion(WTinyLfu.WINDOW)).isEqualTo(50);
        assertThat(policy.evict(p, TICK + 1)).isTrue();
        assertThat(p.inRegion(WTinyLfu.PROBATION)).as("the first eviction moves the overflow as surplus").isPositive();
    }

    private static WindowGhosts.Period period(final long accesses, final long... hits) {
        return new WindowGhosts.Period(hits, accesses);
    }

    @Test
    void theClimberStepsOneShareTowardTheGhostThatHitMost() {
        // 10,000 sampled accesses: a ghost must hit more than 2 x sqrt(10,000) = 200 times more
        assertThat(WTinyLfu.step(0, period(10_000, 5_000, 5_050, 5_100, 5_150, 5_200, 5_300, 5_400))).isEqualTo(1);
        assertThat(WTinyLfu.step(3, period(10_000, 5_000, 5_050, 5_100, 5_150, 5_200, 5_300, 5_400))).isEqualTo(4);
        assertThat(WTinyLfu.step(6, period(10_000, 5_400, 5_300, 5_200, 5_150, 5_100, 5_050, 5_000))).isEqualTo(5);
        assertThat(WTinyLfu.step(3, period(10_000, 5_400, 5_300, 5_200, 5_150, 5_100, 5_050, 5_000))).isEqualTo(2);
    }

    @Test
    void aGainWithinTheSamplingNoiseOrGhostsThatAllHitAlikeHoldTheWindow() {
        assertThat(WTinyLfu.step(0, period(10_000, 5_000, 5_020, 5_040, 5_060, 5_080, 5_090, 5_200)))
            .as("200 hits more in 10,000 accesses is noise").isEqualTo(0);
        assertThat(WTinyLfu.step(0, period(10_000, 5_000, 5_020, 5_040, 5_060, 5_080, 5_090, 5_201))).isEqualTo(1);
        assertThat(WTinyLfu.step(2, period(10_000, 5_000, 5_000, 5_000, 5_000, 5_000, 5_000, 5_000)))
            .as("no ghost evicted anything yet").isEqualTo(2);
        assertThat(WTinyLfu.step(2, period(0, 0, 0, 0, 0, 0, 0, 0))).isEqualTo(2);
    }

    /** Feeds the policy's ghosts {@code key} (draining often enough that the ring loses nothing). */
    private static void offer(final WTinyLfu policy, final long key, final long[] count) {
        policy.ghosts().offer(key * 0x9E37_79B9_7F4A_7C15L);
        if (++count[0] % 1_000 == 0) {
            policy.ghosts().tryDrain();
        }
    }

    /** Ends a period of the real cache's requests (ten times the reported size) and climbs. */
    private static void endPeriod(final ListPopulation p) {
        p.misses += 10 * ListPopulation.REPORTED_SIZE;
        p.policy.climb(p);
    }

    @Test
    void aWorkloadThatRereadsNewKeysSoonGrowsTheWindowStepByStep() {
        final ListPopulation p = population(12, 0, 1); // a 1,024-entry cache: ghosts of 512 keys
        final long[] count = {0};
        long fresh = 1_000_000;
        for (long k = 0; k < 900; k++) { // a frequent set fills each ghost's main region
            for (int i = 0; i < 5; i++) {
                offer(p.policy, k, count);
            }
        }
        final java.util.List<Double> shares = new java.util.ArrayList<>();
        for (int period = 0; period < 6; period++) {
            // then a stream of new keys, each read again 150 new keys later and never after. The
            // ghosts hold 512 keys, fed half of them (sampled): about 75 new sampled keys come
            // between the two reads, which a 20% window (102 keys) keeps and a 10% one (51) does not
            for (int i = 0; i < 5_000; i++) {
                offer(p.policy, fresh + i, count);
                if (i >= 150) {
                    offer(p.policy, fresh + i - 150, count);
                }
            }
            fresh += 10_000;
            endPeriod(p);
            shares.add(p.policy.windowShare());
        }
        // one step a period, up to a share that keeps the re-reads (20% or more)
        assertThat(shares.subList(0, 3)).containsExactly(0.03, 0.10, 0.20);
        for (int i = 3; i < shares.size(); i++) {
            final int step = WindowGhosts.nearest(shares.get(i)) - WindowGhosts.nearest(shares.get(i - 1));
            assertThat(step).isBetween(0, 1);
        }
    }

    @Test
    void aScanThroughAFrequentSetShrinksALargeWindow() {
        final ListPopulation p = population(12, 0, 1);
        p.policy.resizeWindow(p, WindowGhosts.SHARES[WindowGhosts.SHARES.length - 1]); // 40%
        final long[] count = {0};
        final java.util.Random random = new java.util.Random(7);
        long scan = 1_000_000;
        final java.util.List<Double> shares = new java.util.ArrayList<>();
        for (int period = 0; period < 3; period++) {
            // 900 keys read again and again, interleaved with a scan of keys read once. The ghosts
            // (512 keys, fed half of them) see about 450 frequent keys: main keeps them all with a
            // window of 10% (51 keys) or less, and loses more of them the larger the window
            for (int i = 0; i < 20_000; i++) {
                offer(p.policy, random.nextInt(900), count);
                offer(p.policy, scan++, count);
            }
            endPeriod(p);
            shares.add(p.policy.windowShare());
        }
        // one step a period down to 10%; below that the shares tie, and the window holds
        assertThat(shares).containsExactly(0.20, 0.10, 0.10);
    }
}
