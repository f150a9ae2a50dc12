package dev.larder.core.store;

import dev.larder.eviction.EvictionPolicy;

/**
 * The off-heap layout of one entry, and its guard word protocol.
 *
 * <pre>
 * offset size field
 *  0     8    meta      SEALED (bit 63: the entry has left; its access word is final)
 *                       | expiry (bits 24-62: ms since the store's time base + 1, 0 = never)
 *                       | access word (low 24 bits, owned by the eviction policy)
 *  8     4    guard     seq (high 20 bits) | pins (10 bits) | RETIRING (bit 1) | LIVE (bit 0)
 * 12     4    valueLength
 * 16     2    keyLength (unsigned)
 * 18     2    cacheId   (unsigned)
 * 20     k    key bytes
 * 20+k   v    value bytes
 * </pre>
 *
 * <h2>Guard protocol</h2>
 * An entry's key and value bytes never change while it is LIVE: a new value is a new entry.
 * <ul>
 *   <li>Publication: the writer fills the slot, then stores the guard with LIVE (release), then
 *       links the entry into the index (release).</li>
 *   <li>Optimistic read: load guard (acquire), read, load-fence, reload guard; if it changed (or
 *       the index slot or table changed) the read is discarded and retried.</li>
 *   <li>Pinned read (zero copy): CAS pins+1 on a LIVE guard; while pinned the slot is never
 *       freed, so the caller may look at the bytes in place; unpin with pins-1.</li>
 *   <li>Free (after unlinking): if unpinned, CAS to seq+1 with no flags and release the slot; if
 *       pinned, set RETIRING and let the last unpinner free it.</li>
 * </ul>
 * The sequence number makes reuse of a slot visible to an optimistic reader; 20 bits means a
 * reader would have to stall through a million reuses of the same slot to be fooled.
 *
 * <h2>Sealing the meta word</h2>
 * Readers update the access word with a CAS after their read validated, and report the transition
 * to the policy when the CAS succeeds. A writer that unlinks the entry in between reports the
 * entry's access word to the policy as it leaves; if a reader's CAS could still succeed after that,
 * the policy would count a transition of an entry it has already seen leave, and its region counts
 * would drift for good. So whoever unlinks an entry <em>seals</em> its meta word with a CAS that sets
 * {@link #SEALED} and reads the final access word in the same step; every later CAS on the word
 * expects an unsealed value and fails.
 *
 * <h2>Stamp stores</h2>
 * A touch that changes only the low 16 bits of the access word ({@link #STAMP_MASK}: with the
 * built-in policies, the low bits of a recency stamp, never a region or anything a policy counts)
 * writes those two bytes with a plain store instead of a CAS, as Redis updates its {@code lru} field
 * with a plain write. A locked instruction on every cold hit costs more than the rest of the touch;
 * the store costs what any write to a line already in cache costs. What the store may do, and why
 * each is harmless:
 * <ul>
 *   <li>Be lost to a concurrent CAS on the word, or make that CAS fail and retry: a lost recency
 *       update, as a failed touch CAS always was.</li>
 *   <li>Land after the word was sealed: the sealer has read the final access word already, and the
 *       store changes neither {@link #SEALED} nor anything the policy counts.</li>
 *   <li>Land on a newer entry in the same slot (the entry was freed and the slot reused while the
 *       reader was between its validated read and the store): the newer entry's stamp moves to about
 *       the reader's tick, which is about when it was written. The store runs inside the reader's
 *       quiescence section, so the page cannot have been re-cut to another size class or given to
 *       the index meanwhile: the two bytes are that slot's meta word or a free slot's stale bytes
 *       (the allocator keeps its free bits in the page's bitmap, not in slots).</li>
 * </ul>
 * The store is used only on little-endian machines, where the low 16 bits are the word's first
 * two bytes; elsewhere every touch is a CAS.
 */
final class Entry {
    static final int META = 0;
    static final int GUARD = 8;
    static final int VALUE_LENGTH = 12;
    static final int KEY_LENGTH = 16;
    static final int CACHE_ID = 18;
    static final int HEADER = 20;

    static final int LIVE = 1;
    static final int RETIRING = 2;
    static final int PIN = 4;
    static final int PIN_MASK = 0x3FF << 2;
    static final int SEQ_ONE = 1 << 12;
    static final int SEQ_MASK = ~((1 << 12) - 1);

    /** The bits of the access word a touch may write with a plain store (see "Stamp stores"). */
    static final int STAMP_MASK = 0xFFFF;

    static final int MAX_KEY_LENGTH = 0xFFFF;
    static final int MAX_CACHES = 0xFFFF;

    static final int EXPIRY_SHIFT = EvictionPolicy.ACCESS_BITS;
    /** Bit 63 of the meta word: the entry has been unlinked and its access word is final. */
    static final long SEALED = 1L << 63;
    /** The largest expiry: 2^39 - 1 ms after the store's time base, about 17 years. */
    static final long MAX_EXPIRY = (1L << (63 - EXPIRY_SHIFT)) - 1;

    private Entry() {
    }

    static int access(final long meta) {
        return (int) (meta & EvictionPolicy.ACCESS_MASK);
    }

    static long expiry(final long meta) {
        return (meta >>> EXPIRY_SHIFT) & MAX_EXPIRY;
    }

    static boolean sealed(final long meta) {
        return meta < 0;
    }

    static long meta(final long expiry, final int access) {
        return (expiry << EXPIRY_SHIFT) | (access & EvictionPolicy.ACCESS_MASK);
    }

    static int pins(final int guard) {
        return (guard & PIN_MASK) >>> 2;
    }
}
