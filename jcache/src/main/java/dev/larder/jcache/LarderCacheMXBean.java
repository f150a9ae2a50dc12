package dev.larder.jcache;

import javax.cache.configuration.CompleteConfiguration;
import javax.cache.management.CacheMXBean;

/**
 * A cache's JSR-107 configuration MXBean, registered in the platform MBean server as
 * {@code javax.cache:type=CacheConfiguration,CacheManager=<uri>,Cache=<name>} while management
 * is enabled. It reads the cache's live configuration.
 */
public final class LarderCacheMXBean implements CacheMXBean {

    private final CompleteConfiguration<?, ?> configuration;

    LarderCacheMXBean(final CompleteConfiguration<?, ?> configuration) {
        this.configuration = configuration;
    }

    @Override
    public String getKeyType() {
        return configuration.getKeyType().getName();
    }

    @Override
    public String getValueType() {
        return configuration.getValueType().getName();
    }

    @Override
    public boolean isReadThrough() {
        return configuration.isReadThrough();
    }

    @Override
    public boolean isWriteThrough() {
        return configuration.isWriteThrough();
    }

    @Override
    public boolean isStoreByValue() {
        return configuration.isStoreByValue();
    }

    @Override
    public boolean isStatisticsEnabled() {
        return configuration.isStatisticsEnabled();
    }

    @Override
    public boolean isManagementEnabled() {
        return configuration.isManagementEnabled();
    }
}
