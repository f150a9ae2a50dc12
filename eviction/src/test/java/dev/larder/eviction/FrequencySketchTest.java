package dev.larder.eviction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FrequencySketchTest {

    private static long mix(final long key) {
        long z = key + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Test
    void estimateNeverUnderCountsAndSaturatesAtFifteen() {
        final FrequencySketch sketch = new FrequencySketch(1_024);
        final long hot = mix(42);
        for (int i = 0; i < 10; i++) {
            sketch.increment(hot);
        }
        assertThat(sketch.frequency(hot)).isGreaterThanOrEqualTo(10);
        for (int i = 0; i < 100; i++) {
            sketch.increment(hot);
        }
        assertThat(sketch.frequency(hot)).isEqualTo(15);
    }

    @Test
    void errorStaysSmallForKeysSeenOnceAmongManyDistinctKeys() {
        final int n = 4_096;
        final FrequencySketch sketch = new FrequencySketch(n);
        for (int k = 0; k < n; k++) {
            sketch.increment(mix(k));
        }
        // count-min: every estimate >= 1; with ~1 counter per key per row, most estimates stay at 1-2
        int overTwo = 0;
        for (int k = 0; k < n; k++) {
            final int f = sketch.frequency(mix(k));
            assertThat(f).isGreaterThanOrEqualTo(1);
            if (f > 2) {
                overTwo++;
            }
        }
        assertThat(overTwo).as("keys over-estimated by more than one").isLessThan(n / 20);
        int unseenOverOne = 0;
        for (int k = n; k < 2 * n; k++) {
            if (sketch.frequency(mix(k)) > 1) {
                unseenOverOne++;
            }
        }
        assertThat(unseenOverOne).as("never-seen keys estimated above 1").isLessThan(n / 20);
    }

    @Test
    void resetHalvesEveryCounter() {
        final FrequencySketch sketch = new FrequencySketch(1_024);
        final long key = mix(7);
        for (int i = 0; i < 12; i++) {
            sketch.increment(key);
        }
        final int before = sketch.frequency(key);
        sketch.reset();
        assertThat(sketch.frequency(key)).isEqualTo(before / 2);
    }

    @Test
    void agingHappensAfterTenTimesTheWidthOfAdditions() {
        final FrequencySketch sketch = new FrequencySketch(64);
        final long hot = mix(1);
        for (int i = 0; i < 15; i++) {
            sketch.increment(hot);
        }
        assertThat(sketch.frequency(hot)).isEqualTo(15);
        final SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < 10 * 64 + 10; i++) {
            sketch.increment(mix(1_000 + rnd.nextInt(1_000_000)));
        }
        assertThat(sketch.frequency(hot)).as("halved at least once").isLessThanOrEqualTo(8);
    }
}
