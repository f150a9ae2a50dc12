package dev.larder.jcache;

import dev.larder.core.CacheOptions;
import dev.larder.core.Codec;
import dev.larder.core.LarderClock;
import java.util.Objects;
import javax.cache.configuration.CompleteConfiguration;
import javax.cache.configuration.Configuration;
import javax.cache.configuration.MutableConfiguration;

/**
 * A JSR-107 {@link MutableConfiguration} with Larder's own settings: codecs for keys and values,
 * a memory budget and an eviction policy, the largest entry, and the clock that decides expiry.
 *
 * <pre>{@code
 * LarderConfiguration<String, String> config = new LarderConfiguration<String, String>()
 *     .keyCodec(Codecs.utf8()).valueCodec(Codecs.utf8())
 *     .maxMemory(32L << 20).evictionPolicy("allkeys-lru");
 * config.setTypes(String.class, String.class);
 * Cache<String, String> cache = cacheManager.createCache("users", config);
 * }</pre>
 *
 * <p>Without codecs, keys and values are stored with Java serialization ({@link SerializingCodec}).
 * Without a memory budget or an eviction policy, the cache lives in the off-heap store its cache
 * manager shares between its caches (sized by the manager's properties, see
 * {@link LarderCacheManager}); with either, the cache gets a store of its own with that budget and
 * policy, released when the cache is closed or destroyed.
 *
 * @param <K> key type
 * @param <V> value type
 */
public class LarderConfiguration<K, V> extends MutableConfiguration<K, V> {

    private static final long serialVersionUID = 1L;

    private transient Codec<K> keyCodec;
    private transient Codec<V> valueCodec;
    private long maxMemory;
    private String evictionPolicy;
    private int maxEntrySize = CacheOptions.DEFAULT_MAX_ENTRY_SIZE;
    private transient LarderClock clock;

    /** A configuration with JSR-107's defaults and no Larder-specific settings. */
    public LarderConfiguration() {
        super();
    }

    /**
     * Copies a JSR-107 configuration, and the Larder settings too if it is a {@code LarderConfiguration}.
     *
     * @param configuration the configuration to copy
     */
    @SuppressWarnings("unchecked")
    public LarderConfiguration(final Configuration<K, V> configuration) {
        super(asComplete(configuration));
        if (configuration instanceof LarderConfiguration<?, ?> larder) {
            this.keyCodec = (Codec<K>) larder.keyCodec;
            this.valueCodec = (Codec<V>) larder.valueCodec;
            this.maxMemory = larder.maxMemory;
            this.evictionPolicy = larder.evictionPolicy;
            this.maxEntrySize = larder.maxEntrySize;
            this.clock = larder.clock;
        }
    }

    private static <K, V> CompleteConfiguration<K, V> asComplete(final Configuration<K, V> configuration) {
        Objects.requireNonNull(configuration, "configuration must not be null");
        if (configuration instanceof CompleteConfiguration<K, V> complete) {
            return complete;
        }
        final MutableConfiguration<K, V> basic = new MutableConfiguration<>();
        basic.setTypes(configuration.getKeyType(), configuration.getValueType());
        basic.setStoreByValue(configuration.isStoreByValue());
        return basic;
    }

    /**
     * @param codec how keys are encoded; {@code null} means Java serialization
     * @return this configuration
     */
    public LarderConfiguration<K, V> keyCodec(final Codec<K> codec) {
        this.keyCodec = codec;
        return this;
    }

    /**
     * @param codec how values are encoded; {@code null} means Java serialization
     * @return this configuration
     */
    public LarderConfiguration<K, V> valueCodec(final Codec<V> codec) {
        this.valueCodec = codec;
        return this;
    }

    /**
     * @param bytes a budget for a store of this cache's own (at least 1 MiB); 0 means "share the
     *              cache manager's store"
     * @return this configuration
     */
    public LarderConfiguration<K, V> maxMemory(final long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("maxMemory must not be negative, was " + bytes);
        }
        this.maxMemory = bytes;
        return this;
    }

    /**
     * @param policy a Redis {@code maxmemory-policy} name such as {@code allkeys-lru}, for a store
     *               of this cache's own; {@code null} means "share the cache manager's store"
     * @return this configuration
     */
    public LarderConfiguration<K, V> evictionPolicy(final String policy) {
        this.evictionPolicy = policy;
        return this;
    }

    /**
     * @param bytes the largest encoded key + value accepted (the value's 8-byte expiry header included)
     * @return this configuration
     */
    public LarderConfiguration<K, V> maxEntrySize(final int bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("maxEntrySize must be positive, was " + bytes);
        }
        this.maxEntrySize = bytes;
        return this;
    }

    /**
     * @param clock the time source for expiry decisions; {@code null} means wall-clock milliseconds
     * @return this configuration
     */
    public LarderConfiguration<K, V> clock(final LarderClock clock) {
        this.clock = clock;
        return this;
    }

    /** @return the key codec, or {@code null} for Java serialization */
    public Codec<K> getKeyCodec() {
        return keyCodec;
    }

    /** @return the value codec, or {@code null} for Java serialization */
    public Codec<V> getValueCodec() {
        return valueCodec;
    }

    /** @return the budget of a store of the cache's own, or 0 to share the manager's */
    public long getMaxMemory() {
        return maxMemory;
    }

    /** @return the eviction policy of a store of the cache's own, or {@code null} to share the manager's */
    public String getEvictionPolicy() {
        return evictionPolicy;
    }

    /** @return the largest encoded entry accepted */
    public int getMaxEntrySize() {
        return maxEntrySize;
    }

    /** @return the expiry clock, or {@code null} for wall-clock milliseconds */
    public LarderClock getClock() {
        return clock;
    }

    /** @return whether the cache needs a store of its own (a budget or a policy was set) */
    boolean wantsOwnStore() {
        return maxMemory > 0 || evictionPolicy != null;
    }

    @Override
    public boolean equals(final Object o) {
        if (!super.equals(o)) {
            return false;
        }
        if (!(o instanceof LarderConfiguration<?, ?> that)) {
            return true; // equal as a MutableConfiguration
        }
        return maxMemory == that.maxMemory && maxEntrySize == that.maxEntrySize
            && Objects.equals(evictionPolicy, that.evictionPolicy)
            && Objects.equals(keyCodec, that.keyCodec) && Objects.equals(valueCodec, that.valueCodec)
            && Objects.equals(clock, that.clock);
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }
}
