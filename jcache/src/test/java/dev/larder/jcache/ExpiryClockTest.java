package dev.larder.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.LarderClock;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.FactoryBuilder;
import javax.cache.configuration.MutableCacheEntryListenerConfiguration;
import javax.cache.event.CacheEntryEvent;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.EventType;
import javax.cache.expiry.Duration;
import javax.cache.expiry.ExpiryPolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** JSR-107 expiry semantics, driven by a hand-advanced clock instead of sleeps. */
class ExpiryClockTest {

    private final AtomicLong millis = new AtomicLong(1_000);
    private final LarderClock clock = millis::get;
    private final CacheManager manager = Caching.getCachingProvider(LarderCachingProvider.class.getName())
        .getCacheManager(URI.create("urn:larder:expiry-clock"), getClass().getClassLoader());

    @AfterEach
    void close() {
        manager.close();
    }

    /** Creation 100 ms, access 50 ms, update unchanged. */
    public static final class Policy implements ExpiryPolicy {
        @Override
        public Duration getExpiryForCreation() {
            return new Duration(TimeUnit.MILLISECONDS, 100);
        }

        @Override
        public Duration getExpiryForAccess() {
            return new Duration(TimeUnit.MILLISECONDS, 50);
        }

        @Override
        public Duration getExpiryForUpdate() {
            return null;
        }
    }

    private Cache<String, String> cache(final String name) {
        final LarderConfiguration<String, String> config = new LarderConfiguration<String, String>().clock(clock);
        config.setTypes(String.class, String.class);
        config.setExpiryPolicyFactory(FactoryBuilder.factoryOf(Policy.class));
        return manager.createCache(name, config);
    }

    @Test
    void creationAccessAndUnchangedUpdate() {
        final Cache<String, String> cache = cache("c1");
        cache.put("k", "v1");                 // expires at 1100
        millis.set(1_090);
        cache.put("k", "v2");                 // update: unchanged, still 1100
        millis.set(1_099);
        assertThat(cache.containsKey("k")).isTrue();
        millis.set(1_100);
        assertThat(cache.containsKey("k")).isFalse();
        assertThat(cache.get("k")).isNull();

        cache.put("k", "v3");                 // created at 1100: expires at 1200
        millis.set(1_180);
        assertThat(cache.get("k")).isEqualTo("v3"); // access: now expires at 1230
        millis.set(1_229);
        assertThat(cache.containsKey("k")).isTrue(); // containsKey is not an access
        millis.set(1_230);
        assertThat(cache.containsKey("k")).isFalse();
    }

    /** Collects expired events. */
    public static final class ExpiredCollector implements CacheEntryExpiredListener<String, String>, java.io.Serializable {
        static final List<String> SEEN = new CopyOnWriteArrayList<>();

        @Override
        public void onExpired(final Iterable<CacheEntryEvent<? extends String, ? extends String>> events) {
            for (final CacheEntryEvent<? extends String, ? extends String> e : events) {
                assertThat(e.getEventType()).isEqualTo(EventType.EXPIRED);
                SEEN.add(e.getKey() + "=" + e.getOldValue());
            }
        }
    }

    @Test
    void anExpiredEntryMetByAnOperationIsReclaimedWithAnEvent() {
        ExpiredCollector.SEEN.clear();
        final Cache<String, String> cache = cache("c2");
        cache.registerCacheEntryListener(new MutableCacheEntryListenerConfiguration<>(
            FactoryBuilder.factoryOf(ExpiredCollector.class), null, true, true));
        cache.put("k", "v");
        @SuppressWarnings("unchecked")
        final dev.larder.core.Cache<Object, StoredValue> raw = cache.unwrap(dev.larder.core.Cache.class);
        assertThat(raw.size()).isEqualTo(1);

        millis.addAndGet(100);
        assertThat(cache.get("k")).isNull();
        assertThat(ExpiredCollector.SEEN).containsExactly("k=v");
        assertThat(raw.size()).isZero();
    }
}
