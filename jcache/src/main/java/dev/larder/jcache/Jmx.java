package dev.larder.jcache;

import java.lang.management.ManagementFactory;
import javax.cache.CacheException;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/** Registers the JSR-107 MXBeans of a cache in the platform MBean server. */
final class Jmx {

    static final String CONFIGURATION = "CacheConfiguration";
    static final String STATISTICS = "CacheStatistics";

    private Jmx() {
    }

    /**
     * @param type    {@link #CONFIGURATION} or {@link #STATISTICS}
     * @param manager the cache manager's URI
     * @param cache   the cache's name
     * @return {@code javax.cache:type=<type>,CacheManager=<uri>,Cache=<name>}, with the characters
     *         an unquoted ObjectName value cannot hold ({@code : = , newline}) turned into dots
     */
    static ObjectName name(final String type, final String manager, final String cache) {
        try {
            return new ObjectName("javax.cache:type=" + type + ",CacheManager=" + safe(manager) + ",Cache=" + safe(cache));
        } catch (final MalformedObjectNameException e) {
            throw new CacheException("cannot build the MBean name of cache '" + cache + "': " + e.getMessage(), e);
        }
    }

    private static String safe(final String s) {
        return s == null ? "" : s.replaceAll("[:=,\n]", ".");
    }

    static synchronized void register(final Object bean, final ObjectName name) {
        final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            if (!server.isRegistered(name)) {
                server.registerMBean(bean, name);
            }
        } catch (final Exception e) {
            throw new CacheException("cannot register MBean " + name + ": " + e.getMessage(), e);
        }
    }

    static synchronized void unregister(final ObjectName name) {
        final MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (final InstanceNotFoundException ignored) {
            // already gone
        } catch (final Exception e) {
            throw new CacheException("cannot unregister MBean " + name + ": " + e.getMessage(), e);
        }
    }
}
