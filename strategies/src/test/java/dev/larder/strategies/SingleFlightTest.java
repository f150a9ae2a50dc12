package dev.larder.strategies;

import static dev.larder.strategies.LoadingCacheTest.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SingleFlightTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void close() {
        pool.shutdownNow();
    }

    @Test
    void concurrentCallersShareOneLoad() throws Exception {
        final int threads = 32;
        final SingleFlight<String, String> flights = new SingleFlight<>("c", Duration.ofSeconds(30));
        final AtomicInteger calls = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);
        final List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            results.add(pool.submit(() -> flights.load("k", key -> {
                calls.incrementAndGet();
                release.await();
                return "v(" + key + ")";
            })));
        }
        awaitTrue("all but the leader wait", () -> flights.waits() == threads - 1);
        assertThat(flights.isLoading("k")).isTrue();
        release.countDown();
        for (final Future<String> result : results) {
            assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo("v(k)");
        }
        assertThat(calls).hasValue(1);
        assertThat(flights.isLoading("k")).isFalse();
        // Nothing is kept: a call after the flight ended loads again.
        assertThat(flights.load("k", key -> "again")).isEqualTo("again");
    }

    @Test
    void aFailureReachesTheLeaderAndEveryWaiterWithTheLoadersExceptionAsCause() throws Exception {
        final SingleFlight<String, String> flights = new SingleFlight<>("c", Duration.ofSeconds(30));
        final IllegalStateException failure = new IllegalStateException("down");
        final CountDownLatch release = new CountDownLatch(1);
        final List<Future<String>> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            results.add(pool.submit(() -> flights.load("k", key -> {
                release.await();
                throw failure;
            })));
        }
        awaitTrue("3 waiters", () -> flights.waits() == 3);
        release.countDown();
        for (final Future<String> result : results) {
            assertThatThrownBy(() -> result.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(CacheLoaderException.class).hasMessageContaining("k").hasCause(failure);
        }
        assertThat(flights.isLoading("k")).isFalse();
    }

    @Test
    void aWaiterGivesUpAfterTheTimeoutWhileTheLoadGoesOn() throws Exception {
        final SingleFlight<String, String> flights = new SingleFlight<>("c", Duration.ofMillis(50));
        final SingleFlight.Flight<String, String> mine = flights.tryLead("k");
        assertThat(mine).isNotNull();
        assertThat(mine.leader()).isSameAs(Thread.currentThread());
        final Future<String> waiter = pool.submit(() -> flights.inFlight("k").await());
        assertThatThrownBy(() -> waiter.get(30, TimeUnit.SECONDS))
            .cause().isInstanceOf(LoadTimeoutException.class).hasMessageContaining("key k");
        assertThat(flights.timeouts()).isEqualTo(1);
        assertThat(flights.isLoading("k")).isTrue();
        mine.complete("late");
        assertThat(mine.isDone()).isTrue();
        assertThat(flights.isLoading("k")).isFalse();
    }

    @Test
    void theLeaderWaitingForItsOwnFlightFailsAtOnce() {
        final SingleFlight<String, String> flights = new SingleFlight<>("c", Duration.ofSeconds(30));
        assertThatThrownBy(() -> flights.load("a", key -> flights.load("b", other -> flights.load("a", k -> "never"))))
            .isInstanceOf(RecursiveLoadException.class)
            .hasMessageContaining("recursive load of key a");
        assertThat(flights.isLoading("a")).isFalse();
        assertThat(flights.isLoading("b")).isFalse();
        assertThat(flights.waits()).isZero();
    }

    @Test
    void tryLeadRefusesAKeyInFlightAndCompletingFreesIt() {
        final SingleFlight<String, String> flights = new SingleFlight<>("c", Duration.ofSeconds(30));
        final SingleFlight.Flight<String, String> first = flights.tryLead("k");
        assertThat(flights.tryLead("k")).isNull();
        assertThat(flights.inFlight("k")).isSameAs(first);
        first.markStale();
        assertThat(first.isStale()).isTrue();
        first.complete(null);
        assertThat(flights.inFlight("k")).isNull();
        assertThat(flights.tryLead("k")).isNotNull().isNotSameAs(first);
    }

    @Test
    void leadOrJoinLeadsAKeyNobodyIsLoadingAndOtherwiseReturnsTheFlightInProgress() throws Exception {
        final SingleFlight<String, String> flights = new SingleFlight<>("c", Duration.ofSeconds(30));
        final SingleFlight.Seat<String, String> first = flights.leadOrJoin("k");
        assertThat(first.leads()).isTrue();
        assertThat(first.flight().leader()).isSameAs(Thread.currentThread());
        assertThat(flights.inFlight("k")).isSameAs(first.flight());

        // Another thread joins the same flight without leading it, and gets its value.
        final Future<SingleFlight.Seat<String, String>> joined = pool.submit(() -> flights.leadOrJoin("k"));
        final SingleFlight.Seat<String, String> second = joined.get(30, TimeUnit.SECONDS);
        assertThat(second.leads()).isFalse();
        assertThat(second.flight()).isSameAs(first.flight());
        final Future<String> waiter = pool.submit(() -> second.flight().await());
        awaitTrue("the other thread waits", () -> flights.waits() == 1);

        // The leader asking again leads nothing new: it gets its own flight, and waiting for it is recursive.
        final SingleFlight.Seat<String, String> again = flights.leadOrJoin("k");
        assertThat(again.leads()).isFalse();
        assertThat(again.flight()).isSameAs(first.flight());
        assertThatThrownBy(() -> again.flight().await())
            .isInstanceOf(RecursiveLoadException.class).hasMessageContaining("recursive load of key k");
        assertThat(flights.waits()).isEqualTo(1);

        first.flight().complete("v");
        assertThat(waiter.get(30, TimeUnit.SECONDS)).isEqualTo("v");
        assertThat(flights.isLoading("k")).isFalse();

        // Once the flight has ended, the next call leads a new one.
        final SingleFlight.Seat<String, String> next = flights.leadOrJoin("k");
        assertThat(next.leads()).isTrue();
        assertThat(next.flight()).isNotSameAs(first.flight());
        assertThat(next.flight().isDone()).isFalse();
        next.flight().complete(null);
    }

    @Test
    void leadOrJoinJoinsADetachedFlightWithoutLeadingIt() throws Exception {
        final SingleFlight<String, String> flights = new SingleFlight<>("c", Duration.ofSeconds(30));
        final SingleFlight.Flight<String, String> detached = flights.tryLeadDetached("k");
        final SingleFlight.Seat<String, String> seat = flights.leadOrJoin("k");
        assertThat(seat.leads()).isFalse();
        assertThat(seat.flight()).isSameAs(detached);
        final Future<String> loader = pool.submit(() -> {
            detached.takeOver();
            detached.complete("refreshed");
            return "done";
        });
        assertThat(seat.flight().await()).isEqualTo("refreshed");
        assertThat(loader.get(30, TimeUnit.SECONDS)).isEqualTo("done");
        assertThatThrownBy(() -> flights.leadOrJoin(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aDetachedFlightIsLedByTheThreadThatTakesItOver() throws Exception {
        final SingleFlight<String, String> flights = new SingleFlight<>("c", Duration.ofSeconds(30));
        final SingleFlight.Flight<String, String> detached = flights.tryLeadDetached("k");
        assertThat(detached.leader()).isNull();
        // The registering thread is not its leader: it may wait for it.
        final Future<String> loader = pool.submit(() -> {
            detached.takeOver();
            assertThat(detached.leader()).isSameAs(Thread.currentThread());
            detached.complete("refreshed");
            return "done";
        });
        assertThat(detached.await()).isEqualTo("refreshed");
        assertThat(loader.get(30, TimeUnit.SECONDS)).isEqualTo("done");
    }

    @Test
    void failWrapsPlainExceptionsKeepsCacheLoaderExceptionsAndRethrowsErrors() {
        final SingleFlight<String, String> flights = new SingleFlight<>("c", Duration.ofSeconds(30));
        final Exception checked = new java.io.IOException("io");
        assertThat(flights.tryLead("a").fail(checked)).hasCause(checked).hasMessageContaining("cache 'c'");
        final CacheLoaderException own = new CacheLoaderException("own");
        assertThat(flights.tryLead("b").fail(own)).isSameAs(own);
        final SingleFlight.Flight<String, String> c = flights.tryLead("c");
        final AssertionError error = new AssertionError("boom");
        assertThatThrownBy(() -> c.fail(error)).isSameAs(error);
        assertThat(c.isDone()).isTrue();
        assertThat(flights.isLoading("a") || flights.isLoading("b") || flights.isLoading("c")).isFalse();
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> new SingleFlight<String, String>("c", Duration.ZERO))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("waitTimeout");
        assertThatThrownBy(() -> new SingleFlight<String, String>(null, Duration.ofSeconds(1)))
            .isInstanceOf(NullPointerException.class);
        final SingleFlight<String, String> flights = new SingleFlight<>("c", Duration.ofSeconds(1));
        assertThat(flights.name()).isEqualTo("c");
        assertThat(flights.waitTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> flights.tryLead(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> flights.load("k", null)).isInstanceOf(NullPointerException.class);
    }
}
