package dev.larder.jmh;

/**
 * One store under test, reduced to what the benchmarks do. Keys are addressed by id: each adapter
 * converts the shared byte[] keys once, up front, into whatever its store takes, so the measured
 * loop creates no key objects.
 *
 * <p>Only one implementation is loaded per JMH fork, so calls through this interface are
 * monomorphic and inlined.
 */
public interface StoreAdapter extends AutoCloseable {

    /**
     * @param id key id
     * @return the value, or whatever the zero-copy reader produced; {@code null} if absent
     */
    Object get(int id);

    /**
     * @param id    key id
     * @param value value bytes
     */
    void put(int id, byte[] value);

    /**
     * Stores under a key given as fresh bytes, as an application would: used by the footprint
     * program, so that per-entry key objects of on-heap stores are counted.
     *
     * @param key   16 key bytes, owned by the store from now on
     * @param value value bytes, owned by the store from now on
     */
    void putFresh(byte[] key, byte[] value);

    /** @return number of entries the store reports */
    long size();

    /**
     * @return native bytes the store says it holds, or -1 if it has no such figure
     */
    default long reportedNativeBytes() {
        return -1;
    }

    /** @return a short note about the figure {@link #reportedNativeBytes()} returns */
    default String reportedNativeBytesSource() {
        return "-";
    }

    @Override
    void close();
}
