package dev.larder.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.Cache;
import dev.larder.core.CacheOptions;
import dev.larder.core.Codecs;
import dev.larder.core.Larder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CacheAsideTest {

    private static final long BUDGET = 16L << 20;

    private Larder larder;
    private Cache<String, String> users;
    private final AtomicInteger loads = new AtomicInteger();

    @BeforeEach
    void openLarder() {
        larder = Larder.builder().maxMemory(BUDGET).build();
        users = larder.cache("users", Codecs.utf8(), Codecs.utf8());
    }

    @AfterEach
    void closeLarder() {
        larder.close();
    }

    /** A loader standing in for a DAO: knows "u:1" and "u:2", counts its calls. */
    private String loadFromDatabase(final String key) {
        loads.incrementAndGet();
        switch (key) {
            case "u:1":
                return "Ada";
            case "u:2":
                return "Grace";
            default:
                return null;
        }
    }

    @Test
    void missLoadsStoresAndReturnsTheValue() {
        assertThat(CacheAside.getOrLoad(users, "u:1", this::loadFromDatabase)).isEqualTo("Ada");
        assertThat(loads).hasValue(1);
        assertThat(users.get("u:1")).isEqualTo("Ada");
    }

    @Test
    void hitReturnsTheCachedValueWithoutCallingTheLoader() {
        users.put("u:1", "Ada (cached)");
        assertThat(CacheAside.getOrLoad(users, "u:1", this::loadFromDatabase)).isEqualTo("Ada (cached)");
        assertThat(loads).hasValue(0);
    }

    @Test
    void secondCallIsServedFromTheCache() {
        CacheAside.getOrLoad(users, "u:2", this::loadFromDatabase);
        assertThat(CacheAside.getOrLoad(users, "u:2", this::loadFromDatabase)).isEqualTo("Grace");
        assertThat(loads).hasValue(1);
    }

    @Test
    void loaderReceivesTheRequestedKey() {
        final List<String> asked = new ArrayList<>();
        CacheAside.getOrLoad(users, "u:42", key -> {
            asked.add(key);
            return "x";
        });
        assertThat(asked).containsExactly("u:42");
    }

    @Test
    void loaderReturningNullStoresNothingAndIsAskedAgainNextTime() {
        assertThat(CacheAside.getOrLoad(users, "u:404", this::loadFromDatabase)).isNull();
        assertThat(users.containsKey("u:404")).isFalse();
        assertThat(users.size()).isZero();

        assertThat(CacheAside.getOrLoad(users, "u:404", this::loadFromDatabase)).isNull();
        assertThat(loads).hasValue(2);
    }

    @Test
    void loaderExceptionPropagatesUnchangedAndNothingIsCached() {
        final IllegalStateException failure = new IllegalStateException("database is down");
        assertThatThrownBy(() -> CacheAside.getOrLoad(users, "u:1", key -> {
            throw failure;
        })).isSameAs(failure);
        assertThat(users.containsKey("u:1")).isFalse();
        assertThat(users.size()).isZero();

        // The next call loads normally.
        assertThat(CacheAside.getOrLoad(users, "u:1", this::loadFromDatabase)).isEqualTo("Ada");
    }

    @Test
    void valueWrittenWhileLoadingIsNotOverwrittenByTheLoadedOne() {
        final String result = CacheAside.getOrLoad(users, "u:1", key -> {
            users.put(key, "Ada (written during the load)"); // e.g. a concurrent update path
            return "Ada (stale, read before the update)";
        });
        assertThat(result).isEqualTo("Ada (written during the load)");
        assertThat(users.get("u:1")).isEqualTo("Ada (written during the load)");
    }

    @Test
    void loadedValueTakesTheCachesExpiry() {
        final AtomicLong now = new AtomicLong(1_000_000);
        try (Larder timed = Larder.builder().maxMemory(BUDGET).clock(now::get).expiryInterval(Duration.ZERO).build()) {
            final Cache<String, String> sessions = timed.cache("sessions", Codecs.utf8(), Codecs.utf8(),
                CacheOptions.defaults().expireAfterWrite(Duration.ofSeconds(30)));

            assertThat(CacheAside.getOrLoad(sessions, "u:1", this::loadFromDatabase)).isEqualTo("Ada");
            now.addAndGet(29_000);
            assertThat(CacheAside.getOrLoad(sessions, "u:1", this::loadFromDatabase)).isEqualTo("Ada");
            assertThat(loads).hasValue(1);

            now.addAndGet(2_000);
            assertThat(CacheAside.getOrLoad(sessions, "u:1", this::loadFromDatabase)).isEqualTo("Ada");
            assertThat(loads).hasValue(2);
        }
    }

    @Test
    void nullArgumentsAreRejectedBeforeLoading() {
        final Function<String, String> loader = this::loadFromDatabase;
        assertThatThrownBy(() -> CacheAside.getOrLoad(null, "u:1", loader)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> CacheAside.getOrLoad(users, null, loader)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> CacheAside.getOrLoad(users, "u:1", null)).isInstanceOf(NullPointerException.class);
        assertThat(loads).hasValue(0);
    }

    /** Concurrent misses may each load, but every caller must get the one value the cache holds. */
    @Test
    void concurrentMissesAllReturnTheValueThatWasCached() throws Exception {
        final int threads = 4;
        final int rounds = 200;
        final ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int round = 0; round < rounds; round++) {
                final String key = "k" + round;
                final AtomicInteger version = new AtomicInteger();
                final CountDownLatch start = new CountDownLatch(1);
                final List<Future<String>> results = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    results.add(pool.submit(() -> {
                        start.await();
                        return CacheAside.getOrLoad(users, key, k -> k + "#" + version.incrementAndGet());
                    }));
                }
                start.countDown();
                final String cached;
                final List<String> returned = new ArrayList<>();
                for (final Future<String> result : results) {
                    returned.add(result.get(1, TimeUnit.MINUTES));
                }
                cached = users.get(key);
                assertThat(cached).startsWith(key + "#");
                assertThat(returned).as("round %d", round).containsOnly(cached);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
