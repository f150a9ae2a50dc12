package dev.larder.eviction.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.eviction.EvictionPolicies;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Pure replays of a seeded w-tinylfu repeat exactly; the seed is what varies them. */
class SeededReplayTest {

    @Test
    void theSameSeedGivesTheSameReplay() {
        final long[] trace = TestTraces.load("multi1.trace.gz");
        final Result a = Replays.pure(EvictionPolicies.wTinyLfu(5, 42), trace, 652, 42);
        final Result b = Replays.pure(EvictionPolicies.wTinyLfu(5, 42), trace, 652, 42);
        assertThat(b.hits()).isEqualTo(a.hits());
        assertThat(b.detail()).isEqualTo(a.detail());
    }

    @Test
    void differentSeedsGiveDifferentReplaysWhereTheSketchDecides() {
        // loop at 10% of its keys: every key is equally frequent, so sketch collisions decide
        final long[] trace = TestTraces.load("loop.trace.gz");
        final Set<Long> hits = new HashSet<>();
        for (long seed = 1; seed <= 4; seed++) {
            hits.add(Replays.pure(EvictionPolicies.wTinyLfu(5, seed), trace, 101, 1).hits());
        }
        assertThat(hits).hasSizeGreaterThan(1);
    }

    @Test
    void theSimulatorSeedsOnlyWTinyLfu() {
        assertThat(Simulator.seeded("w-tinylfu:7", 3).toString()).startsWith("w-tinylfu(samples=7");
        assertThat(Simulator.seeded("allkeys-lru", 3).name()).isEqualTo("allkeys-lru");
    }
}
