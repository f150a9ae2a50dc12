package dev.larder.jmh;

import dev.larder.jmh.peers.CaffeineStore;
import dev.larder.jmh.peers.ChronicleStore;
import dev.larder.jmh.peers.ConcurrentHashMapStore;
import dev.larder.jmh.peers.EhcacheStore;
import dev.larder.jmh.peers.OhcStore;

/** Creates stores by name; the names are the values of the benchmarks' {@code store} parameter. */
public final class Stores {
    /** Larder, copying {@code get}. */
    public static final String LARDER = "larder";
    /** Larder, zero-copy {@code read(key, reader)}. */
    public static final String LARDER_ZERO_COPY = "larder-zerocopy";
    /** Caffeine, bounded, on-heap. */
    public static final String CAFFEINE = "caffeine";
    /** ConcurrentHashMap. */
    public static final String CHM = "chm";
    /** OHC, linked implementation. */
    public static final String OHC = "ohc";
    /** Chronicle Map, in memory. */
    public static final String CHRONICLE = "chronicle";
    /** Ehcache 3 with only an off-heap tier. */
    public static final String EHCACHE = "ehcache";

    private Stores() {
    }

    /**
     * @param name    one of the names above
     * @param keys    the keys to pre-convert, or {@code null} (footprint: only {@code putFresh} is used)
     * @param entries how many entries the store must hold
     * @return a new, empty store
     */
    public static StoreAdapter create(final String name, final byte[][] keys, final int entries) {
        switch (name) {
            case CAFFEINE:
                return new CaffeineStore(keys, entries);
            case CHM:
                return new ConcurrentHashMapStore(keys, entries);
            case OHC:
                return new OhcStore(keys, Workload.BUDGET);
            case CHRONICLE:
                return new ChronicleStore(keys, entries);
            case EHCACHE:
                return new EhcacheStore(keys, Workload.BUDGET);
            case LARDER:
                return larder("dev.larder.jmh.larder.LarderStore", keys);
            case LARDER_ZERO_COPY:
                return larder("dev.larder.jmh.larder.LarderZeroCopyStore", keys);
            default:
                // Diagnostic variants, e.g. "larder+noeviction,nostats" or "larder-zerocopy+noexpiry".
                final int plus = name.indexOf('+');
                if (plus > 0 && name.substring(0, plus).equals(LARDER)) {
                    // "presized" is sized from the keys; without them (footprint runs) from the entry count
                    final String variant = name.substring(plus + 1).replace("presized", "presized:" + entries);
                    return larder("dev.larder.jmh.larder.LarderStore", keys, variant);
                }
                if (plus > 0 && name.substring(0, plus).equals(LARDER_ZERO_COPY)) {
                    return larder("dev.larder.jmh.larder.LarderZeroCopyStore", keys, name.substring(plus + 1));
                }
                throw new IllegalArgumentException("unknown store: " + name);
        }
    }

    /**
     * As {@link #create}, with whatever extra bookkeeping lets a store report its memory use
     * (Ehcache's statistics service). Not for throughput runs.
     *
     * @param name    store name
     * @param entries how many entries the store must hold
     * @return a new, empty store with no pre-converted keys
     */
    public static StoreAdapter createForFootprint(final String name, final int entries) {
        return EHCACHE.equals(name) ? new EhcacheStore(null, Workload.BUDGET, true) : create(name, null, entries);
    }

    /* By reflection so that the peers build and run with -DpeersOnly while larder-core does not build. */
    private static StoreAdapter larder(final String className, final byte[][] keys) {
        return larder(className, keys, "");
    }

    private static StoreAdapter larder(final String className, final byte[][] keys, final String variant) {
        try {
            return (StoreAdapter) Class.forName(className)
                .getConstructor(byte[][].class, long.class, String.class)
                .newInstance(keys, Workload.BUDGET, variant);
        } catch (final ClassNotFoundException e) {
            throw new IllegalStateException("Larder benchmarks were not compiled (built with -DpeersOnly?)", e);
        } catch (final ReflectiveOperationException e) {
            final Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new IllegalStateException("cannot create " + className + ": " + cause, cause);
        }
    }

    /**
     * Writes every key once, cycling through the value variants.
     *
     * @param store the store
     * @param w     the workload
     */
    public static void prefill(final StoreAdapter store, final Workload w) {
        final int n = w.entries();
        for (int i = 0; i < n; i++) {
            store.put(i, w.values[i & (Workload.VALUE_VARIANTS - 1)]);
        }
    }

    /**
     * Fails unless every key is present: a benchmark that misses would measure something else.
     *
     * @param name  store name, for the message
     * @param store the store
     * @param w     the workload
     * @param when  "after prefill" or similar
     */
    public static void verifyAllPresent(final String name, final StoreAdapter store, final Workload w,
                                        final String when) {
        final int n = w.entries();
        int missing = 0;
        for (int i = 0; i < n; i++) {
            if (store.get(i) == null) {
                missing++;
            }
        }
        if (missing != 0) {
            throw new IllegalStateException(name + ": " + missing + " of " + n + " keys missing " + when
                + " (size " + store.size() + "): the store evicted; give it more room");
        }
    }
}
