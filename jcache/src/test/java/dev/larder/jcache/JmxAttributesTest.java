package dev.larder.jcache;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.net.URI;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Reads the provider's JSR-107 MXBeans through the platform MBean server, as a monitoring tool would. */
class JmxAttributesTest {

    private static final URI MANAGER_URI = URI.create("urn:larder:jmx-test");

    private final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    private CacheManager manager;

    @BeforeEach
    void openManager() {
        manager = Caching.getCachingProvider(LarderCachingProvider.class.getName())
            .getCacheManager(MANAGER_URI, getClass().getClassLoader());
    }

    @AfterEach
    void closeManager() {
        manager.close();
    }

    private static ObjectName name(final String type, final String cache) throws Exception {
        // ':' in the manager URI becomes '.', as the TCK's TestSupport.mbeanSafe expects
        return new ObjectName("javax.cache:type=" + type + ",CacheManager=urn.larder.jmx-test,Cache=" + cache);
    }

    @Test
    void statisticsAttributesCountWhatTheCacheDid() throws Exception {
        final Cache<String, Integer> cache = manager.createCache("orders", new MutableConfiguration<String, Integer>()
            .setTypes(String.class, Integer.class).setStatisticsEnabled(true));
        cache.put("a", 1);
        cache.put("b", 2);
        cache.put("a", 3);           // an update is a put too
        cache.get("a");              // hit
        cache.get("b");              // hit
        cache.get("missing");        // miss
        cache.remove("b");           // removal
        cache.remove("missing");     // no removal

        final ObjectName stats = name("CacheStatistics", "orders");
        assertThat(server.getAttribute(stats, "CachePuts")).isEqualTo(3L);
        assertThat(server.getAttribute(stats, "CacheHits")).isEqualTo(2L);
        assertThat(server.getAttribute(stats, "CacheMisses")).isEqualTo(1L);
        assertThat(server.getAttribute(stats, "CacheGets")).isEqualTo(3L);
        assertThat(server.getAttribute(stats, "CacheRemovals")).isEqualTo(1L);
        assertThat(server.getAttribute(stats, "CacheEvictions")).isEqualTo(0L);
        assertThat((Float) server.getAttribute(stats, "CacheHitPercentage")).isCloseTo(66.67f, org.assertj.core.data.Offset.offset(0.01f));
        assertThat((Float) server.getAttribute(stats, "AverageGetTime")).isGreaterThan(0f);

        server.invoke(stats, "clear", null, null);
        assertThat(server.getAttribute(stats, "CachePuts")).isEqualTo(0L);
        assertThat(server.getAttribute(stats, "CacheGets")).isEqualTo(0L);
    }

    @Test
    void configurationAttributesDescribeTheCache() throws Exception {
        manager.createCache("typed", new MutableConfiguration<String, Long>()
            .setTypes(String.class, Long.class).setManagementEnabled(true));

        final ObjectName config = name("CacheConfiguration", "typed");
        assertThat(server.getAttribute(config, "KeyType")).isEqualTo("java.lang.String");
        assertThat(server.getAttribute(config, "ValueType")).isEqualTo("java.lang.Long");
        assertThat(server.getAttribute(config, "StoreByValue")).isEqualTo(true);
        assertThat(server.getAttribute(config, "ReadThrough")).isEqualTo(false);
        assertThat(server.getAttribute(config, "StatisticsEnabled")).isEqualTo(false);
        assertThat(server.isRegistered(name("CacheStatistics", "typed"))).isFalse();

        manager.enableStatistics("typed", true);
        assertThat(server.getAttribute(config, "StatisticsEnabled")).isEqualTo(true);
        assertThat(server.isRegistered(name("CacheStatistics", "typed"))).isTrue();
    }

    @Test
    void beansLeaveTheServerWhenTheCacheIsDestroyedOrTheManagerCloses() throws Exception {
        final MutableConfiguration<String, String> both = new MutableConfiguration<String, String>()
            .setStatisticsEnabled(true).setManagementEnabled(true);
        manager.createCache("first", both);
        manager.createCache("second", both);
        assertThat(server.queryNames(new ObjectName("javax.cache:CacheManager=urn.larder.jmx-test,*"), null)).hasSize(4);

        manager.destroyCache("first");
        assertThat(server.queryNames(new ObjectName("javax.cache:CacheManager=urn.larder.jmx-test,*"), null))
            .containsExactlyInAnyOrder(name("CacheStatistics", "second"), name("CacheConfiguration", "second"));

        manager.close();
        assertThat(server.queryNames(new ObjectName("javax.cache:CacheManager=urn.larder.jmx-test,*"), null)).isEmpty();
    }
}
