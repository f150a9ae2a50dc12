package dev.larder.spring;

import dev.larder.core.Codec;
import dev.larder.core.Larder;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * A Spring {@link CacheManager} whose caches live in a {@link Larder}, off the Java heap, with
 * a time to live and codecs per cache name.
 *
 * <pre>{@code
 * @Bean Larder larder() { return Larder.builder().maxMemory(256L << 20).build(); }   // closed by Spring
 *
 * @Bean CacheManager cacheManager(Larder larder) {
 *     return LarderCacheManager.builder(larder)
 *         .defaults(LarderCacheSpec.defaults().ttl(Duration.ofMinutes(10)))
 *         .cache("users", LarderCacheSpec.defaults().ttl(Duration.ofSeconds(30)))
 *         .cache("names", LarderCacheSpec.of(Codecs.utf8(), Codecs.utf8()))
 *         .build();
 * }
 * }</pre>
 *
 * <p>Caches configured with {@link Builder#cache} are created when the manager is built, so a
 * conflict with an existing Larder cache of the same name (other codecs or options) fails at
 * start-up with {@link dev.larder.core.CacheConfigurationException}. Other names are created
 * on first use with the defaults, unless {@link Builder#dynamic(boolean) dynamic} creation is
 * off, in which case {@link #getCache} returns {@code null} for them (and Spring reports the
 * unknown cache).
 *
 * <p>The manager does not own the Larder: closing it is up to whoever created it (declared as a
 * Spring bean, the Larder is closed with the context, since it is {@link AutoCloseable}).
 */
public final class LarderCacheManager implements CacheManager {

    private final Larder larder;
    private final LarderCacheSpec<?, ?> defaults;
    private final Map<String, LarderCacheSpec<?, ?>> specs;
    private final boolean allowNullValues;
    private final boolean dynamic;
    private final String prefix;
    private final ConcurrentHashMap<String, LarderSpringCache> caches = new ConcurrentHashMap<>();
    private final Set<String> names = Collections.synchronizedSet(new LinkedHashSet<>());

    private LarderCacheManager(final Builder builder) {
        this.larder = builder.larder;
        this.defaults = builder.defaults;
        this.specs = new LinkedHashMap<>(builder.specs);
        this.allowNullValues = builder.allowNullValues;
        this.dynamic = builder.dynamic;
        this.prefix = builder.prefix;
        for (final String name : specs.keySet()) {
            getCache(name);
        }
    }

    /**
     * @param larder where the caches' entries are stored
     * @return a builder with {@link LarderCacheSpec#defaults()}, null values allowed and dynamic
     *         cache creation on
     */
    public static Builder builder(final Larder larder) {
        return new Builder(larder);
    }

    /**
     * @param name the cache name
     * @return the cache, created if it is configured or dynamic creation is on; otherwise {@code null}
     */
    @Override
    public Cache getCache(final String name) {
        Objects.requireNonNull(name, "cache name must not be null");
        final LarderSpringCache existing = caches.get(name);
        if (existing != null) {
            return existing;
        }
        final LarderCacheSpec<?, ?> spec = specs.get(name);
        if (spec == null && !dynamic) {
            return null;
        }
        return caches.computeIfAbsent(name, n -> {
            final LarderSpringCache created = create(n, spec != null ? spec : defaults);
            names.add(n);
            return created;
        });
    }

    /** @return the names of the configured caches and of those created on demand so far */
    @Override
    public Collection<String> getCacheNames() {
        synchronized (names) {
            return Collections.unmodifiableSet(new LinkedHashSet<>(names));
        }
    }

    /** @return the Larder holding this manager's caches */
    public Larder larder() {
        return larder;
    }

    /**
     * @param name a cache name
     * @return the spec a cache of this name is (or would be) created with
     */
    public LarderCacheSpec<?, ?> specFor(final String name) {
        final LarderCacheSpec<?, ?> spec = specs.get(Objects.requireNonNull(name, "cache name must not be null"));
        return spec != null ? spec : defaults;
    }

    /**
     * @param name a Spring cache name
     * @return the name of the Larder cache that holds it (the name with the configured prefix)
     */
    public String larderCacheName(final String name) {
        return prefix + name;
    }

    @SuppressWarnings("unchecked")
    private LarderSpringCache create(final String name, final LarderCacheSpec<?, ?> spec) {
        final boolean nulls = spec.allowNullValues() != null ? spec.allowNullValues() : allowNullValues;
        final Codec<Object> keyCodec = (Codec<Object>) spec.keyCodec();
        final Codec<Object> valueCodec = (Codec<Object>) spec.valueCodec();
        final dev.larder.core.Cache<Object, Object> cache = larder.cache(larderCacheName(name), keyCodec,
            nulls ? new NullMarkingCodec(valueCodec) : valueCodec, spec.toOptions());
        return new LarderSpringCache(name, cache, nulls, spec.loadTimeout());
    }

    @Override
    public String toString() {
        return "LarderCacheManager{caches=" + getCacheNames() + ", dynamic=" + dynamic
            + ", allowNullValues=" + allowNullValues + ", prefix='" + prefix + "'}";
    }

    /** Settings for a {@link LarderCacheManager}, checked when set. */
    public static final class Builder {
        private final Larder larder;
        private LarderCacheSpec<?, ?> defaults = LarderCacheSpec.defaults();
        private final Map<String, LarderCacheSpec<?, ?>> specs = new LinkedHashMap<>();
        private final Map<String, UnaryOperator<LarderCacheSpec<Object, Object>>> customizers = new LinkedHashMap<>();
        private boolean allowNullValues = true;
        private boolean dynamic = true;
        private String prefix = "";

        private Builder(final Larder larder) {
            this.larder = Objects.requireNonNull(larder, "larder must not be null");
        }

        /**
         * @param spec the settings of caches without their own spec (created on demand or with
         *             {@link #cache(String)})
         * @return this builder
         */
        public Builder defaults(final LarderCacheSpec<?, ?> spec) {
            this.defaults = Objects.requireNonNull(spec, "default spec must not be null");
            return this;
        }

        /**
         * Declares a cache with the default settings (created when the manager is built).
         *
         * @param name the cache name
         * @return this builder
         */
        public Builder cache(final String name) {
            return cache(name, (LarderCacheSpec<?, ?>) null);
        }

        /**
         * Declares a cache with its own settings; the spec is used as it is, it does not inherit
         * from {@link #defaults} (derive from the defaults with {@link #cache(String, UnaryOperator)}).
         *
         * @param name the cache name
         * @param spec its codecs, time to live and null-value setting
         * @return this builder
         * @throws IllegalArgumentException if the name is blank or already declared
         */
        public Builder cache(final String name, final LarderCacheSpec<?, ?> spec) {
            Objects.requireNonNull(name, "cache name must not be null");
            if (name.isBlank()) {
                throw new IllegalArgumentException("cache name must not be blank");
            }
            if (specs.containsKey(name)) {
                throw new IllegalArgumentException("cache '" + name + "' is declared twice");
            }
            specs.put(name, spec);
            return this;
        }

        /**
         * Declares a cache whose settings are the defaults (as set when {@link #build()} runs)
         * changed by {@code customizer}, e.g. {@code .cache("users", d -> d.ttl(Duration.ofSeconds(30)))}.
         *
         * @param name       the cache name
         * @param customizer derives this cache's spec from the defaults
         * @return this builder
         */
        public Builder cache(final String name, final UnaryOperator<LarderCacheSpec<Object, Object>> customizer) {
            Objects.requireNonNull(customizer, "customizer must not be null");
            cache(name, (LarderCacheSpec<?, ?>) null);
            customizers.put(name, customizer);
            return this;
        }

        /**
         * @param allow whether caches without their own setting cache {@code null} values
         *              (default {@code true}, as Spring's own cache managers)
         * @return this builder
         */
        public Builder allowNullValues(final boolean allow) {
            this.allowNullValues = allow;
            return this;
        }

        /**
         * @param createOnDemand whether unknown cache names are created with the defaults
         *                       (default {@code true}); when off only declared caches exist
         * @return this builder
         */
        public Builder dynamic(final boolean createOnDemand) {
            this.dynamic = createOnDemand;
            return this;
        }

        /**
         * @param cacheNamePrefix prepended to each Spring cache name to name its Larder cache,
         *                        so that the Spring caches cannot collide with other caches of
         *                        the same Larder (default: none)
         * @return this builder
         */
        public Builder cacheNamePrefix(final String cacheNamePrefix) {
            this.prefix = Objects.requireNonNull(cacheNamePrefix, "prefix must not be null");
            return this;
        }

        /**
         * @return the manager, with every declared cache created
         * @throws dev.larder.core.CacheConfigurationException if a declared cache exists in the
         *                                                     Larder with other codecs or options
         */
        @SuppressWarnings("unchecked")
        public LarderCacheManager build() {
            for (final Map.Entry<String, LarderCacheSpec<?, ?>> e : specs.entrySet()) {
                final UnaryOperator<LarderCacheSpec<Object, Object>> customizer = customizers.get(e.getKey());
                if (customizer != null) {
                    final LarderCacheSpec<?, ?> derived = customizer.apply((LarderCacheSpec<Object, Object>) defaults);
                    e.setValue(Objects.requireNonNull(derived, "customizer of cache '" + e.getKey() + "' returned null"));
                } else if (e.getValue() == null) {
                    e.setValue(defaults);
                }
            }
            return new LarderCacheManager(this);
        }
    }
}
