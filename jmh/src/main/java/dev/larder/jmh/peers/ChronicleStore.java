package dev.larder.jmh.peers;

import dev.larder.jmh.StoreAdapter;
import dev.larder.jmh.Workload;
import net.openhft.chronicle.map.ChronicleMap;

/** Chronicle Map 3, in memory (not persisted), byte[] keys and values, sized for the entries. */
public final class ChronicleStore implements StoreAdapter {
    private final ChronicleMap<byte[], byte[]> map;
    private final byte[][] keys;

    /**
     * @param keys    keys, or null
     * @param entries entries the map is configured for
     */
    public ChronicleStore(final byte[][] keys, final int entries) {
        this.map = ChronicleMap.of(byte[].class, byte[].class)
            .name("larder-jmh")
            .entries(entries)
            .averageKeySize(Workload.KEY_SIZE)
            .averageValueSize(Workload.VALUE_SIZE)
            .create();
        this.keys = keys;
    }

    @Override
    public Object get(final int id) {
        return map.get(keys[id]);
    }

    @Override
    public void put(final int id, final byte[] value) {
        map.put(keys[id], value);
    }

    @Override
    public void putFresh(final byte[] key, final byte[] value) {
        map.put(key, value);
    }

    @Override
    public long size() {
        return map.longSize();
    }

    @Override
    public long reportedNativeBytes() {
        return map.offHeapMemoryUsed();
    }

    @Override
    public String reportedNativeBytesSource() {
        return "ChronicleMap.offHeapMemoryUsed()";
    }

    @Override
    public void close() {
        map.close();
    }
}
