package dev.larder.jcache;

import java.io.Closeable;
import java.util.List;
import javax.cache.configuration.CacheEntryListenerConfiguration;
import javax.cache.configuration.Factory;
import javax.cache.event.CacheEntryCreatedListener;
import javax.cache.event.CacheEntryEventFilter;
import javax.cache.event.CacheEntryExpiredListener;
import javax.cache.event.CacheEntryListener;
import javax.cache.event.CacheEntryRemovedListener;
import javax.cache.event.CacheEntryUpdatedListener;
import javax.cache.event.EventType;

/** One registered JSR-107 listener: the instance its factory made, its filter and its delivery mode. */
final class ListenerRegistration<K, V> {

    final CacheEntryListenerConfiguration<K, V> configuration;
    private final CacheEntryListener<? super K, ? super V> listener;
    private final CacheEntryEventFilter<? super K, ? super V> filter;

    ListenerRegistration(final CacheEntryListenerConfiguration<K, V> configuration) {
        this.configuration = configuration;
        this.listener = configuration.getCacheEntryListenerFactory().create();
        final Factory<CacheEntryEventFilter<? super K, ? super V>> filterFactory =
            configuration.getCacheEntryEventFilterFactory();
        this.filter = filterFactory == null ? null : filterFactory.create();
    }

    boolean synchronous() {
        return configuration.isSynchronous();
    }

    boolean wantsOldValue() {
        return configuration.isOldValueRequired();
    }

    boolean handles(final EventType type) {
        return switch (type) {
            case CREATED -> listener instanceof CacheEntryCreatedListener;
            case UPDATED -> listener instanceof CacheEntryUpdatedListener;
            case REMOVED -> listener instanceof CacheEntryRemovedListener;
            case EXPIRED -> listener instanceof CacheEntryExpiredListener;
        };
    }

    /** Filters, then hands the event to the listener on the calling thread. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    void deliver(final LarderCacheEntryEvent<K, V> event) {
        if (filter != null && !filter.evaluate(event)) {
            return;
        }
        final List events = List.of(event);
        switch (event.getEventType()) {
            case CREATED -> ((CacheEntryCreatedListener) listener).onCreated(events);
            case UPDATED -> ((CacheEntryUpdatedListener) listener).onUpdated(events);
            case REMOVED -> ((CacheEntryRemovedListener) listener).onRemoved(events);
            case EXPIRED -> ((CacheEntryExpiredListener) listener).onExpired(events);
            default -> throw new IllegalStateException("unknown event type " + event.getEventType());
        }
    }

    void close() {
        closeQuietly(listener);
        closeQuietly(filter);
    }

    static void closeQuietly(final Object o) {
        if (o instanceof Closeable closeable) {
            try {
                closeable.close();
            } catch (final Exception ignored) {
                // closing is best effort: a failing close must not stop the others
            }
        } else if (o instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (final Exception ignored) {
                // as above
            }
        }
    }
}
