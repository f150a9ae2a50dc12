package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The Larder: cache registry, builder validation, lifecycle. */
class LarderTest {

    private static Larder small() {
        return Larder.builder().maxMemory(2L << 20).expiryInterval(Duration.ZERO).build();
    }

    @Test
    void sameNameReturnsTheSameCache() {
        try (Larder larder = small()) {
            final Cache<String, Long> a = larder.cache("c", Codecs.utf8(), Codecs.int64());
            a.put("x", 1L);
            final Cache<String, Long> b = larder.cache("c", Codecs.utf8(), Codecs.int64());
            assertThat(b).isSameAs(a);
            assertThat(b.get("x")).isEqualTo(1L);
            assertThat(larder.cache("c", Codecs.utf8(), Codecs.int64(), null)).isSameAs(a);
            assertThat(larder.cache("c", Codecs.utf8(), Codecs.int64(), CacheOptions.defaults())).isSameAs(a);
        }
    }

    @Test
    void clockIsTheOneConfigured() {
        final FakeClock clock = new FakeClock();
        try (Larder larder = Larder.builder().maxMemory(2L << 20).clock(clock).expiryInterval(Duration.ZERO).build()) {
            assertThat(larder.clock()).isSameAs(clock);
        }
        try (Larder larder = small()) {
            assertThat(larder.clock()).isSameAs(LarderClock.SYSTEM);
        }
    }

    @Test
    void cacheNamesAreListedSorted() {
        try (Larder larder = small()) {
            larder.cache("zeta", Codecs.utf8(), Codecs.utf8());
            larder.cache("alpha", Codecs.utf8(), Codecs.utf8());
            larder.cache("mid", Codecs.int64(), Codecs.bytes());
            assertThat(larder.cacheNames()).containsExactly("alpha", "mid", "zeta");
        }
    }

    @Test
    void sameNameWithOtherCodecsIsRejected() {
        try (Larder larder = small()) {
            larder.cache("sessions", Codecs.utf8(), Codecs.int64());
            assertThatThrownBy(() -> larder.cache("sessions", Codecs.utf8(), Codecs.utf8()))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("sessions")
                .hasMessageContaining("larder:int64")
                .hasMessageContaining("larder:utf8");
            assertThatThrownBy(() -> larder.cache("sessions", Codecs.int32(), Codecs.int64()))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("larder:int32");
        }
    }

    @Test
    void sameNameWithOtherOptionsIsRejected() {
        try (Larder larder = small()) {
            larder.cache("sessions", Codecs.utf8(), Codecs.utf8(), CacheOptions.defaults().maxEntrySize(1024));
            assertThatThrownBy(() -> larder.cache("sessions", Codecs.utf8(), Codecs.utf8(),
                CacheOptions.defaults().maxEntrySize(2048)))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("sessions")
                .matches(e -> Messages.mentionsNumber(e.getMessage(), 1024) && Messages.mentionsNumber(e.getMessage(), 2048),
                    "mentions both maxEntrySize values");
        }
    }

    @Test
    void builderRejectsABudgetBelowTheMinimum() {
        assertThatThrownBy(() -> Larder.builder().maxMemory(1000))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("maxMemory")
            .matches(e -> Messages.mentionsNumber(e.getMessage(), 1000), "mentions the value")
            .matches(e -> Messages.mentionsNumber(e.getMessage(), 1L << 20), "mentions the minimum");
    }

    @Test
    void builderRejectsBadSettings() {
        assertThatThrownBy(() -> Larder.builder().expiryInterval(Duration.ofMillis(-1)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT-0.001S");
        assertThatThrownBy(() -> Larder.builder().evictionPolicy("lru"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'lru'").hasMessageContaining("allkeys-lru");
        assertThatThrownBy(() -> Larder.builder().clock(null))
            .isInstanceOf(NullPointerException.class).hasMessageContaining("clock");
    }

    @Test
    void budgetAboveTwoGibibytesIsAccepted() {
        try (Larder larder = Larder.builder().maxMemory(3L << 30).expiryInterval(Duration.ZERO).build()) {
            assertThat(larder.memoryLimit()).isEqualTo(3L << 30);
            final Cache<Long, Long> c = larder.cache("big", Codecs.int64(), Codecs.int64());
            c.put(1L, 2L);
            assertThat(c.get(1L)).isEqualTo(2L);
            assertThat(larder.memoryUsed()).isLessThanOrEqualTo(3L << 30);
        }
    }

    @Test
    void closeIsIdempotentAndReported() {
        final Larder larder = small();
        assertThat(larder.isClosed()).isFalse();
        larder.close();
        assertThat(larder.isClosed()).isTrue();
        larder.close();
        assertThat(larder.isClosed()).isTrue();
    }

    @Test
    void memoryUsedIsWithinTheBudgetFromTheStart() {
        try (Larder larder = small()) {
            assertThat(larder.memoryUsed()).isBetween(0L, larder.memoryLimit());
            larder.cache("c", Codecs.utf8(), Codecs.utf8());
            assertThat(larder.memoryUsed()).isBetween(0L, larder.memoryLimit());
        }
    }
}
