package dev.larder.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.larder.eviction.EvictionPolicies;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A read under expire-after-access that finds its entry being moved by compaction: the move copies
 * the meta word (and so the deadline) before the read extends it, and the read's own write then
 * lands on the sealed old word. The extension must reach the entry's new slot all the same, or a
 * session read in time expires early. The move is made to happen inside a pinned read's callback,
 * which is exactly the window between the read taking the word and extending it.
 */
class SlidingDeadlineMoveTest {
    private static final long TTL = 10_000;

    private final long[] now = {1_000};
    private Store store;
    private int id;
    private Scratch sc;

    @BeforeEach
    void open() {
        store = new Store(new StoreConfig(8L << 20, EvictionPolicies.wTinyLfu(), () -> now[0]));
        id = store.registerCache("sessions");
        store.attach(id, TestHooks.quiet(TTL));
        sc = Scratch.acquire();
    }

    @AfterEach
    void close() {
        sc.release();
        store.close();
    }

    private String readCopy(final byte[] key) {
        return store.read(id, key, key.length, Store.hash(id, key, key.length),
            (buf, off, len) -> buf.getStringWithoutLengthUtf8(off, len), sc);
    }

    /** Puts a session under the cache's TTL. @return the key's bytes */
    private byte[] putSession(final String name, final String user) {
        final byte[] key = name.getBytes(StandardCharsets.UTF_8);
        final byte[] value = user.getBytes(StandardCharsets.UTF_8);
        store.put(id, key, key.length, Store.hash(id, key, key.length), value, value.length, now[0] + TTL, now[0],
            "sessions", sc);
        return key;
    }

    @Test
    void aReadWhoseEntryMovesMidReadStillExtendsTheDeadline() {
        final byte[] key = putSession("session-1", "alice");
        final long hash = Store.hash(id, key, key.length);
        final long before = store.linkedEntry(id, key, key.length, hash);
        assertThat(before).isNotNegative();

        now[0] += 6_000; // read at 7,000: the deadline slides from 11,000 to 17,000
        final long[] movedTo = {-1};
        final Scratch inner = Scratch.acquire();
        final String seen;
        try {
            seen = store.readPinned(id, key, key.length, hash, (buf, off, len) -> {
                // compaction moves the entry while this read holds it
                assertThat(store.relocate(before, store.classOf(before))).isEqualTo(Store.MOVED);
                movedTo[0] = store.linkedEntry(id, key, key.length, hash);
                return buf.getStringWithoutLengthUtf8(off, len);
            }, inner);
        } finally {
            inner.release();
        }
        assertThat(seen).isEqualTo("alice");
        assertThat(movedTo[0]).isNotNegative().isNotEqualTo(before);

        // a copying read at the same instant sees the deadline as it stands before its own extension
        assertThat(readCopy(key)).isEqualTo("alice");
        assertThat(sc.deadline).isEqualTo(7_000 + TTL);

        now[0] = 12_000; // past the old deadline of 11,000, before the slid one
        assertThat(readCopy(key)).isEqualTo("alice");
    }

    @Test
    void withoutAMoveTheReadExtendsInPlaceAndAnUnreadEntryExpires() {
        final byte[] key = putSession("session-2", "bob");
        now[0] += 6_000;
        assertThat(readCopy(key)).isEqualTo("bob");
        assertThat(readCopy(key)).isEqualTo("bob");
        assertThat(sc.deadline).isEqualTo(7_000 + TTL);
        now[0] = 7_000 + TTL; // nobody read it since: expired
        assertThat(readCopy(key)).isNull();
    }
}
