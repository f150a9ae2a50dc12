package dev.larder.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.Codecs;
import dev.larder.core.Larder;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.cache.Cache;
import javax.cache.CacheException;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.configuration.OptionalFeature;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Destroying and closing caches goes through {@link Larder#destroyCache}, so JCache names are reused in the store. */
class DestroyCacheTest {

    private final CachingProvider provider = Caching.getCachingProvider(LarderCachingProvider.class.getName());
    private final CacheManager manager = provider.getCacheManager(URI.create("urn:larder:destroy-test"),
        getClass().getClassLoader());

    @AfterEach
    void close() {
        manager.close();
    }

    private static String larderNames(final Larder larder) {
        return larder.caches().stream().map(dev.larder.core.Cache::name).toList().toString();
    }

    @Test
    void theSharedStoreNamesLarderCachesAfterTheirJCacheCaches() {
        manager.createCache("users", new MutableConfiguration<String, String>());
        manager.createCache("orders", new MutableConfiguration<String, String>());
        final Larder larder = manager.unwrap(Larder.class);

        assertThat(larderNames(larder)).isEqualTo("[orders, users]");
        assertThat(larder.findCache("users")).isPresent();
    }

    @Test
    @SuppressWarnings("unchecked")
    void destroyFreesTheNameAndDropsTheEntries() {
        final Cache<String, String> first = manager.createCache("c", new MutableConfiguration<String, String>());
        first.put("k", "v1");
        final Larder larder = manager.unwrap(Larder.class);
        final dev.larder.core.Cache<Object, ?> firstStore = first.unwrap(dev.larder.core.Cache.class);
        final long usedWithEntry = larder.memoryUsed();

        manager.destroyCache("c");

        assertThat(first.isClosed()).isTrue();
        assertThat(manager.getCache("c")).isNull();
        assertThat(larder.findCache("c")).isEmpty();
        assertThat(larder.memoryUsed()).isLessThan(usedWithEntry);
        assertThatThrownBy(() -> firstStore.get("k")).isInstanceOf(IllegalStateException.class);

        // Same name, other types: a new, empty Larder cache under the same name.
        final Cache<Integer, Long> second = manager.createCache("c",
            new MutableConfiguration<Integer, Long>().setTypes(Integer.class, Long.class));
        assertThat(second.get(1)).isNull();
        second.put(1, 2L);
        assertThat(second.get(1)).isEqualTo(2L);
        assertThat(larderNames(larder)).isEqualTo("[c]");
        assertThat(larder.findCache("c")).containsSame(second.unwrap(dev.larder.core.Cache.class));
    }

    @Test
    void closingACacheDestroysItsLarderCacheToo() {
        final Cache<String, String> cache = manager.createCache("closing", new MutableConfiguration<String, String>());
        cache.put("k", "v");
        final Larder larder = manager.unwrap(Larder.class);

        cache.close();

        assertThat(manager.getCache("closing")).isNull();
        assertThat(larder.findCache("closing")).isEmpty();
        final Cache<String, String> again = manager.createCache("closing", new MutableConfiguration<String, String>());
        assertThat(again.get("k")).isNull();
    }

    @Test
    void aCacheWithItsOwnStoreClosesThatStore() {
        final Cache<String, String> cache = manager.createCache("own",
            new LarderConfiguration<String, String>().keyCodec(Codecs.utf8()).valueCodec(Codecs.utf8())
                .maxMemory(4L << 20));
        final Larder own = cache.unwrap(Larder.class);

        manager.destroyCache("own");

        assertThat(own.isClosed()).isTrue();
        assertThat(manager.createCache("own", new MutableConfiguration<String, String>()).unwrap(Larder.class))
            .isSameAs(manager.unwrap(Larder.class));
    }

    @Test
    void aNameTakenDirectlyInTheSharedStoreIsRefused() {
        manager.unwrap(Larder.class).cache("taken", Codecs.utf8(), Codecs.utf8());

        assertThatThrownBy(() -> manager.createCache("taken", new MutableConfiguration<String, String>()))
            .isInstanceOf(CacheException.class).hasMessageContaining("not created through JCache");
        assertThat(manager.getCache("taken")).isNull();
    }

    @Test
    void destroyAndRecreateRacingOnOneNameNeverShareALarderCache() throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            final CountDownLatch start = new CountDownLatch(1);
            final Future<?> destroyer = pool.submit(() -> {
                start.await();
                for (int i = 0; i < 300; i++) {
                    manager.destroyCache("race");
                }
                return null;
            });
            final Future<Integer> creator = pool.submit(() -> {
                start.await();
                int created = 0;
                for (int i = 0; i < 300; i++) {
                    try {
                        final Cache<String, String> c = manager.createCache("race", new MutableConfiguration<String, String>());
                        created++;
                        // A fresh cache is empty even if the previous one of this name held an entry.
                        assertThat(c.get("k")).isNull();
                        c.put("k", "v");
                    } catch (final CacheException alreadyExists) {
                        // the previous one was not destroyed yet
                    } catch (final IllegalStateException closedMeanwhile) {
                        // destroyed between createCache and get/put
                    }
                }
                return created;
            });
            start.countDown();
            destroyer.get(30, TimeUnit.SECONDS);
            assertThat(creator.get(30, TimeUnit.SECONDS)).isPositive();
        } finally {
            pool.shutdownNow();
        }
        final Larder larder = manager.unwrap(Larder.class);
        final Cache<String, String> last = manager.getCache("race");
        if (last == null) {
            assertThat(larder.findCache("race")).isEmpty();
        } else {
            assertThat(larder.findCache("race")).containsSame(last.unwrap(dev.larder.core.Cache.class));
        }
    }

    @Test
    void storeByReferenceIsNotSupported() {
        assertThat(provider.isSupported(OptionalFeature.STORE_BY_REFERENCE)).isFalse();
    }
}
