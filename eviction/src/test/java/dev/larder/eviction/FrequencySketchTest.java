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

    @Test
    void batchedIncrementsCountExactlyAsSingleOnes() {
        final FrequencySketch single = new FrequencySketch(4_096, 11, 13);
        final FrequencySketch batched = new FrequencySketch(4_096, 11, 13);
        final SplittableRandom rnd = new SplittableRandom(5);
        final long[] batch = new long[16];
        // 2,000 batches of 16 = 32,000 additions, under the 40,960 that trigger a reset
        for (int b = 0; b < 2_000; b++) {
            final int count = 1 + rnd.nextInt(batch.length);
            for (int i = 0; i < count; i++) {
                // skewed: low keys repeat (saturating counters), high keys are mostly new
                batch[i] = mix(rnd.nextInt(1 + rnd.nextInt(8_192)));
                single.increment(batch[i]);
            }
            batched.incrementAll(batch, count);
        }
        int saturated = 0;
        for (int k = 0; k < 8_192; k++) {
            assertThat(batched.frequency(mix(k))).as("key %d", k).isEqualTo(single.frequency(mix(k)));
            if (single.frequency(mix(k)) == 15) {
                saturated++;
            }
        }
        assertThat(saturated).as("some counters saturated, so the skip of full counters was exercised").isPositive();
    }

    @Test
    void batchedIncrementsAgeTheSketchToo() {
        final FrequencySketch sketch = new FrequencySketch(64);
        final long hot = mix(1);
        for (int i = 0; i < 15; i++) {
            sketch.increment(hot);
        }
        final SplittableRandom rnd = new SplittableRandom(9);
        final long[] batch = new long[16];
        for (int b = 0; b < (10 * 64 + 10) / 16 + 1; b++) {
            for (int i = 0; i < batch.length; i++) {
                batch[i] = mix(1_000 + rnd.nextInt(1_000_000));
            }
            sketch.incrementAll(batch, batch.length);
        }
        assertThat(sketch.frequency(hot)).as("halved at least once").isLessThanOrEqualTo(8);
    }
}
