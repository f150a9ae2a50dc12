package dev.larder.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.Codecs;
import dev.larder.core.Larder;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** A real Spring application context (no Spring Boot) with {@code @EnableCaching} and Larder. */
class SpringContextTest {

    /** A cached value type: Serializable, so the default codec stores it. */
    public record User(long id, String name) implements Serializable {
    }

    /** The service whose methods Spring caches; counts how often each body really runs. */
    public static class UserService {
        private final Counts counts = new Counts();

        /**
         * The proxy Spring hands out has its own (empty) fields, so tests reach the target's
         * counters through this (proxied, uncached) method.
         *
         * @return the counters of the target object
         */
        public Counts counts() {
            return counts;
        }

        @Cacheable("users")
        public User find(final long id) {
            counts.finds.incrementAndGet();
            return new User(id, "user-" + id);
        }

        @CachePut(cacheNames = "users", key = "#user.id")
        public User update(final User user) {
            return user;
        }

        @CacheEvict("users")
        public void delete(final long id) {
        }

        @CacheEvict(cacheNames = "users", allEntries = true)
        public void deleteAll() {
        }

        @Cacheable("sessions")
        public String session(final String token) {
            counts.sessions.incrementAndGet();
            return "session-" + token;
        }

        @Cacheable("names")
        public String name(final long id) {
            counts.names.incrementAndGet();
            return "name-" + id;
        }

        @Cacheable(cacheNames = "reports", sync = true)
        public String report(final String id) throws InterruptedException {
            counts.reports.incrementAndGet();
            counts.reportEntered.countDown();
            counts.reportRelease.await();
            return "report-" + id;
        }

        @Cacheable(cacheNames = "reports", sync = true)
        public String failingReport(final String id) {
            counts.failures.incrementAndGet();
            throw new IllegalStateException("report source down");
        }

        @Cacheable("maybe")
        public String lookupMissing(final String id) {
            counts.nulls.incrementAndGet();
            return null;
        }

        @Cacheable("strict")
        public String strictMissing(final String id) {
            return null;
        }

        @Cacheable(cacheNames = "strict", unless = "#result == null")
        public String strictMissingUnless(final String id) {
            counts.nulls.incrementAndGet();
            return null;
        }
    }

    /** How often each method body really ran. */
    public static final class Counts {
        final AtomicInteger finds = new AtomicInteger();
        final AtomicInteger sessions = new AtomicInteger();
        final AtomicInteger names = new AtomicInteger();
        final AtomicInteger reports = new AtomicInteger();
        final AtomicInteger nulls = new AtomicInteger();
        final AtomicInteger failures = new AtomicInteger();
        volatile CountDownLatch reportEntered = new CountDownLatch(1);
        volatile CountDownLatch reportRelease = new CountDownLatch(0);
    }

    /** The application's configuration. */
    @Configuration
    @EnableCaching
    static class Config {
        @Bean
        FakeClock clock() {
            return new FakeClock();
        }

        @Bean
        Larder larder(final FakeClock clock) {
            return Larder.builder().maxMemory(16L << 20).clock(clock).expiryInterval(Duration.ZERO).build();
        }

        @Bean
        CacheManager cacheManager(final Larder larder) {
            return LarderCacheManager.builder(larder)
                .defaults(LarderCacheSpec.defaults().ttl(Duration.ofMinutes(10)))
                .cache("users")
                .cache("sessions", d -> d.ttl(Duration.ofSeconds(30)))
                .cache("names", LarderCacheSpec.of(Codecs.int64(), Codecs.utf8()))
                .cache("strict", d -> d.allowNullValues(false))
                .build();
        }

        @Bean
        UserService userService() {
            return new UserService();
        }
    }

    private AnnotationConfigApplicationContext context;
    private UserService service;
    private FakeClock clock;
    private LarderCacheManager manager;

    @BeforeEach
    void start() {
        context = new AnnotationConfigApplicationContext(Config.class);
        service = context.getBean(UserService.class);
        clock = context.getBean(FakeClock.class);
        manager = (LarderCacheManager) context.getBean(CacheManager.class);
    }

    @AfterEach
    void stop() {
        context.close();
    }

    @Test
    void cachedMethodRunsOnce() {
        assertThat(service.getClass()).isNotEqualTo(UserService.class); // a caching proxy
        final User first = service.find(1);
        final User second = service.find(1);
        assertThat(second).isEqualTo(first).isEqualTo(new User(1, "user-1"));
        assertThat(second).isNotSameAs(first); // stored by value, decoded per read
        assertThat(service.counts().finds).hasValue(1);
        service.find(2);
        assertThat(service.counts().finds).hasValue(2);
        final dev.larder.core.Cache<Object, Object> larderCache =
            ((LarderSpringCache) manager.getCache("users")).getNativeCache();
        assertThat(larderCache.size()).isEqualTo(2);
        assertThat(larderCache.stats().hits()).isEqualTo(1);
        assertThat(larderCache.stats().misses()).isEqualTo(2);
    }

    @Test
    void cachePutReplacesAndCacheEvictRemoves() {
        service.find(1);
        service.update(new User(1, "renamed"));
        assertThat(service.find(1)).isEqualTo(new User(1, "renamed"));
        assertThat(service.counts().finds).hasValue(1);

        service.delete(1);
        assertThat(service.find(1)).isEqualTo(new User(1, "user-1"));
        assertThat(service.counts().finds).hasValue(2);

        service.find(2);
        service.deleteAll();
        service.find(1);
        service.find(2);
        assertThat(service.counts().finds).hasValue(5);
    }

    @Test
    void eachCacheHasItsOwnTtl() {
        service.session("t");
        service.find(1);
        clock.advance(Duration.ofSeconds(29));
        service.session("t");
        service.find(1);
        assertThat(service.counts().sessions).hasValue(1);
        clock.advance(Duration.ofSeconds(2)); // 31 s: past the sessions TTL, within the default 10 min
        service.session("t");
        service.find(1);
        assertThat(service.counts().sessions).hasValue(2);
        assertThat(service.counts().finds).hasValue(1);
        clock.advance(Duration.ofMinutes(10));
        service.find(1);
        assertThat(service.counts().finds).hasValue(2);
    }

    @Test
    void cacheWithItsOwnCodecs() {
        assertThat(service.name(7)).isEqualTo("name-7");
        assertThat(service.name(7)).isEqualTo("name-7");
        assertThat(service.counts().names).hasValue(1);
        // Stored as int64 key, UTF-8 value behind the one-byte null marker header.
        final dev.larder.core.Cache<Object, Object> names =
            ((LarderSpringCache) manager.getCache("names")).getNativeCache();
        assertThat(names.get(7L)).isEqualTo("name-7");
        final Integer storedLength = names.read(7L, (buffer, offset, length) -> length);
        assertThat(storedLength).isEqualTo(1 + "name-7".length());
    }

    @Test
    void syncCacheableRunsOnceForManyConcurrentCallers() throws Exception {
        service.counts().reportEntered = new CountDownLatch(1);
        service.counts().reportRelease = new CountDownLatch(1);
        final ConcurrentLinkedQueue<String> results = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
        final List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            threads.add(new Thread(() -> {
                try {
                    results.add(service.report("q1"));
                } catch (final Throwable t) {
                    errors.add(t);
                }
            }, "caller-" + i));
        }
        threads.forEach(Thread::start);
        assertThat(service.counts().reportEntered.await(30, TimeUnit.SECONDS)).isTrue();
        // Every caller is parked: one in the method body, the rest waiting for its result.
        Threads.awaitAllWaiting(threads);
        service.counts().reportRelease.countDown();
        for (final Thread t : threads) {
            t.join();
        }
        assertThat(errors).isEmpty();
        assertThat(service.counts().reports).hasValue(1);
        assertThat(results).hasSize(16).containsOnly("report-q1");
        assertThat(service.report("q1")).isEqualTo("report-q1");
        assertThat(service.counts().reports).hasValue(1);
    }

    @Test
    void syncLoaderFailureReachesTheCallerAndIsNotCached() {
        assertThatThrownBy(() -> service.failingReport("x"))
            .isInstanceOf(IllegalStateException.class).hasMessage("report source down");
        assertThatThrownBy(() -> service.failingReport("x")).isInstanceOf(IllegalStateException.class);
        assertThat(service.counts().failures).hasValue(2);
    }

    @Test
    void nullResultsAreCachedWhenAllowed() {
        assertThat(service.lookupMissing("a")).isNull();
        assertThat(service.lookupMissing("a")).isNull();
        assertThat(service.counts().nulls).hasValue(1);
        assertThat(((LarderSpringCache) manager.getCache("maybe")).getNativeCache().size()).isEqualTo(1);
    }

    @Test
    void nullResultsAreRejectedWhenNotAllowed() {
        assertThatThrownBy(() -> service.strictMissing("a")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("strict");
        // The usual remedy, unless = "#result == null": nothing cached, the method runs each time.
        assertThat(service.strictMissingUnless("b")).isNull();
        assertThat(service.strictMissingUnless("b")).isNull();
        assertThat(service.counts().nulls).hasValue(2);
    }

    @Test
    void closingTheContextClosesTheLarder() {
        final Larder larder = context.getBean(Larder.class);
        context.close();
        assertThat(larder.isClosed()).isTrue();
    }
}
