package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Issue section 3: every kind of bad input gets a typed exception whose message says what was
 * wrong and by how much, and leaves the store exactly as it was (every entry with its value and
 * TTL, the size, and the native memory in use).
 */
class BadInputTest {
    private static final int MAX_ENTRY = 1_024;

    private FakeClock clock;
    private Larder larder;
    private Cache<String, String> cache;

    @BeforeEach
    void open() {
        clock = new FakeClock();
        larder = Larder.builder().maxMemory(4L << 20).clock(clock).expiryInterval(Duration.ZERO).build();
        cache = larder.cache("bad", Codecs.utf8(), Codecs.utf8(), CacheOptions.defaults().maxEntrySize(MAX_ENTRY));
        for (int i = 0; i < 50; i++) {
            cache.put("k" + i, "v" + i);
            cache.put("t" + i, "ttl" + i, Duration.ofSeconds(100 + i));
        }
        cache.put("existing", "value");
    }

    @AfterEach
    void close() {
        larder.close();
    }

    /** Runs {@code call}, expects {@code type}, checks the message and that nothing changed. */
    private <T extends Throwable> void rejected(final Class<T> type, final ThrowingCallable call,
                                                final Consumer<String> messageCheck) {
        rejected(cache, type, call, messageCheck);
    }

    private <T extends Throwable> void rejected(final Cache<?, ?> target, final Class<T> type,
                                                final ThrowingCallable call, final Consumer<String> messageCheck) {
        final Snapshot before = Snapshot.of(larder, target);
        final Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(thrown).isInstanceOf(type);
        assertThat(thrown.getMessage()).as("message of %s", thrown).isNotBlank();
        messageCheck.accept(thrown.getMessage());
        assertThat(Snapshot.of(larder, target)).as("store after %s", thrown).isEqualTo(before);
    }

    private static Consumer<String> mentions(final String... words) {
        return m -> assertThat(m.toLowerCase(Locale.ROOT)).contains(
            java.util.Arrays.stream(words).map(w -> w.toLowerCase(Locale.ROOT)).toArray(String[]::new));
    }

    private static Consumer<String> mentionsNumbers(final long... numbers) {
        return m -> {
            for (final long n : numbers) {
                assertThat(Messages.mentionsNumber(m, n)).as("'%s' mentions %,d", m, n).isTrue();
            }
        };
    }

    private static Consumer<String> mentionsAnyOf(final long... numbers) {
        return m -> assertThat(Messages.anyNumber(numbers).test(m)).as("'%s' mentions one of %s", m,
            java.util.Arrays.toString(numbers)).isTrue();
    }

    // ---------------------------------------------------------------- nulls

    @Test
    void nullKeyIsRejectedByEveryOperation() {
        final Consumer<String> key = mentions("key");
        rejected(NullPointerException.class, () -> cache.get(null), key);
        rejected(NullPointerException.class, () -> cache.read(null, (b, o, l) -> l), key);
        rejected(NullPointerException.class, () -> cache.containsKey(null), key);
        rejected(NullPointerException.class, () -> cache.put(null, "v"), key);
        rejected(NullPointerException.class, () -> cache.put(null, "v", Duration.ofSeconds(1)), key);
        rejected(NullPointerException.class, () -> cache.putIfAbsent(null, "v"), key);
        rejected(NullPointerException.class, () -> cache.getAndPut(null, "v"), key);
        rejected(NullPointerException.class, () -> cache.remove(null), key);
        rejected(NullPointerException.class, () -> cache.remove(null, "v"), key);
        rejected(NullPointerException.class, () -> cache.getAndRemove(null), key);
        rejected(NullPointerException.class, () -> cache.replace(null, "v"), key);
        rejected(NullPointerException.class, () -> cache.replace(null, "v", "w"), key);
        rejected(NullPointerException.class, () -> cache.getAndReplace(null, "v"), key);
        rejected(NullPointerException.class, () -> cache.compute(null, (k, v) -> "x"), key);
        rejected(NullPointerException.class, () -> cache.invoke(null, e -> null), key);
        rejected(NullPointerException.class, () -> cache.expire(null, Duration.ofSeconds(1)), key);
        rejected(NullPointerException.class, () -> cache.ttl(null), key);
        rejected(NullPointerException.class, () -> cache.persist(null), key);
    }

    @Test
    void nullKeyInsideBulkOperationsIsRejected() {
        final Set<String> withNull = new HashSet<>();
        withNull.add(null);
        final Map<String, String> nullKeyMap = new HashMap<>();
        nullKeyMap.put(null, "v");
        rejected(NullPointerException.class, () -> cache.getAll(withNull), mentions("key"));
        rejected(NullPointerException.class, () -> cache.putAll(nullKeyMap), mentions("key"));
        rejected(NullPointerException.class, () -> cache.removeAll(withNull), mentions("key"));
        rejected(NullPointerException.class, () -> cache.getAll(null), mentions("keys"));
        rejected(NullPointerException.class, () -> cache.putAll(null), mentions("entries"));
        rejected(NullPointerException.class, () -> cache.removeAll(null), mentions("keys"));
    }

    @Test
    void bulkOperationWithANullAmongValidKeysIsRejectedBeforeChangingAnything() {
        // insertion-ordered, the null last: a bulk operation that checks as it goes would already have changed the store
        final Map<String, String> mixed = new java.util.LinkedHashMap<>();
        mixed.put("new1", "v");
        mixed.put("k1", "overwritten");
        mixed.put(null, "v");
        rejected(NullPointerException.class, () -> cache.putAll(mixed), mentions("key"));
        final Map<String, String> mixedValues = new java.util.LinkedHashMap<>();
        mixedValues.put("new1", "v");
        mixedValues.put("k1", null);
        rejected(NullPointerException.class, () -> cache.putAll(mixedValues), mentions("value"));
        final Set<String> mixedKeys = new java.util.LinkedHashSet<>();
        mixedKeys.add("k1");
        mixedKeys.add("k2");
        mixedKeys.add(null);
        rejected(NullPointerException.class, () -> cache.removeAll(mixedKeys), mentions("key"));
    }

    @Test
    void nullValueIsRejectedByEveryOperation() {
        final Consumer<String> value = mentions("value");
        rejected(NullPointerException.class, () -> cache.put("existing", null), value);
        rejected(NullPointerException.class, () -> cache.put("new", null), value);
        rejected(NullPointerException.class, () -> cache.put("existing", null, Duration.ofSeconds(1)), value);
        rejected(NullPointerException.class, () -> cache.putIfAbsent("new", null), value);
        rejected(NullPointerException.class, () -> cache.getAndPut("existing", null), value);
        rejected(NullPointerException.class, () -> cache.remove("existing", null), value);
        rejected(NullPointerException.class, () -> cache.replace("existing", null), value);
        rejected(NullPointerException.class, () -> cache.replace("existing", null, "w"), value);
        rejected(NullPointerException.class, () -> cache.replace("existing", "value", null), value);
        rejected(NullPointerException.class, () -> cache.getAndReplace("existing", null), value);
        final Map<String, String> nullValue = new HashMap<>();
        nullValue.put("new", null);
        rejected(NullPointerException.class, () -> cache.putAll(nullValue), value);
    }

    @Test
    void nullArgumentsOtherThanKeysAndValuesAreRejectedByName() {
        final Consumer<String> ttl = m -> assertThat(m.toLowerCase(Locale.ROOT)).containsAnyOf("ttl", "time to live");
        rejected(NullPointerException.class, () -> cache.put("existing", "v", null), ttl);
        rejected(NullPointerException.class, () -> cache.expire("existing", null), ttl);
        rejected(NullPointerException.class, () -> cache.compute("existing", null), mentions("function"));
        rejected(NullPointerException.class, () -> cache.invoke("existing", null), mentions("processor"));
        rejected(NullPointerException.class, () -> cache.read("existing", null), mentions("reader"));
        rejected(NullPointerException.class, () -> cache.registerListener(null), mentions("listener"));
    }

    // ---------------------------------------------------------------- sizes

    @Test
    void valueLargerThanMaxEntrySizeIsRejectedByEveryWrite() {
        final String big = "x".repeat(2_000);
        final Consumer<String> says = mentions("maxEntrySize").andThen(mentionsNumbers(MAX_ENTRY))
            .andThen(mentionsAnyOf(2_000, 2_000 + "existing".length(), 2_000 + "new".length()));
        rejected(EntryTooLargeException.class, () -> cache.put("new", big), says);
        rejected(EntryTooLargeException.class, () -> cache.put("existing", big), says);
        rejected(EntryTooLargeException.class, () -> cache.put("existing", big, Duration.ofSeconds(1)), says);
        rejected(EntryTooLargeException.class, () -> cache.putIfAbsent("new", big), says);
        rejected(EntryTooLargeException.class, () -> cache.getAndPut("existing", big), says);
        rejected(EntryTooLargeException.class, () -> cache.replace("existing", big), says);
        rejected(EntryTooLargeException.class, () -> cache.replace("existing", "value", big), says);
        rejected(EntryTooLargeException.class, () -> cache.getAndReplace("existing", big), says);
        rejected(EntryTooLargeException.class, () -> cache.compute("existing", (k, v) -> big), says);
        rejected(EntryTooLargeException.class, () -> cache.putAll(Map.of("new", big)), says);
        rejected(EntryTooLargeException.class, () -> cache.invoke("existing", e -> {
            e.setValue(big);
            return null;
        }), says);
        assertThat(cache.get("existing")).isEqualTo("value");
    }

    @Test
    void keyLargerThanMaxEntrySizeIsRejected() {
        final String bigKey = "k".repeat(3_000);
        final Consumer<String> says = mentionsNumbers(MAX_ENTRY).andThen(mentionsAnyOf(3_000, 3_001));
        rejected(EntryTooLargeException.class, () -> cache.put(bigKey, "v"), says);
        rejected(EntryTooLargeException.class, () -> cache.putIfAbsent(bigKey, "v"), says);
        rejected(EntryTooLargeException.class, () -> cache.compute(bigKey, (k, v) -> "v"), says);
    }

    @Test
    void entryOfExactlyMaxEntrySizeIsAccepted() {
        final String key = "edge";
        final String value = "v".repeat(MAX_ENTRY - key.length());
        cache.put(key, value);
        assertThat(cache.get(key)).isEqualTo(value);
        rejected(EntryTooLargeException.class, () -> cache.put(key, value + "v"),
            mentionsNumbers(MAX_ENTRY).andThen(mentionsAnyOf(MAX_ENTRY + 1, MAX_ENTRY + 1 - key.length())));
        assertThat(cache.get(key)).isEqualTo(value);
    }

    @Test
    void entryThatCanNeverFitInTheBudgetIsRejectedWithoutEvictingAnything() {
        final long budget = 1L << 20;
        try (Larder tiny = Larder.builder().maxMemory(budget).clock(clock).expiryInterval(Duration.ZERO).build()) {
            // default maxEntrySize (1 MiB) equals the budget, so only the budget can refuse this entry
            final Cache<String, byte[]> c = tiny.cache("tiny", Codecs.utf8(), Codecs.bytes());
            for (int i = 0; i < 20; i++) {
                c.put("keep" + i, new byte[1_000]);
            }
            final byte[] huge = new byte[(int) budget - 8];
            final Snapshot before = Snapshot.of(tiny, c);
            final Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> c.put("huge", huge));
            assertThat(thrown).isInstanceOf(EntryTooLargeException.class);
            assertThat(thrown.getMessage().toLowerCase(Locale.ROOT)).containsAnyOf("budget", "maxmemory");
            assertThat(Messages.mentionsNumber(thrown.getMessage(), budget)).as(thrown.getMessage()).isTrue();
            assertThat(Messages.anyNumber(huge.length, huge.length + 4).test(thrown.getMessage())).as(thrown.getMessage()).isTrue();
            assertThat(Snapshot.of(tiny, c)).isEqualTo(before);
            assertThat(c.stats().evictions()).isZero();
        }
    }

    // ---------------------------------------------------------------- TTLs

    @Test
    void zeroOrNegativeTtlIsRejected() {
        for (final Duration bad : new Duration[] {Duration.ZERO, Duration.ofMillis(-1), Duration.ofSeconds(-30)}) {
            final Consumer<String> says = ((Consumer<String>) m -> assertThat(m.toLowerCase(Locale.ROOT))
                .containsAnyOf("ttl", "time to live")).andThen(m -> assertThat(
                m.contains(bad.toString()) || Messages.mentionsNumber(m, bad.toMillis())).as(m).isTrue());
            rejected(IllegalArgumentException.class, () -> cache.put("existing", "v", bad), says);
            rejected(IllegalArgumentException.class, () -> cache.put("new", "v", bad), says);
            rejected(IllegalArgumentException.class, () -> cache.expire("existing", bad), says);
            rejected(IllegalArgumentException.class, () -> cache.expire("t1", bad), says);
            rejected(IllegalArgumentException.class, () -> cache.expire("absent", bad), says);
        }
    }

    @Test
    void zeroOrNegativeDefaultExpiryIsRejectedInOptions() {
        assertThatThrownBy(() -> CacheOptions.defaults().expireAfterWrite(Duration.ZERO))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expireAfterWrite").hasMessageContaining("PT0S");
        assertThatThrownBy(() -> CacheOptions.defaults().expireAfterAccess(Duration.ofMillis(-5)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expireAfterAccess").hasMessageContaining("PT-0.005S");
        assertThatThrownBy(() -> CacheOptions.defaults().maxEntrySize(0))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxEntrySize").hasMessageContaining("0");
    }

    // ---------------------------------------------------------------- codecs

    /** Writes part of the value, then fails, for values starting with "bad". */
    static final class FailingCodec implements Codec<String> {
        static final RuntimeException FAILURE = new IllegalStateException("codec gave up half-way");

        @Override
        public int encode(final String value, final MutableDirectBuffer buffer, final int offset) {
            final int n = Codecs.utf8().encode(value, buffer, offset);
            if (value.startsWith("bad")) {
                buffer.setMemory(offset + n, 4_000, (byte) 0x5A); // scribble past the value, grow the scratch buffer
                throw FAILURE;
            }
            return n;
        }

        @Override
        public String decode(final DirectBuffer buffer, final int offset, final int length) {
            final String s = Codecs.utf8().decode(buffer, offset, length);
            if (s.startsWith("undecodable")) {
                throw FAILURE;
            }
            return s;
        }

        @Override
        public String id() {
            return "test:failing";
        }
    }

    @Nested
    class FailingCodecs {
        private Cache<String, String> fragile;

        @BeforeEach
        void create() {
            fragile = larder.cache("fragile", new FailingCodec(), new FailingCodec());
            fragile.put("existing", "value");
            fragile.put("other", "x", Duration.ofSeconds(5));
        }

        private void encodeFails(final ThrowingCallable call) {
            final Snapshot before = Snapshot.of(larder, fragile);
            final Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
            assertThat(thrown).isInstanceOf(CodecException.class);
            assertThat(thrown).hasCause(FailingCodec.FAILURE);
            assertThat(thrown.getMessage()).contains("fragile").contains("test:failing");
            assertThat(thrown.getMessage().toLowerCase(Locale.ROOT)).contains("encod");
            assertThat(Snapshot.of(larder, fragile)).isEqualTo(before);
        }

        @Test
        void valueCodecThatThrowsMidEncodeChangesNothing() {
            encodeFails(() -> fragile.put("existing", "bad value"));
            encodeFails(() -> fragile.put("new", "bad value"));
            encodeFails(() -> fragile.put("existing", "bad value", Duration.ofSeconds(1)));
            encodeFails(() -> fragile.putIfAbsent("new", "bad value"));
            encodeFails(() -> fragile.getAndPut("existing", "bad value"));
            encodeFails(() -> fragile.replace("existing", "bad value"));
            encodeFails(() -> fragile.replace("existing", "value", "bad value"));
            encodeFails(() -> fragile.getAndReplace("existing", "bad value"));
            encodeFails(() -> fragile.compute("existing", (k, v) -> "bad value"));
            encodeFails(() -> fragile.putAll(Map.of("new", "bad value")));
            encodeFails(() -> fragile.invoke("existing", e -> {
                e.setValue("bad value");
                return null;
            }));
            assertThat(fragile.get("existing")).isEqualTo("value");
        }

        @Test
        void keyCodecThatThrowsMidEncodeChangesNothing() {
            encodeFails(() -> fragile.put("bad key", "v"));
            encodeFails(() -> fragile.putIfAbsent("bad key", "v"));
            encodeFails(() -> fragile.get("bad key"));
            encodeFails(() -> fragile.remove("bad key"));
            encodeFails(() -> fragile.compute("bad key", (k, v) -> "v"));
        }

        @Test
        void storeStillWorksAfterACodecFailure() {
            encodeFails(() -> fragile.put("new", "bad value"));
            fragile.put("new", "good value");
            assertThat(fragile.get("new")).isEqualTo("good value");
            assertThat(fragile.get("existing")).isEqualTo("value");
        }

        @Test
        void valueCodecThatThrowsOnDecodeIsReportedAndKeepsTheEntry() {
            fragile.put("k", "undecodable bytes");
            final Snapshot before = Snapshot.of(larder, cache);
            final Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> fragile.get("k"));
            assertThat(thrown).isInstanceOf(CodecException.class).hasCause(FailingCodec.FAILURE);
            assertThat(thrown.getMessage()).contains("fragile");
            assertThat(thrown.getMessage().toLowerCase(Locale.ROOT)).contains("decod");
            assertThat(fragile.containsKey("k")).isTrue();
            assertThat(fragile.<Integer>read("k", (b, o, l) -> l)).isEqualTo("undecodable bytes".length());
            assertThat(Snapshot.of(larder, cache)).isEqualTo(before);
        }
    }

    /** Writes a string as UTF-8 but returns a length of its choosing: more than it wrote, or negative. */
    static final class LyingLengthCodec implements Codec<String> {
        private final int claimed;

        LyingLengthCodec(final int claimed) {
            this.claimed = claimed;
        }

        @Override
        public int encode(final String value, final MutableDirectBuffer buffer, final int offset) {
            final int n = Codecs.utf8().encode(value, buffer, offset);
            return value.startsWith("lie") ? claimed : n;
        }

        @Override
        public String decode(final DirectBuffer buffer, final int offset, final int length) {
            return Codecs.utf8().decode(buffer, offset, length);
        }

        @Override
        public String id() {
            return "test:lying" + claimed;
        }
    }

    @Test
    void aCodecReturningALengthItCannotHaveWrittenIsATypedErrorAndChangesNothing() {
        for (final int claimed : new int[] {1 << 20, -1}) {
            final Cache<String, String> lying = larder.cache("lying" + claimed, new LyingLengthCodec(claimed),
                new LyingLengthCodec(claimed));
            lying.put("existing", "value");
            final Snapshot before = Snapshot.of(larder, lying);
            final ThrowingCallable[] calls = {
                () -> lying.put("existing", "lie about the value"), () -> lying.put("lie about the key", "v"),
                () -> lying.get("lie about the key"), () -> lying.containsKey("lie about the key"),
                () -> lying.putIfAbsent("new", "lie"), () -> lying.replace("existing", "lie"),
            };
            for (int i = 0; i < calls.length; i++) {
                final Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(calls[i]);
                assertThat(thrown).as("call #%d, claimed %d", i, claimed).isInstanceOf(CodecException.class);
                assertThat(thrown.getMessage()).contains("lying" + claimed).contains("test:lying")
                    .contains(String.format("%,d", claimed)).contains("returned a length");
            }
            assertThat(Snapshot.of(larder, lying)).isEqualTo(before);
            assertThat(lying.get("existing")).isEqualTo("value");
        }
    }

    // ---------------------------------------------------------------- configuration

    @Test
    void cacheNameReusedWithOtherCodecsIsRejectedAndChangesNothing() {
        rejected(CacheConfigurationException.class, () -> larder.cache("bad", Codecs.utf8(), Codecs.int64()),
            mentions("bad", "larder:utf8", "larder:int64"));
        rejected(CacheConfigurationException.class, () -> larder.cache("bad", Codecs.bytes(), Codecs.utf8()),
            mentions("bad", "larder:bytes"));
        rejected(CacheConfigurationException.class, () -> larder.cache("bad", Codecs.utf8(), Codecs.utf8(),
            CacheOptions.defaults().maxEntrySize(MAX_ENTRY * 2)), mentionsNumbers(MAX_ENTRY, MAX_ENTRY * 2));
        assertThat(larder.cacheNames()).containsExactly("bad");
        assertThat(larder.cache("bad", Codecs.utf8(), Codecs.utf8())).isSameAs(cache);
    }

    // ---------------------------------------------------------------- closed

    @Test
    void everyOperationAfterCloseThrowsIllegalStateException() {
        final Cache<String, String> c = cache;
        larder.close();
        final Consumer<String> closed = mentions("closed");
        final ThrowingCallable[] calls = {
            () -> c.get("k1"), () -> c.read("k1", (b, o, l) -> l), () -> c.getAll(Set.of("k1")),
            () -> c.containsKey("k1"), () -> c.put("k1", "v"), () -> c.put("k1", "v", Duration.ofSeconds(1)),
            () -> c.putAll(Map.of("k1", "v")), () -> c.putIfAbsent("x", "v"), () -> c.getAndPut("k1", "v"),
            () -> c.remove("k1"), () -> c.remove("k1", "v1"), () -> c.getAndRemove("k1"), () -> c.replace("k1", "v"),
            () -> c.replace("k1", "v1", "v"), () -> c.getAndReplace("k1", "v"), () -> c.removeAll(Set.of("k1")),
            () -> c.removeAll(), c::clear, () -> c.compute("k1", (k, v) -> "v"), () -> c.invoke("k1", e -> null),
            c::iterator, c::size, () -> c.expire("k1", Duration.ofSeconds(1)), () -> c.ttl("k1"),
            () -> c.persist("k1"), c::stats,
            () -> larder.cache("bad", Codecs.utf8(), Codecs.utf8()), () -> larder.cache("new", Codecs.utf8(), Codecs.utf8()),
            larder::cacheNames, larder::stats, larder::memoryUsed, larder::runMaintenance,
        };
        for (int i = 0; i < calls.length; i++) {
            final Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(calls[i]);
            assertThat(thrown).as("call #%d after close", i).isInstanceOf(IllegalStateException.class);
            closed.accept(thrown.getMessage());
        }
        assertThat(larder.isClosed()).isTrue();
    }

    @Test
    void iteratorOpenedBeforeCloseFailsCleanlyAfterClose() {
        final var it = cache.iterator();
        larder.close();
        final Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> {
            while (it.hasNext()) {
                it.next();
            }
        });
        assertThat(thrown).isInstanceOf(IllegalStateException.class);
    }
}
