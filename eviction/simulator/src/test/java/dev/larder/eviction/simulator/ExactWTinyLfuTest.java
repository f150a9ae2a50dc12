package dev.larder.eviction.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ExactWTinyLfuTest {

    @Test
    void aWorkingSetThatFitsMissesOncePerKey() {
        final long[] trace = new long[5_000];
        for (int i = 0; i < trace.length; i++) {
            trace[i] = i % 100;
        }
        final Result r = ExactWTinyLfu.replay(trace, 200, 1);
        assertThat(r.hits()).isEqualTo(trace.length - 100);
    }

    @Test
    void aHotSetSurvivesAScanThatEvictsItUnderLru() {
        // 60 hot keys, each read again after 59 other hot keys and 60 one-time scan keys: exact LRU
        // with room for 100 has always just evicted the hot key it is asked for; W-TinyLFU's admission
        // keeps the scan keys out of the main region
        final long[] trace = new long[20_000];
        for (int i = 0; i < 10_000; i++) {
            trace[2 * i] = i % 60;
            trace[2 * i + 1] = 1_000_000 + i;
        }
        final Result reference = ExactWTinyLfu.replay(trace, 100, 1);
        final Result lru = Replays.exactLru(trace, 100);
        assertThat(reference.hits()).as("hot reads that hit").isGreaterThan(9_000);
        assertThat(lru.hits()).isLessThan(reference.hits() / 10);
        assertThat(reference.detail()).contains("contests won by the candidate");
    }
}
