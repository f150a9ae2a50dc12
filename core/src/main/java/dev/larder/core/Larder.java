package dev.larder.core;

import dev.larder.core.store.Store;
import dev.larder.core.store.StoreConfig;
import dev.larder.eviction.EvictionPolicies;
import dev.larder.eviction.EvictionPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One off-heap store with a hard memory budget, holding any number of named {@link Cache}s.
 *
 * <pre>{@code
 * try (Larder larder = Larder.builder().maxMemory(256L << 20).build()) {
 *     Cache<String, String> cache = larder.cache("users", Codecs.utf8(), Codecs.utf8());
 *     cache.put("u:1", "Ada");
 *     cache.put("u:2", "Grace", Duration.ofSeconds(30));
 *     String v = cache.get("u:1");
 * }
 * }</pre>
 *
 * <p>All caches of a Larder share its budget and its eviction policy. {@link #close()} returns
 * every native byte; any use after that throws {@link IllegalStateException}.
 *
 * <p>The JVM must run with {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} (Agrona
 * 2.x needs it); {@link Builder#build()} fails at once with a message naming the flag otherwise.
 */
public final class Larder implements AutoCloseable {

    /** The JVM flag Larder needs. */
    public static final String REQUIRED_JVM_FLAG = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";

    private final Store store;
    private final Map<String, CacheImpl<?, ?>> caches = new ConcurrentHashMap<>();
    private final Object registryLock = new Object();
    private final List<Consumer<? super Cache<?, ?>>> creationListeners = new CopyOnWriteArrayList<>();
    private final ExpiryDaemon expiryDaemon;

    private Larder(final Builder builder) {
        final EvictionPolicy policy = builder.policy != null ? builder.policy : EvictionPolicies.wTinyLfu();
        this.store = new Store(new StoreConfig(builder.maxMemory, policy, builder.clock, builder.maxEntries,
            builder.expectedEntries, builder.hugePages));
        this.expiryDaemon = builder.expiryInterval.isZero() ? null : new ExpiryDaemon(this, builder.expiryInterval);
        if (expiryDaemon != null) {
            expiryDaemon.start();
        }
    }

    /** @return a builder with a 64 MiB budget, {@code w-tinylfu}, the system clock and active expiry every 100 ms */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the cache with this name, creating it with default options if needed.
     *
     * @param name       the cache's name
     * @param keyCodec   how keys are encoded
     * @param valueCodec how values are encoded
     * @param <K>        key type
     * @param <V>        value type
     * @return the cache; the same instance for the same name
     * @throws CacheConfigurationException if the name exists with other codecs
     */
    public <K, V> Cache<K, V> cache(final String name, final Codec<K> keyCodec, final Codec<V> valueCodec) {
        return cache(name, keyCodec, valueCodec, null);
    }

    /**
     * Returns the cache with this name, creating it with {@code options} if needed.
     *
     * @param name       the cache's name
     * @param keyCodec   how keys are encoded
     * @param valueCodec how values are encoded
     * @param options    per-cache settings; {@code null} means "defaults when created, any when it exists"
     * @param <K>        key type
     * @param <V>        value type
     * @return the cache; the same instance for the same name
     * @throws CacheConfigurationException if the name exists with other codecs or options
     */
    @SuppressWarnings("unchecked")
    public <K, V> Cache<K, V> cache(final String name, final Codec<K> keyCodec, final Codec<V> valueCodec,
                                    final CacheOptions options) {
        Objects.requireNonNull(name, "cache name must not be null");
        Objects.requireNonNull(keyCodec, "key codec must not be null");
        Objects.requireNonNull(valueCodec, "value codec must not be null");
        store.checkOpen();
        final CacheImpl<K, V> created;
        synchronized (registryLock) {
            final CacheImpl<?, ?> existing = caches.get(name);
            if (existing != null) {
                existing.checkCompatible(keyCodec, valueCodec, options);
                return (Cache<K, V>) existing;
            }
            final CacheOptions effective = options == null ? CacheOptions.defaults() : options;
            final int id = store.registerCache(name);
            created = new CacheImpl<>(this, store, id, name, keyCodec, valueCodec, effective);
            store.attach(id, created);
            caches.put(name, created);
        }
        for (final Consumer<? super Cache<?, ?>> listener : creationListeners) {
            listener.accept(created); // outside the lock: a listener may look up or create caches
        }
        return created;
    }

    /**
     * Returns the existing cache with this name, whatever its codecs.
     *
     * @param name the cache's name
     * @return the cache, or empty if no cache of that name exists
     */
    public Optional<Cache<?, ?>> findCache(final String name) {
        Objects.requireNonNull(name, "cache name must not be null");
        store.checkOpen();
        return Optional.ofNullable(caches.get(name));
    }

    /** @return the caches that exist now, sorted by name (a snapshot) */
    public List<Cache<?, ?>> caches() {
        store.checkOpen();
        final List<Cache<?, ?>> list = new ArrayList<>(caches.values());
        list.sort(java.util.Comparator.comparing(Cache::name));
        return Collections.unmodifiableList(list);
    }

    /**
     * Calls {@code listener} with every cache created from now on, right after its creation, on the
     * creating thread (for example to register metrics for caches created later). Caches that exist
     * already are not passed: use {@link #caches()} for those.
     *
     * @param listener called once per new cache; an exception it throws reaches the creating caller,
     *                 and the cache stays created
     */
    public void onCacheCreated(final Consumer<? super Cache<?, ?>> listener) {
        Objects.requireNonNull(listener, "listener must not be null");
        store.checkOpen();
        creationListeners.add(listener);
    }

    /**
     * Destroys a cache: removes all of its entries (no listener events) and its name, so that
     * {@link #cache} creates a new, empty cache under that name (with any codecs). Every later call
     * on the destroyed cache object throws {@link IllegalStateException}. A Larder can create at
     * most 65,535 caches in its lifetime, destroyed ones included.
     *
     * @param name the cache's name
     * @return whether a cache of that name existed
     */
    public boolean destroyCache(final String name) {
        Objects.requireNonNull(name, "cache name must not be null");
        store.checkOpen();
        final CacheImpl<?, ?> cache;
        synchronized (registryLock) {
            cache = caches.remove(name);
            if (cache == null) {
                return false;
            }
            cache.detach();
        }
        cache.sweep(); // outside the lock: it waits for operations in flight, which may want the lock
        return true;
    }

    /** @return the names of the caches created so far, sorted */
    public Set<String> cacheNames() {
        store.checkOpen();
        return Collections.unmodifiableSet(new TreeSet<>(caches.keySet()));
    }

    /** @return counters summed over all caches, with memory used and limit */
    public CacheStats stats() {
        store.checkOpen();
        CacheStats sum = new CacheStats(0, 0, 0, 0, 0, 0, 0, store.memoryUsed(), store.memoryLimit());
        for (final CacheImpl<?, ?> cache : caches.values()) {
            sum = sum.plus(cache.stats());
        }
        return sum;
    }

    /** @return native bytes currently held (index, headers, keys, values, free space inside held pages) */
    public long memoryUsed() {
        store.checkOpen();
        return store.memoryUsed();
    }

    /** @return the budget in bytes */
    public long memoryLimit() {
        return store.memoryLimit();
    }

    /**
     * Whether some of this Larder's memory asked Linux for transparent huge pages and the kernel
     * took the advice (see {@link Builder#hugePages}). {@code false} until the first large region is
     * made, on other systems, where the kernel has transparent huge pages off ({@code never}), and
     * without JNA.
     *
     * @return whether huge-page advice is in effect for at least one memory region
     */
    public boolean hugePagesAdvised() {
        return store.hugePageRegions() > 0;
    }

    /** @return the eviction policy */
    public EvictionPolicy evictionPolicy() {
        return store.policy();
    }

    /**
     * The clock this Larder's expiry and recency follow (the one given to
     * {@link Builder#clock}), so that code layered on a cache (loading, refresh) can use the same
     * time.
     *
     * @return the clock
     */
    public LarderClock clock() {
        return store.clock();
    }

    /**
     * Runs a full active-expiry pass now: every expired entry is reclaimed before this returns.
     * The background daemon does the same work incrementally; tests with a fake clock call this.
     *
     * @return how many expired entries were reclaimed
     */
    public long runMaintenance() {
        store.checkOpen();
        return store.expireAll();
    }

    /** @return whether {@link #close()} has been called */
    public boolean isClosed() {
        return store.isClosed();
    }

    /** Returns all native memory. Idempotent. */
    @Override
    public void close() {
        if (expiryDaemon != null) {
            expiryDaemon.shutdown();
        }
        store.close();
    }

    Store store() {
        return store;
    }

    List<CacheImpl<?, ?>> cachesSnapshot() {
        return new ArrayList<>(caches.values());
    }

    /**
     * Settings for a {@link Larder}, validated when set.
     */
    public static final class Builder {
        /** Default budget: 64 MiB. */
        public static final long DEFAULT_MAX_MEMORY = 64L << 20;
        /** Default pause between active-expiry steps, as Redis's 10 Hz {@code serverCron}. */
        public static final Duration DEFAULT_EXPIRY_INTERVAL = Duration.ofMillis(100);

        private long maxMemory = DEFAULT_MAX_MEMORY;
        /** Null means "a new w-tinylfu at build time": policies hold state, one instance per Larder. */
        private EvictionPolicy policy;
        private LarderClock clock = LarderClock.SYSTEM;
        private Duration expiryInterval = DEFAULT_EXPIRY_INTERVAL;
        private long maxEntries;
        private long expectedEntries;
        private boolean hugePages = true;

        private Builder() {
        }

        /**
         * Sizes the index for this many entries up front (as Caffeine's {@code initialCapacity}
         * or Chronicle Map's {@code entries}): no index copy while the Larder fills up to it, and
         * an index loaded to 78% at that count instead of 60-80% after growing by itself (never
         * more native memory than growing). The index pages count against {@link #maxMemory}; the
         * index may still grow past this count. Without it the index starts at 8 KiB and grows.
         *
         * @param entries expected entries over all caches; positive
         * @return this builder
         */
        public Builder expectedEntries(final long entries) {
            if (entries <= 0) {
                throw new IllegalArgumentException("expectedEntries must be positive, was " + entries);
            }
            this.expectedEntries = entries;
            return this;
        }

        /**
         * Bounds the number of entries (over all caches) as well as the bytes, as Caffeine's
         * {@code maximumSize}: past it, the eviction policy removes entries.
         *
         * @param entries the most entries held; positive
         * @return this builder
         */
        public Builder maxEntries(final long entries) {
            if (entries <= 0) {
                throw new IllegalArgumentException("maxEntries must be positive, was " + entries);
            }
            this.maxEntries = entries;
            return this;
        }

        /**
         * Whether memory regions of 16 MiB or more ask Linux for transparent huge pages
         * ({@code madvise(MADV_HUGEPAGE)} through JNA). On by default: a big cache's reads are chains
         * of cache misses, and with 2 MiB pages those misses stop being TLB misses too. The kernel
         * decides in the end ({@code /sys/kernel/mm/transparent_hugepage/enabled} must be
         * {@code madvise} or {@code always}); elsewhere, and without JNA, this does nothing. Turn it
         * off if resident memory must grow in 4 KiB steps, or if first touches of new memory must
         * never wait for the kernel to compact memory into a huge page.
         *
         * @param enabled whether to ask for huge pages
         * @return this builder
         */
        public Builder hugePages(final boolean enabled) {
            this.hugePages = enabled;
            return this;
        }

        /**
         * @param bytes the hard budget for every native byte the Larder holds; at least 1 MiB
         * @return this builder
         */
        public Builder maxMemory(final long bytes) {
            if (bytes < StoreConfig.MIN_MEMORY) {
                throw new IllegalArgumentException(String.format(
                    "maxMemory must be at least %,d bytes, was %,d", StoreConfig.MIN_MEMORY, bytes));
            }
            this.maxMemory = bytes;
            return this;
        }

        /**
         * @param policy what leaves when memory runs short; policies hold state, so give each
         *               Larder its own instance (the {@code EvictionPolicies} factories make new ones)
         * @return this builder
         */
        public Builder evictionPolicy(final EvictionPolicy policy) {
            this.policy = Objects.requireNonNull(policy, "eviction policy must not be null");
            return this;
        }

        /**
         * @param name a Redis {@code maxmemory-policy} name such as {@code allkeys-lru} or {@code noeviction}
         * @return this builder
         */
        public Builder evictionPolicy(final String name) {
            return evictionPolicy(EvictionPolicies.byName(Objects.requireNonNull(name, "policy name must not be null")));
        }

        /**
         * The time source for expiry and recency. With the default, {@link LarderClock#SYSTEM},
         * a hit on an entry without a deadline (and a plain {@code put} without one) takes its
         * recency stamp from a cached reading: each thread refreshes it at least every 32 such
         * operations, and every write and active-expiry step refreshes it too. Deadlines are always
         * checked against a fresh reading. Any other clock, such as a test's fake clock, is read on
         * every operation.
         *
         * @param clock the time source for expiry and recency
         * @return this builder
         */
        public Builder clock(final LarderClock clock) {
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
            return this;
        }

        /**
         * @param interval pause between background active-expiry steps; {@link Duration#ZERO}
         *                 turns the background thread off (then call {@link Larder#runMaintenance()})
         * @return this builder
         */
        public Builder expiryInterval(final Duration interval) {
            Objects.requireNonNull(interval, "expiry interval must not be null");
            if (interval.isNegative()) {
                throw new IllegalArgumentException("expiry interval must not be negative, was " + interval);
            }
            this.expiryInterval = interval;
            return this;
        }

        /**
         * @return a new Larder
         * @throws IllegalStateException if the JVM lacks {@value Larder#REQUIRED_JVM_FLAG}
         */
        public Larder build() {
            NativeAccessCheck.verify();
            return new Larder(this);
        }
    }
}
