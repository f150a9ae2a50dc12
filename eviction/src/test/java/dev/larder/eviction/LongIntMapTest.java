package dev.larder.eviction;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LongIntMapTest {

    @Test
    void behavesAsAHashMapUnderRandomPutsAndRemoves() {
        final LongIntMap map = new LongIntMap(4);
        final Map<Long, Integer> model = new HashMap<>();
        final SplittableRandom rnd = new SplittableRandom(5);
        for (int op = 0; op < 200_000; op++) {
            final long key = rnd.nextInt(3_000) - 1_500L;
            switch (rnd.nextInt(3)) {
                case 0 -> {
                    final int v = rnd.nextInt(1 << 20);
                    map.put(key, v);
                    model.put(key, v);
                }
                case 1 -> assertThat(map.remove(key)).isEqualTo(model.containsKey(key) ? model.remove(key) : -1);
                default -> assertThat(map.get(key)).isEqualTo(model.getOrDefault(key, -1));
            }
            assertThat(map.size()).isEqualTo(model.size());
        }
        for (final Map.Entry<Long, Integer> e : model.entrySet()) {
            assertThat(map.get(e.getKey())).isEqualTo(e.getValue());
        }
    }
}
