package dev.larder.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.core.LarderClock;
import dev.larder.eviction.EvictionPolicy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A thread's reads reach a batching policy ({@link EvictionPolicy#recordAccesses}) sixteen at a
 * time, from a buffer the thread keeps across stores: a batch must go to the policy of the store
 * whose reads it holds, never to another store's.
 */
class PendingReadsTest {

    @Test
    void aThreadsPendingReadsAreNotGivenToAnotherStoresPolicy() {
        final Recording first = new Recording();
        final Recording second = new Recording();
        final Store a = new Store(new StoreConfig(8L << 20, first, LarderClock.SYSTEM));
        final Store b = new Store(new StoreConfig(8L << 20, second, LarderClock.SYSTEM));
        final Scratch sc = Scratch.acquire();
        try {
            final int ia = open(a);
            final int ib = open(b);
            final byte[] ka = "in-a".getBytes(StandardCharsets.UTF_8);
            final byte[] kb = "in-b".getBytes(StandardCharsets.UTF_8);
            final long ha = Store.hash(ia, ka, ka.length);
            final long hb = Store.hash(ib, kb, kb.length);
            put(a, ia, ka, sc);
            put(b, ib, kb, sc);
            for (int i = 0; i < Store.ACCESS_BATCH - 1; i++) {
                assertThat(read(a, ia, ka, sc)).isEqualTo("v");
            }
            assertThat(first.recorded).as("a batch is not full yet").isEmpty();
            for (int i = 0; i < Store.ACCESS_BATCH; i++) {
                assertThat(read(b, ib, kb, sc)).isEqualTo("v");
            }
            assertThat(second.recorded).hasSize(Store.ACCESS_BATCH).containsOnly(hb);
            assertThat(first.recorded).isEmpty();
            for (int i = 0; i < Store.ACCESS_BATCH; i++) {
                read(a, ia, ka, sc);
            }
            assertThat(first.recorded).hasSize(Store.ACCESS_BATCH).containsOnly(ha);
            assertThat(second.recorded).hasSize(Store.ACCESS_BATCH);
        } finally {
            sc.release();
            a.close();
            b.close();
        }
    }

    private static int open(final Store store) {
        final int id = store.registerCache("c");
        store.attach(id, TestHooks.quiet(0));
        return id;
    }

    private static void put(final Store store, final int id, final byte[] key, final Scratch sc) {
        final byte[] value = "v".getBytes(StandardCharsets.UTF_8);
        store.put(id, key, key.length, Store.hash(id, key, key.length), value, value.length, 0, System.currentTimeMillis(),
            "c", sc);
    }

    private static String read(final Store store, final int id, final byte[] key, final Scratch sc) {
        return store.read(id, key, key.length, Store.hash(id, key, key.length),
            (buf, off, len) -> buf.getStringWithoutLengthUtf8(off, len), sc);
    }

    /** Evicts nothing; records the batches of reads the store gives it. */
    private static final class Recording implements EvictionPolicy {
        final List<Long> recorded = new ArrayList<>();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public boolean evicts() {
            return false;
        }

        @Override
        public int sampleSize() {
            return 1;
        }

        @Override
        public int onInsert(final long keyHash, final long tick) {
            return 0;
        }

        @Override
        public int onAccess(final int access, final long keyHash, final long tick) {
            return access;
        }

        @Override
        public boolean batchesAccesses() {
            return true;
        }

        @Override
        public void recordAccesses(final long[] keyHashes, final int count) {
            for (int i = 0; i < count; i++) {
                recorded.add(keyHashes[i]);
            }
        }

        @Override
        public long score(final int access, final long remainingTtlMs, final long tick) {
            return NOT_EVICTABLE;
        }
    }
}
