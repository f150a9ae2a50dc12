package dev.larder.jcache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.larder.core.Codecs;
import dev.larder.core.Larder;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.configuration.MutableConfiguration;
import javax.cache.spi.CachingProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Larder-specific configuration, manager properties, unwrap and store-by-value. */
class LarderConfigurationTest {

    private final CachingProvider provider = Caching.getCachingProvider(LarderCachingProvider.class.getName());
    private final List<CacheManager> managers = new ArrayList<>();

    private CacheManager manager(final String name, final Properties properties) {
        final CacheManager m = provider.getCacheManager(URI.create("urn:larder:" + name), getClass().getClassLoader(),
            properties);
        managers.add(m);
        return m;
    }

    @AfterEach
    void closeManagers() {
        managers.forEach(CacheManager::close);
    }

    @Test
    void managerPropertiesSizeTheSharedStore() {
        final Properties properties = new Properties();
        properties.setProperty(LarderCacheManager.MAX_MEMORY, Long.toString(8L << 20));
        properties.setProperty(LarderCacheManager.EVICTION_POLICY, "allkeys-lru");
        final CacheManager m = manager("sized", properties);
        final Cache<String, String> a = m.createCache("a", new MutableConfiguration<>());
        final Cache<String, String> b = m.createCache("b", new MutableConfiguration<>());

        final Larder larder = a.unwrap(Larder.class);
        assertThat(larder.memoryLimit()).isEqualTo(8L << 20);
        assertThat(larder.evictionPolicy().name()).isEqualTo("allkeys-lru");
        assertThat(b.unwrap(Larder.class)).isSameAs(larder).isSameAs(m.unwrap(Larder.class));

        m.close();
        assertThat(larder.isClosed()).isTrue();
    }

    @Test
    void larderCodecsBudgetAndPolicyGiveTheCacheItsOwnStore() {
        final CacheManager m = manager("own", null);
        final LarderConfiguration<String, String> config = new LarderConfiguration<String, String>()
            .keyCodec(Codecs.utf8()).valueCodec(Codecs.utf8())
            .maxMemory(4L << 20).evictionPolicy("allkeys-lfu");
        config.setTypes(String.class, String.class);
        final Cache<String, String> cache = m.createCache("users", config);

        cache.put("u:1", "Ada");
        assertThat(cache.get("u:1")).isEqualTo("Ada");

        final Larder own = cache.unwrap(Larder.class);
        assertThat(own.memoryLimit()).isEqualTo(4L << 20);
        assertThat(own.evictionPolicy().name()).isEqualTo("allkeys-lfu");
        assertThat(own).isNotSameAs(m.unwrap(Larder.class));

        // the Larder cache underneath holds the UTF-8 key and the value behind its expiry header
        @SuppressWarnings("unchecked")
        final dev.larder.core.Cache<String, StoredValue> raw = cache.unwrap(dev.larder.core.Cache.class);
        final StoredValue stored = raw.get("u:1");
        assertThat(new String(stored.bytes(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("Ada");
        assertThat(stored.expiresAt()).isEqualTo(StoredValue.ETERNAL);

        @SuppressWarnings("unchecked")
        final LarderConfiguration<String, String> seen = cache.getConfiguration(LarderConfiguration.class);
        assertThat(seen.getMaxMemory()).isEqualTo(4L << 20);
        assertThat((Object) seen.getKeyCodec()).isSameAs(Codecs.utf8());

        m.destroyCache("users");
        assertThat(own.isClosed()).isTrue();
    }

    @Test
    void valuesAreStoredByValue() {
        final CacheManager m = manager("by-value", null);
        final Cache<String, ArrayList<String>> cache = m.createCache("lists", new MutableConfiguration<>());
        final ArrayList<String> list = new ArrayList<>(List.of("a"));
        cache.put("k", list);
        list.add("changed after put");

        final ArrayList<String> read = cache.get("k");
        assertThat(read).containsExactly("a");
        read.add("changed after get");
        assertThat(cache.get("k")).containsExactly("a");
        assertThat(cache.get("k")).isNotSameAs(cache.get("k"));
    }

    @Test
    void nonSerializableValuesAreRejectedWithoutChangingTheCache() {
        final CacheManager m = manager("not-serializable", null);
        final Cache<String, Object> cache = m.createCache("objects", new MutableConfiguration<>());
        cache.put("k", "before");
        assertThatThrownBy(() -> cache.put("k", new Object())).hasMessageContaining("java.lang.Object");
        assertThat(cache.get("k")).isEqualTo("before");
    }

    @Test
    void unwrapRefusesUnrelatedTypes() {
        final CacheManager m = manager("unwrap", null);
        final Cache<String, String> cache = m.createCache("c", new MutableConfiguration<>());
        assertThat((Object) cache.unwrap(LarderJCache.class)).isSameAs(cache);
        assertThat(m.unwrap(LarderCacheManager.class)).isSameAs(m);
        assertThatThrownBy(() -> cache.unwrap(String.class)).isInstanceOf(IllegalArgumentException.class);
    }
}
