package dev.larder.jcache.tck;

import javax.cache.Caching;
import manager.CacheNameOnEachMethodBlogManagerImpl;
import manager.ClassLevelCacheConfigBlogManagerImpl;
import manager.UsingDefaultCacheNameBlogManagerImpl;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.interceptor.CacheResolver;
import org.springframework.cache.jcache.config.JCacheConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spring configuration of the TCK's annotation tests.
 *
 * <ul>
 *   <li>{@code @EnableCaching} turns on Spring's JSR-107 annotation support
 *       ({@code @CacheResult}, {@code @CacheRemove}, {@code @CacheRemoveAll}, {@code @CacheDefaults},
 *       {@code @CacheKey}; from {@code spring-context-support}, active because {@code cache-api} is on
 *       the class path). The TCK asks for beans by their implementation class, so the proxies are
 *       class-based ({@code proxyTargetClass}) rather than interface-based.</li>
 *   <li>Caches come from {@link DefaultCacheManagerResolver}: Larder's default JCache cache manager
 *       ({@code Caching.getCachingProvider().getCacheManager()}), creating a missing cache with a
 *       default {@code MutableConfiguration} as JSR-107's default cache resolution does.</li>
 *   <li>The TCK's three blog managers are beans.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
@EnableCaching(proxyTargetClass = true)
public class AnnotationTestConfiguration implements JCacheConfigurer {

    /** Creates the configuration (Spring instantiates it). */
    public AnnotationTestConfiguration() {
    }

    @Override
    public CacheResolver cacheResolver() {
        return new DefaultCacheManagerResolver(() -> Caching.getCachingProvider().getCacheManager());
    }

    /** @return the blog manager that names its cache on each method */
    @Bean
    public CacheNameOnEachMethodBlogManagerImpl cacheNameOnEachMethodBlogManager() {
        return new CacheNameOnEachMethodBlogManagerImpl();
    }

    /** @return the blog manager that names its cache once, with {@code @CacheDefaults} */
    @Bean
    public ClassLevelCacheConfigBlogManagerImpl classLevelCacheConfigBlogManager() {
        return new ClassLevelCacheConfigBlogManagerImpl();
    }

    /** @return the blog manager that relies on JSR-107's generated default cache name */
    @Bean
    public UsingDefaultCacheNameBlogManagerImpl usingDefaultCacheNameBlogManager() {
        return new UsingDefaultCacheNameBlogManagerImpl();
    }
}
