package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Under {@link Codecs#bytes()} a cache uses the caller's arrays in place instead of encoding copies:
 * reads look the key array up as it is, and a plain {@code put} with both codecs {@code bytes()} hands
 * both arrays to the store. Entries must be found by content, the caller's arrays never kept or
 * changed, keys of every length treated like any other key, and bad input must fail exactly as on
 * the encoding path, with nothing stored changed.
 */
class BytesInPlaceTest {
    private static final ValueReader<Integer> LENGTH = (b, o, l) -> l;

    private Larder larder;
    private Cache<byte[], byte[]> cache;

    @BeforeEach
    void open() {
        larder = Larder.builder().maxMemory(8L << 20).expiryInterval(Duration.ZERO).build();
        cache = larder.cache("bytes", Codecs.bytes(), Codecs.bytes());
    }

    @AfterEach
    void close() {
        larder.close();
    }

    @Test
    void readsFindEntriesByContentThroughAnyEqualArray() {
        final SplittableRandom rnd = new SplittableRandom(7);
        final byte[][] keys = new byte[200][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = new byte[i % 37]; // lengths 0..36: the 8-byte loop, the tail loop and the empty key
            rnd.nextBytes(keys[i]);
            if (i >= 37) {
                keys[i] = Arrays.copyOf(keys[i], keys[i].length + 1);
                keys[i][keys[i].length - 1] = (byte) i; // distinct from the shorter keys
            }
            cache.put(keys[i], ("v" + i).getBytes());
        }
        for (int i = 0; i < keys.length; i++) {
            final byte[] copy = keys[i].clone();
            assertThat(cache.get(copy)).as("get %d", i).isEqualTo(("v" + i).getBytes());
            assertThat(cache.containsKey(copy)).as("containsKey %d", i).isTrue();
            assertThat(cache.read(copy, LENGTH)).as("read %d", i).isEqualTo(("v" + i).length());
            assertThat(copy).as("the caller's array is left as it was").isEqualTo(keys[i]);
        }
    }

    @Test
    void aKeyDifferingInOneByteOrInLengthMisses() {
        final byte[] key = "0123456789abcdefXYZ".getBytes();
        cache.put(key, "value".getBytes());
        for (int b = 0; b < key.length; b++) {
            final byte[] other = key.clone();
            other[b] ^= 1;
            assertThat(cache.get(other)).as("byte %d flipped", b).isNull();
            assertThat(cache.containsKey(other)).isFalse();
        }
        assertThat(cache.get(Arrays.copyOf(key, key.length - 1))).isNull();
        assertThat(cache.get(Arrays.copyOf(key, key.length + 1))).isNull();
        assertThat(cache.get(key)).isEqualTo("value".getBytes());
    }

    @Test
    void mutatingTheCallersArrayAfterAReadChangesNothingStored() {
        final byte[] key = "session-42".getBytes();
        cache.put(key, "alice".getBytes());
        final byte[] probe = key.clone();
        assertThat(cache.get(probe)).isEqualTo("alice".getBytes());
        probe[0] = 'X';
        assertThat(cache.get(probe)).isNull();
        assertThat(cache.get(key)).isEqualTo("alice".getBytes());
        assertThat(cache.size()).isEqualTo(1);
    }

    @Test
    void aKeyLongerThanAnyStorableKeyIsAPlainMissOnReadAndATypedErrorOnWrite() {
        final byte[] huge = new byte[70_000];
        assertThat(cache.get(huge)).isNull();
        assertThat(cache.containsKey(huge)).isFalse();
        assertThat(cache.read(huge, LENGTH)).isNull();
        assertThatThrownBy(() -> cache.put(huge, new byte[1])).isInstanceOf(LarderException.class);
        assertThat(cache.size()).isZero();
    }

    @Test
    void nullKeyAndClosedLarderFailAsForEveryOtherCodec() {
        assertThatThrownBy(() -> cache.get(null)).isInstanceOf(NullPointerException.class)
            .hasMessageContaining("key must not be null");
        assertThatThrownBy(() -> cache.containsKey(null)).isInstanceOf(NullPointerException.class);
        larder.close();
        assertThatThrownBy(() -> cache.get(new byte[1])).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("closed");
    }

    @Test
    void putCopiesTheCallersArraysSoChangingThemLaterChangesNothingStored() {
        final byte[] key = "k-1".getBytes();
        final byte[] value = "first".getBytes();
        cache.put(key, value);
        key[0] = 'X';
        value[0] = 'X';
        assertThat(cache.get("k-1".getBytes())).isEqualTo("first".getBytes());
        assertThat(cache.get(key)).isNull();
        assertThat(cache.stats().puts()).isEqualTo(1);

        final byte[] withTtl = "second".getBytes();
        cache.put("k-1".getBytes(), withTtl, Duration.ofMinutes(1));
        withTtl[0] = 'X';
        final byte[] swapped = "third".getBytes();
        assertThat(cache.getAndPut("k-2".getBytes(), swapped)).isNull();
        swapped[0] = 'X';
        assertThat(cache.get("k-1".getBytes())).isEqualTo("second".getBytes());
        assertThat(cache.get("k-2".getBytes())).isEqualTo("third".getBytes());
        assertThat(cache.ttl("k-1".getBytes())).isPositive();
        assertThat(cache.stats().puts()).isEqualTo(3);
    }

    @Test
    void badPutsFailTypedAndLeaveTheStoredEntryAlone() {
        final Cache<byte[], byte[]> small = larder.cache("small", Codecs.bytes(), Codecs.bytes(),
            CacheOptions.defaults().maxEntrySize(64));
        final byte[] key = "key".getBytes();
        small.put(key, "kept".getBytes());
        assertThatThrownBy(() -> small.put(key, new byte[100])).isInstanceOf(EntryTooLargeException.class)
            .hasMessageContaining("exceeds maxEntrySize of 64");
        assertThatThrownBy(() -> small.put(key, null)).isInstanceOf(NullPointerException.class)
            .hasMessageContaining("value must not be null");
        assertThatThrownBy(() -> small.put(null, new byte[1])).isInstanceOf(NullPointerException.class)
            .hasMessageContaining("key must not be null");
        assertThat(small.get(key)).isEqualTo("kept".getBytes());
        assertThat(small.size()).isEqualTo(1);
        assertThat(small.stats().puts()).isEqualTo(1);
    }

    @Test
    void withAListenerPutStillReportsCreatedAndUpdated() {
        final java.util.List<String> events = new java.util.ArrayList<>();
        cache.registerListener(e -> events.add(e.type() + ":" + new String(e.value())));
        cache.put("a".getBytes(), "1".getBytes());
        cache.put("a".getBytes(), "2".getBytes());
        assertThat(events).containsExactly("CREATED:1", "UPDATED:2");
        assertThat(cache.get("a".getBytes())).isEqualTo("2".getBytes());
    }
}
