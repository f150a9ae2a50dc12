package dev.larder.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZipfTest {

    @Test
    void headRanksFollowTheZipfLaw() {
        final int n = 100_000;
        final Zipf zipf = new Zipf(n, Zipf.YCSB_THETA);
        final SplittableRandom rnd = new SplittableRandom(1);
        final int samples = 2_000_000;
        final int[] counts = new int[n];
        for (int i = 0; i < samples; i++) {
            final int r = zipf.rank(rnd.nextDouble());
            assertThat(r).isBetween(0, n - 1);
            counts[r]++;
        }
        // The generator is exact for ranks 0 and 1 and approximate after; check the head and the decay.
        assertThat(counts[0] / (double) samples).isCloseTo(zipf.probability(0), within(0.005));
        assertThat(counts[1] / (double) samples).isCloseTo(zipf.probability(1), within(0.005));
        long top1pct = 0;
        for (int i = 0; i < n / 100; i++) {
            top1pct += counts[i];
        }
        double expectedTop = 0;
        for (int i = 0; i < n / 100; i++) {
            expectedTop += zipf.probability(i);
        }
        assertThat(top1pct / (double) samples).isCloseTo(expectedTop, within(0.03));
    }

    @Test
    void keysAreDistinctAndSixteenBytes() {
        final Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            final byte[] k = Workload.key(i);
            assertThat(k).hasSize(Workload.KEY_SIZE);
            assertThat(seen.add(java.util.HexFormat.of().formatHex(k))).isTrue();
        }
    }

    @Test
    void sequencesStayInRange() {
        final Workload w = Workload.get(50_000);
        final int[] seq = w.zipfSequence(7);
        assertThat(seq).hasSize(Workload.SAMPLES);
        for (final int id : seq) {
            assertThat(id).isBetween(0, 49_999);
        }
        final boolean[] writes = Workload.writeFlags(3, 0.25);
        int n = 0;
        for (final boolean b : writes) {
            n += b ? 1 : 0;
        }
        assertThat(n / (double) writes.length).isCloseTo(0.25, within(0.005));
    }
}
