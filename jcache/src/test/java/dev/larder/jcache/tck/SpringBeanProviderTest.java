package dev.larder.jcache.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.jcache.LarderJCache;
import domain.Blog;
import java.util.ServiceLoader;
import javax.cache.Cache;
import javax.cache.CacheManager;
import javax.cache.Caching;
import javax.cache.annotation.BeanProvider;
import manager.BlogManager;
import manager.CacheNameOnEachMethodBlogManagerImpl;
import manager.ClassLevelCacheConfigBlogManagerImpl;
import manager.UsingDefaultCacheNameBlogManagerImpl;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;

/**
 * The annotation harness itself: the TCK finds it through {@code ServiceLoader}, its beans are
 * proxies, and what they cache lives in Larder caches of the default manager, named as JSR-107 says.
 */
class SpringBeanProviderTest {

    private static final BeanProvider PROVIDER = ServiceLoader.load(BeanProvider.class).findFirst().orElseThrow();

    @Test
    void theTckFindsThisProvider() {
        assertThat(PROVIDER).isInstanceOf(SpringBeanProvider.class);
    }

    @Test
    void cachedResultsAreStoredInLarderUnderTheAnnotatedCacheName() {
        check(PROVIDER.getBeanByType(CacheNameOnEachMethodBlogManagerImpl.class), "blogManager");
        check(PROVIDER.getBeanByType(ClassLevelCacheConfigBlogManagerImpl.class), "blgMngr");
        check(PROVIDER.getBeanByType(UsingDefaultCacheNameBlogManagerImpl.class),
            "manager.UsingDefaultCacheNameBlogManagerImpl.getEntryCached(java.lang.String)");
    }

    private static void check(final BlogManager blogs, final String cacheName) {
        assertThat(AopUtils.isCglibProxy(blogs)).isTrue();
        final String title = "harness " + cacheName;
        blogs.createEntry(new Blog(title, "body"));

        assertThat(blogs.getEntryCached(title).getBody()).isEqualTo("body");

        final CacheManager manager = Caching.getCachingProvider().getCacheManager();
        final Cache<Object, Object> cache = manager.getCache(cacheName);
        assertThat(cache).isInstanceOf(LarderJCache.class);
        assertThat(cache.get(title)).isInstanceOfSatisfying(Blog.class, b -> assertThat(b.getBody()).isEqualTo("body"));
        // The Larder cache behind it has the same name in the manager's shared store.
        assertThat(manager.unwrap(dev.larder.core.Larder.class).findCache(cacheName)).isPresent();

        blogs.clearEntryFromCache(title);
        assertThat(cache.containsKey(title)).isFalse();
        blogs.clearEntry(title);
    }
}
