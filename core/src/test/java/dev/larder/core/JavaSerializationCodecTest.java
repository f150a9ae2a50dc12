package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.NotSerializableException;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** {@link Codecs#javaSerialization()}: application objects as keys and values. */
class JavaSerializationCodecTest {

    record Point(int x, int y) implements Serializable {
    }

    /** Serializable itself, but holds something that is not. */
    record Holder(String name, Object payload) implements Serializable {
    }

    static final class Opaque {
    }

    private static Larder small() {
        return Larder.builder().maxMemory(4L << 20).expiryInterval(Duration.ZERO).build();
    }

    @Test
    void objectsRoundTripAsKeysAndValues() {
        try (Larder larder = small()) {
            final Cache<Point, Map<String, List<Integer>>> cache =
                larder.cache("points", Codecs.javaSerialization(), Codecs.javaSerialization());
            final Map<String, List<Integer>> value = new TreeMap<>(Map.of("a", List.of(1, 2), "b", List.of()));
            cache.put(new Point(1, 2), value);
            assertThat(cache.get(new Point(1, 2))).isEqualTo(value).isNotSameAs(value);
            assertThat(cache.get(new Point(2, 1))).isNull();
            assertThat(cache.replace(new Point(1, 2), value, Map.of())).isTrue();
            assertThat(cache.get(new Point(1, 2))).isEmpty();
        }
    }

    @Test
    void unserializableValueIsATypedErrorNamingTheClassAndStoresNothing() {
        try (Larder larder = small()) {
            final Cache<String, Object> cache = larder.cache("c", Codecs.utf8(), Codecs.javaSerialization());
            cache.put("k", "before");
            assertThatThrownBy(() -> cache.put("k", new Holder("h", new Opaque())))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining(Opaque.class.getName())
                .hasRootCauseInstanceOf(NotSerializableException.class);
            assertThatThrownBy(() -> cache.put("other", new Opaque()))
                .isInstanceOf(CodecException.class)
                .hasMessageContaining(Opaque.class.getName());
            assertThat(cache.get("k")).isEqualTo("before");
            assertThat(cache.containsKey("other")).isFalse();
            assertThat(cache.size()).isEqualTo(1);
        }
    }

    @Test
    void aGivenClassLoaderResolvesClassesAndGarbageIsATypedError() {
        final Codec<Point> codec = Codecs.javaSerialization(JavaSerializationCodecTest.class.getClassLoader());
        final org.agrona.ExpandableArrayBuffer buffer = new org.agrona.ExpandableArrayBuffer(16);
        final int n = codec.encode(new Point(3, 4), buffer, 5); // grows the 16-byte buffer
        assertThat(codec.decode(buffer, 5, n)).isEqualTo(new Point(3, 4));
        assertThatThrownBy(() -> codec.decode(buffer, 6, n - 1)).isInstanceOf(CodecException.class)
            .hasMessageContaining("deserialize");
        assertThatThrownBy(() -> Codecs.javaSerialization(null)).isInstanceOf(NullPointerException.class);
        assertThat(codec.id()).isEqualTo("larder:java-serialization");
    }
}
