package dev.larder.core;

import dev.larder.core.store.Scratch;
import dev.larder.core.store.Store;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

/**
 * The typed face of one named cache: encodes keys and values with the cache's codecs and runs
 * each operation as one atomic {@link Store} operation.
 */
final class CacheImpl<K, V> implements Cache<K, V>, Store.CacheHooks {

    private final Larder larder;
    private final Store store;
    private final int id;
    private final String name;
    private final Codec<K> keyCodec;
    /** Whether the key codec is {@link Codecs#bytes()}: reads then use the caller's array as it is. */
    private final boolean rawKeys;
    /** Whether the value codec is {@link Codecs#bytes()}: a put then stores the caller's array as it is. */
    private final boolean rawValues;
    private final Codec<V> valueCodec;
    private final CacheOptions options;
    private final long expireAfterWriteMs;
    private final long expireAfterAccessMs;
    private final ValueReader<V> decoder;
    private final ValueReader<Boolean> presence = (b, o, l) -> Boolean.TRUE;

    private final boolean recordStats;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder puts = new LongAdder();
    private final LongAdder removals = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final LongAdder expirations = new LongAdder();
    private final CopyOnWriteArrayList<CacheEntryListener<? super K, ? super V>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean hasListeners;
    private volatile boolean destroyed;

    CacheImpl(final Larder larder, final Store store, final int id, final String name, final Codec<K> keyCodec,
              final Codec<V> valueCodec, final CacheOptions options) {
        this.larder = larder;
        this.store = store;
        this.id = id;
        this.name = name;
        this.keyCodec = keyCodec;
        this.valueCodec = valueCodec;
        this.options = options;
        this.expireAfterWriteMs = millis(options.expireAfterWrite());
        this.expireAfterAccessMs = millis(options.expireAfterAccess());
        this.recordStats = options.recordStats();
        this.decoder = this::decodeValue;
        this.rawKeys = Codecs.isBytes(keyCodec);
        this.rawValues = Codecs.isBytes(valueCodec);
    }

    private static long millis(final Duration d) {
        if (d == null) {
            return 0;
        }
        final long ms = d.toMillis();
        return d.equals(Duration.ofMillis(ms)) ? Math.max(1, ms) : ms + 1; // round sub-ms parts up
    }

    void checkCompatible(final Codec<?> k, final Codec<?> v, final CacheOptions requested) {
        if (!keyCodec.id().equals(k.id()) || !valueCodec.id().equals(v.id())) {
            throw new CacheConfigurationException(String.format(
                "cache '%s' exists with key codec %s and value codec %s; requested key codec %s and value codec %s",
                name, keyCodec.id(), valueCodec.id(), k.id(), v.id()));
        }
        if (requested != null && !requested.equals(options)) {
            throw new CacheConfigurationException(String.format(
                "cache '%s' exists with %s; requested %s", name, options, requested));
        }
    }

    // ------------------------------------------------------------------ encoding

    private void checkOpen() {
        if (larder.isClosed()) {
            throw new IllegalStateException("this Larder is closed (cache '" + name + "')");
        }
        if (destroyed) {
            throw new IllegalStateException("cache '" + name + "' was destroyed");
        }
    }

    /** Marks this cache destroyed (every later call throws) and detaches it from the store. */
    void detach() {
        destroyed = true;
        store.detachCache(id, name);
    }

    /** @return how many entries the sweep after {@link #detach()} removed */
    long sweep() {
        return store.sweepDestroyed(id);
    }

    /** Fails on a null key or a closed / destroyed cache: what every keyed call checks first. */
    private void requireKey(final K key) {
        Objects.requireNonNull(key, () -> "key must not be null (cache '" + name + "')");
        checkOpen();
    }

    private void requireValue(final V value) {
        Objects.requireNonNull(value, () -> "value must not be null (cache '" + name + "')");
    }

    private int encodeKey(final K key, final Scratch sc) {
        requireKey(key);
        final int klen;
        try {
            klen = keyCodec.encode(key, sc.key, 0);
        } catch (final RuntimeException e) {
            throw new CodecException(String.format("key codec %s failed to encode a key (cache '%s'): %s",
                keyCodec.id(), name, e), e);
        }
        return checkEncodedLength(klen, sc.key, keyCodec, "key");
    }

    /** A codec's returned length must be what it could have written: the store copies that many bytes raw. */
    private int checkEncodedLength(final int length, final ExpandableArrayBuffer buffer, final Codec<?> codec,
                                   final String what) {
        if (length < 0 || length > buffer.capacity()) {
            throw new CodecException(String.format(
                "%s codec %s returned a length of %,d bytes, but its buffer holds %,d (cache '%s')",
                what, codec.id(), length, buffer.capacity(), name));
        }
        return length;
    }

    /**
     * The bytes a read looks the key up by. Under {@link Codecs#bytes()} that is the caller's own
     * array, so a read copies nothing; otherwise the key is encoded into {@code sc.key}. Either way
     * the length is left in {@code sc.keyLength}.
     */
    private byte[] lookupKey(final K key, final Scratch sc) {
        if (rawKeys) {
            requireKey(key);
            final byte[] k = (byte[]) key;
            sc.keyLength = k.length;
            return k;
        }
        sc.keyLength = encodeKey(key, sc);
        return sc.key.byteArray();
    }

    /**
     * The bytes a put stores as its value. Under {@link Codecs#bytes()} that is the caller's own
     * array, which the store copies into the entry, so it is not copied twice; otherwise the value is
     * encoded into {@code sc.value}. Either way the entry's size is checked and the length is left in
     * {@code sc.valueLength}.
     */
    private byte[] storedValue(final V value, final Scratch sc, final int klen) {
        if (rawValues) {
            requireValue(value);
            final byte[] v = (byte[]) value;
            checkSize(klen, v.length);
            sc.valueLength = v.length;
            return v;
        }
        sc.valueLength = encodeValue(value, sc.value, klen);
        return sc.value.byteArray();
    }

    private int encodeValue(final V value, final ExpandableArrayBuffer into, final int klen) {
        requireValue(value);
        final int vlen;
        try {
            vlen = valueCodec.encode(value, into, 0);
        } catch (final RuntimeException e) {
            throw new CodecException(String.format("value codec %s failed to encode a value (cache '%s'): %s",
                valueCodec.id(), name, e), e);
        }
        checkEncodedLength(vlen, into, valueCodec, "value");
        checkSize(klen, vlen);
        return vlen;
    }

    private void checkSize(final int klen, final int vlen) {
        final long size = (long) klen + vlen;
        if (size > options.maxEntrySize()) {
            throw new EntryTooLargeException(String.format(
                "entry of %,d bytes (key %,d + value %,d) exceeds maxEntrySize of %,d bytes (cache '%s')",
                size, klen, vlen, options.maxEntrySize(), name));
        }
    }

    private V decodeValue(final DirectBuffer buffer, final int offset, final int length) {
        try {
            return valueCodec.decode(buffer, offset, length);
        } catch (final RuntimeException e) {
            throw new CodecException(String.format("value codec %s failed to decode %,d bytes (cache '%s'): %s",
                valueCodec.id(), length, name, e), e);
        }
    }

    private K decodeKey(final DirectBuffer buffer, final int offset, final int length) {
        try {
            return keyCodec.decode(buffer, offset, length);
        } catch (final RuntimeException e) {
            throw new CodecException(String.format("key codec %s failed to decode %,d bytes (cache '%s'): %s",
                keyCodec.id(), length, name, e), e);
        }
    }

    private static boolean sameBytes(final DirectBuffer buffer, final int offset, final int length,
                                     final ExpandableArrayBuffer expected, final int expectedLength) {
        if (length != expectedLength) {
            return false;
        }
        final byte[] e = expected.byteArray();
        for (int k = 0; k < length; k++) {
            if (buffer.getByte(offset + k) != e[k]) {
                return false;
            }
        }
        return true;
    }

    private long deadlineAfterWrite(final long now) {
        if (expireAfterWriteMs > 0) {
            return now + expireAfterWriteMs;
        }
        return expireAfterAccessMs > 0 ? now + expireAfterAccessMs : 0;
    }

    private static long ttlMillis(final Duration ttl) {
        CacheOptions.requirePositive(ttl, "ttl");
        try {
            return millis(ttl);
        } catch (final ArithmeticException e) {
            return Long.MAX_VALUE / 4;
        }
    }

    // ------------------------------------------------------------------ reads

    @Override
    public String name() {
        return name;
    }

    @Override
    public V get(final K key) {
        final Scratch sc = Scratch.acquire();
        try {
            final byte[] k = lookupKey(key, sc);
            final int klen = sc.keyLength;
            final V v = store.read(id, k, klen, Store.hash(id, k, klen), decoder, sc);
            if (recordStats) {
                (v == null ? misses : hits).increment();
            }
            return v;
        } finally {
            sc.release();
        }
    }

    @Override
    public <R> R read(final K key, final ValueReader<R> reader) {
        Objects.requireNonNull(reader, "reader must not be null");
        final Scratch sc = Scratch.acquire();
        try {
            final byte[] k = lookupKey(key, sc);
            final int klen = sc.keyLength;
            final R r = store.readPinned(id, k, klen, Store.hash(id, k, klen), reader, sc);
            if (recordStats) {
                (r == null ? misses : hits).increment();
            }
            return r;
        } finally {
            sc.release();
        }
    }

    @Override
    public Map<K, V> getAll(final Set<? extends K> keys) {
        requireNoNullKeys(keys, "getAll");
        final Map<K, V> out = new LinkedHashMap<>();
        for (final K key : keys) {
            final V v = get(key);
            if (v != null) {
                out.put(key, v);
            }
        }
        return out;
    }

    @Override
    public boolean containsKey(final K key) {
        final Scratch sc = Scratch.acquire();
        try {
            final byte[] k = lookupKey(key, sc);
            final int klen = sc.keyLength;
            return store.read(id, k, klen, Store.hash(id, k, klen), presence, sc) != null;
        } finally {
            sc.release();
        }
    }

    @Override
    public Duration ttl(final K key) {
        final Scratch sc = Scratch.acquire();
        try {
            final int klen = encodeKey(key, sc);
            final byte[] k = sc.key.byteArray();
            if (store.read(id, k, klen, Store.hash(id, k, klen), presence, sc) == null) {
                return null;
            }
            if (sc.deadline == 0) {
                return FOREVER;
            }
            return Duration.ofMillis(Math.max(0, sc.deadline - store.now()));
        } finally {
            sc.release();
        }
    }

    @Override
    public long size() {
        checkOpen();
        return store.size(id);
    }

    // ------------------------------------------------------------------ writes

    /** A write's decision logic and what it observed. One per call. */
    private abstract class Op implements Store.Mutator {
        final Scratch sc;
        final int klen;
        int newLength;
        long newExpiry = -1;
        V old;
        boolean wantOld;

        Op(final Scratch sc, final int klen) {
            this.sc = sc;
            this.klen = klen;
            this.wantOld = hasListeners;
        }

        @Override
        public final int decide(final boolean present, final DirectBuffer buffer, final int offset, final int length,
                                final long expiry) {
            if (present && wantOld) {
                old = decodeValue(buffer, offset, length);
            }
            return decide(present, buffer, offset, length);
        }

        abstract int decide(boolean present, DirectBuffer buffer, int offset, int length);

        @Override
        public int newValueLength() {
            return newLength;
        }

        @Override
        public long newExpiry() {
            return newExpiry;
        }

        @Override
        public byte[] newValueBytes() {
            return sc.value.byteArray();
        }

        int run(final K key, final boolean claim, final long prepared) {
            final byte[] k = sc.key.byteArray();
            return store.update(id, k, klen, Store.hash(id, k, klen), this, claim, prepared, name, sc);
        }
    }

    /** Writes {@code value}, whose stored bytes are the first {@code vlen} of {@code v}, with the given deadline. */
    private int putEncoded(final K key, final V value, final Scratch sc, final int klen, final byte[] v, final int vlen,
                           final long deadline, final long now, final boolean wantOld, final V[] oldOut) {
        final byte[] k = sc.key.byteArray();
        if (!wantOld && !hasListeners) {
            // the common case: nothing needs the old value, so no decision object at all
            final int r = store.put(id, k, klen, Store.hash(id, k, klen), v, vlen, deadline, now, name, sc);
            if (recordStats) {
                puts.increment();
            }
            return r;
        }
        final long prepared = store.prepare(id, k, klen, Store.hash(id, k, klen), v, vlen, deadline, name, false, sc);
        final Op op = new Op(sc, klen) {
            @Override
            int decide(final boolean present, final DirectBuffer buffer, final int offset, final int length) {
                return Store.WRITE;
            }
        };
        op.wantOld |= wantOld;
        op.newExpiry = deadline;
        final int r = op.run(key, true, prepared);
        if (recordStats) {
            puts.increment();
        }
        if (oldOut != null) {
            oldOut[0] = op.old;
        }
        fireWrite(key, value, r, op.old);
        return r;
    }

    private void fireWrite(final K key, final V value, final int result, final V old) {
        if (hasListeners && (result & 3) == Store.WRITE) {
            if ((result & Store.PRESENT) != 0) {
                fire(CacheEntryEvent.Type.UPDATED, key, value, old);
            } else {
                fire(CacheEntryEvent.Type.CREATED, key, value, null);
            }
        }
    }

    @Override
    public void put(final K key, final V value) {
        final Scratch sc = Scratch.acquire();
        try {
            final int klen = encodeKey(key, sc);
            final byte[] v = storedValue(value, sc, klen);
            // without a deadline to compute or events to fire, the store's cached time will do
            final long now = hasListeners || expireAfterWriteMs > 0 || expireAfterAccessMs > 0 ? store.now()
                : store.coarseNow(sc);
            putEncoded(key, value, sc, klen, v, sc.valueLength, deadlineAfterWrite(now), now, false, null);
        } finally {
            sc.release();
        }
    }

    @Override
    public void put(final K key, final V value, final Duration ttl) {
        final long ttlMs = ttlMillis(ttl);
        final Scratch sc = Scratch.acquire();
        try {
            final int klen = encodeKey(key, sc);
            final byte[] v = storedValue(value, sc, klen);
            final long now = store.now();
            putEncoded(key, value, sc, klen, v, sc.valueLength, now + ttlMs, now, false, null);
        } finally {
            sc.release();
        }
    }

    @Override
    public void putAll(final Map<? extends K, ? extends V> entries) {
        Objects.requireNonNull(entries, "entries must not be null");
        for (final Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
            Objects.requireNonNull(e.getKey(), () -> "putAll: a key is null (cache '" + name + "')");
            Objects.requireNonNull(e.getValue(), () -> "putAll: the value of key " + e.getKey() + " is null (cache '" + name + "')");
        }
        for (final Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
            put(e.getKey(), e.getValue());
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public V getAndPut(final K key, final V value) {
        final Scratch sc = Scratch.acquire();
        try {
            final int klen = encodeKey(key, sc);
            final byte[] v = storedValue(value, sc, klen);
            final V[] old = (V[]) new Object[1];
            final long now = store.now();
            final int r = putEncoded(key, value, sc, klen, v, sc.valueLength, deadlineAfterWrite(now), now, true, old);
            if (recordStats) {
                ((r & Store.PRESENT) != 0 ? hits : misses).increment();
            }
            return old[0];
        } finally {
            sc.release();
        }
    }

    @Override
    public boolean putIfAbsent(final K key, final V value) {
        final Scratch sc = Scratch.acquire();
        try {
            final int klen = encodeKey(key, sc);
            final int vlen = encodeValue(value, sc.value, klen);
            final long deadline = deadlineAfterWrite(store.now());
            final Op op = new Op(sc, klen) {
                @Override
                int decide(final boolean present, final DirectBuffer buffer, final int offset, final int length) {
                    return present ? Store.KEEP : Store.WRITE;
                }
            };
            op.wantOld = false;
            op.newLength = vlen;
            op.newExpiry = deadline;
            final int r = op.run(key, true, -1);
            final boolean written = (r & 3) == Store.WRITE;
            if (written) {
                if (recordStats) {
                    puts.increment();
                }
                fireWrite(key, value, r, null);
            }
            return written;
        } finally {
            sc.release();
        }
    }

    @Override
    public boolean remove(final K key) {
        return removeInternal(key, null, false) != NOT_REMOVED;
    }

    private static final Object NOT_REMOVED = new Object();

    /** Removes {@code key} (if {@code expected} is non-null, only when its value has those bytes). */
    @SuppressWarnings("unchecked")
    private Object removeInternal(final K key, final V expected, final boolean wantOld) {
        final Scratch sc = Scratch.acquire();
        try {
            final int klen = encodeKey(key, sc);
            final int olen = expected == null ? 0 : encodeValue(expected, sc.other, 0);
            final Op op = new Op(sc, klen) {
                @Override
                int decide(final boolean present, final DirectBuffer buffer, final int offset, final int length) {
                    if (!present) {
                        return Store.KEEP;
                    }
                    if (expected != null && !sameBytes(buffer, offset, length, sc.other, olen)) {
                        return Store.KEEP;
                    }
                    return Store.REMOVE;
                }
            };
            op.wantOld |= wantOld;
            final int r = op.run(key, false, -1);
            if ((r & 3) != Store.REMOVE) {
                return NOT_REMOVED;
            }
            if (recordStats) {
                removals.increment();
            }
            if (hasListeners) {
                fire(CacheEntryEvent.Type.REMOVED, key, op.old, null);
            }
            return op.old;
        } finally {
            sc.release();
        }
    }

    @Override
    public boolean remove(final K key, final V value) {
        requireValue(value);
        return removeInternal(key, value, false) != NOT_REMOVED;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V getAndRemove(final K key) {
        final Object r = removeInternal(key, null, true);
        if (recordStats) {
            (r == NOT_REMOVED ? misses : hits).increment();
        }
        return r == NOT_REMOVED ? null : (V) r;
    }

    /** Replaces when present (and, with {@code expected}, when the value has those bytes). */
    private int replaceInternal(final K key, final V expected, final V value, final boolean wantOld, final V[] oldOut) {
        final Scratch sc = Scratch.acquire();
        try {
            final int klen = encodeKey(key, sc);
            final int olen = expected == null ? 0 : encodeValue(expected, sc.other, 0);
            final int vlen = encodeValue(value, sc.value, klen);
            final long deadline = deadlineAfterWrite(store.now());
            final Op op = new Op(sc, klen) {
                @Override
                int decide(final boolean present, final DirectBuffer buffer, final int offset, final int length) {
                    if (!present) {
                        return Store.KEEP;
                    }
                    if (expected != null && !sameBytes(buffer, offset, length, sc.other, olen)) {
                        return Store.KEEP;
                    }
                    return Store.WRITE;
                }
            };
            op.wantOld |= wantOld;
            op.newLength = vlen;
            op.newExpiry = deadline;
            final int r = op.run(key, false, -1);
            if ((r & 3) == Store.WRITE) {
                if (recordStats) {
                    puts.increment();
                }
                fireWrite(key, value, r, op.old);
            }
            if (oldOut != null) {
                oldOut[0] = op.old;
            }
            return r;
        } finally {
            sc.release();
        }
    }

    @Override
    public boolean replace(final K key, final V value) {
        return (replaceInternal(key, null, value, false, null) & 3) == Store.WRITE;
    }

    @Override
    public boolean replace(final K key, final V oldValue, final V newValue) {
        Objects.requireNonNull(oldValue, () -> "oldValue must not be null (cache '" + name + "')");
        return (replaceInternal(key, oldValue, newValue, false, null) & 3) == Store.WRITE;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V getAndReplace(final K key, final V value) {
        final V[] old = (V[]) new Object[1];
        final int r = replaceInternal(key, null, value, true, old);
        if (recordStats) {
            ((r & Store.PRESENT) != 0 ? hits : misses).increment();
        }
        return (r & 3) == Store.WRITE ? old[0] : null;
    }

    @Override
    public void removeAll(final Set<? extends K> keys) {
        requireNoNullKeys(keys, "removeAll");
        for (final K key : keys) {
            remove(key);
        }
    }

    private void requireNoNullKeys(final Set<? extends K> keys, final String operation) {
        Objects.requireNonNull(keys, () -> operation + ": keys must not be null (cache '" + name + "')");
        for (final K key : keys) {
            Objects.requireNonNull(key, () -> operation + ": a key is null (cache '" + name + "')");
        }
    }

    @Override
    public void removeAll() {
        checkOpen();
        final long n = store.removeWhere(id, store.now(), false, (buffer, ko, kl, vo, vl, deadline) -> {
            if (hasListeners) {
                fire(CacheEntryEvent.Type.REMOVED, decodeKey(buffer, ko, kl), decodeValue(buffer, vo, vl), null);
            }
            return true;
        });
        if (recordStats) {
            removals.add(n);
        }
    }

    @Override
    public void clear() {
        checkOpen();
        store.removeWhere(id, store.now(), false, null);
    }

    @Override
    public V compute(final K key, final BiFunction<? super K, ? super V, ? extends V> function) {
        Objects.requireNonNull(function, "function must not be null");
        final Scratch sc = Scratch.acquire();
        try {
            final int klen = encodeKey(key, sc);
            final Object[] result = new Object[1];
            final Op op = new Op(sc, klen) {
                @Override
                int decide(final boolean present, final DirectBuffer buffer, final int offset, final int length) {
                    final V current = present ? (old != null ? old : decodeValue(buffer, offset, length)) : null;
                    old = current;
                    final V next = function.apply(key, current);
                    result[0] = next;
                    if (next == null) {
                        return present ? Store.REMOVE : Store.KEEP;
                    }
                    newLength = encodeValue(next, sc.value, klen);
                    newExpiry = expireAfterWriteMs > 0 || expireAfterAccessMs > 0
                        ? deadlineAfterWrite(store.now()) : (present ? -1 : 0);
                    return Store.WRITE;
                }
            };
            op.wantOld = true;
            final int r = op.run(key, true, -1);
            afterCompute(key, r, op.old, result[0]);
            @SuppressWarnings("unchecked") final V next = (V) result[0];
            return next;
        } finally {
            sc.release();
        }
    }

    private void afterCompute(final K key, final int r, final V old, final Object next) {
        @SuppressWarnings("unchecked") final V v = (V) next;
        final int action = r & 3;
        if (action == Store.WRITE) {
            if (recordStats) {
                puts.increment();
            }
            fireWrite(key, v, r, old);
        } else if (action == Store.REMOVE) {
            if (recordStats) {
                removals.increment();
            }
            if (hasListeners) {
                fire(CacheEntryEvent.Type.REMOVED, key, old, null);
            }
        }
    }

    @Override
    public <T> T invoke(final K key, final EntryProcessor<K, V, T> processor) {
        Objects.requireNonNull(processor, "processor must not be null");
        final Scratch sc = Scratch.acquire();
        try {
            final int klen = encodeKey(key, sc);
            final Object[] result = new Object[2];
            final Op op = new Op(sc, klen) {
                @Override
                int decide(final boolean present, final DirectBuffer buffer, final int offset, final int length) {
                    final V current = present ? (old != null ? old : decodeValue(buffer, offset, length)) : null;
                    old = current;
                    final ProcessorEntry entry = new ProcessorEntry(key, current, present);
                    result[0] = processor.process(entry);
                    if (entry.removed) {
                        return present ? Store.REMOVE : Store.KEEP;
                    }
                    if (entry.updated) {
                        result[1] = entry.value;
                        newLength = encodeValue(entry.value, sc.value, klen);
                        newExpiry = expireAfterWriteMs > 0 || expireAfterAccessMs > 0
                            ? deadlineAfterWrite(store.now()) : (present ? -1 : 0);
                        return Store.WRITE;
                    }
                    return Store.KEEP;
                }
            };
            op.wantOld = true;
            final int r = op.run(key, true, -1);
            afterCompute(key, r, op.old, result[1]);
            @SuppressWarnings("unchecked") final T t = (T) result[0];
            return t;
        } finally {
            sc.release();
        }
    }

    /** The entry an {@link EntryProcessor} sees. */
    private final class ProcessorEntry implements MutableEntry<K, V> {
        private final K key;
        V value;
        boolean exists;
        boolean updated;
        boolean removed;

        ProcessorEntry(final K key, final V value, final boolean exists) {
            this.key = key;
            this.value = value;
            this.exists = exists;
        }

        @Override
        public boolean exists() {
            return exists;
        }

        @Override
        public K getKey() {
            return key;
        }

        @Override
        public V getValue() {
            return value;
        }

        @Override
        public void setValue(final V v) {
            Objects.requireNonNull(v, () -> "value must not be null (cache '" + name + "')");
            value = v;
            exists = true;
            updated = true;
            removed = false;
        }

        @Override
        public void remove() {
            value = null;
            exists = false;
            updated = false;
            removed = true;
        }
    }

    // ------------------------------------------------------------------ time

    @Override
    public boolean expire(final K key, final Duration ttl) {
        final long ttlMs = ttlMillis(ttl);
        final Scratch sc = Scratch.acquire();
        try {
            final int klen = encodeKey(key, sc);
            final byte[] k = sc.key.byteArray();
            return store.setExpiry(id, k, klen, Store.hash(id, k, klen), store.now() + ttlMs) != -1;
        } finally {
            sc.release();
        }
    }

    @Override
    public boolean persist(final K key) {
        final Scratch sc = Scratch.acquire();
        try {
            final int klen = encodeKey(key, sc);
            final byte[] k = sc.key.byteArray();
            return store.setExpiry(id, k, klen, Store.hash(id, k, klen), 0) > 0;
        } finally {
            sc.release();
        }
    }

    // ------------------------------------------------------------------ iteration

    @Override
    public Iterator<Entry<K, V>> iterator() {
        checkOpen();
        return new EntryIterator();
    }

    private record SimpleEntry<K, V>(K getKey, V getValue) implements Entry<K, V> {
    }

    /** Pulls entries from the store in batches; de-duplicates by key if the index is resized meanwhile. */
    private final class EntryIterator implements Iterator<Entry<K, V>> {
        private static final int BATCH = 256;
        private final ArrayDeque<Entry<K, V>> buffered = new ArrayDeque<>();
        private final Set<ByteKey> seen = new HashSet<>();
        private long cursor;
        private Entry<K, V> last;

        @Override
        public boolean hasNext() {
            while (buffered.isEmpty() && cursor >= 0) {
                checkOpen();
                final Scratch sc = Scratch.acquire();
                try {
                    final long next = store.scan(id, cursor, BATCH, (buffer, ko, kl, vo, vl, deadline) -> {
                        final byte[] kb = new byte[kl];
                        buffer.getBytes(ko, kb);
                        if (seen.add(new ByteKey(kb))) {
                            buffered.add(new SimpleEntry<>(decodeKey(buffer, ko, kl), decodeValue(buffer, vo, vl)));
                        }
                        return false;
                    }, sc.view);
                    cursor = next == -2 ? 0 : next;
                } finally {
                    sc.release();
                }
            }
            return !buffered.isEmpty();
        }

        @Override
        public Entry<K, V> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            last = buffered.poll();
            return last;
        }

        @Override
        public void remove() {
            if (last == null) {
                throw new IllegalStateException("next() has not been called, or remove() was already called");
            }
            CacheImpl.this.remove(last.getKey());
            last = null;
        }
    }

    private record ByteKey(byte[] bytes) {
        @Override
        public boolean equals(final Object o) {
            return o instanceof ByteKey && Arrays.equals(bytes, ((ByteKey) o).bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    // ------------------------------------------------------------------ stats, events, hooks

    @Override
    public CacheStats stats() {
        checkOpen();
        return new CacheStats(hits.sum(), misses.sum(), puts.sum(), removals.sum(), evictions.sum(),
            expirations.sum(), store.size(id), 0, 0);
    }

    @Override
    public void registerListener(final CacheEntryListener<? super K, ? super V> listener) {
        Objects.requireNonNull(listener, "listener must not be null");
        checkOpen();
        listeners.add(listener);
        hasListeners = true;
    }

    @Override
    public boolean deregisterListener(final CacheEntryListener<? super K, ? super V> listener) {
        final boolean removed = listeners.remove(listener);
        hasListeners = !listeners.isEmpty();
        return removed;
    }

    @Override
    public CacheOptions options() {
        return options;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private void fire(final CacheEntryEvent.Type type, final K key, final V value, final V oldValue) {
        final CacheEntryEvent event = new CacheEntryEvent<>(type, name, key, value, oldValue);
        for (final CacheEntryListener listener : listeners) {
            try {
                listener.onEvent(event);
            } catch (final RuntimeException ignored) {
                // a listener's failure does not undo the change (documented on CacheEntryListener)
            }
        }
    }

    @Override
    public void onReclaimed(final boolean expired, final DirectBuffer buffer, final int keyOffset, final int keyLength,
                            final int valueOffset, final int valueLength) {
        if (expired) {
            expirations.increment();
        } else {
            evictions.increment();
        }
        if (hasListeners) {
            fire(expired ? CacheEntryEvent.Type.EXPIRED : CacheEntryEvent.Type.EVICTED,
                decodeKey(buffer, keyOffset, keyLength), decodeValue(buffer, valueOffset, valueLength), null);
        }
    }

    @Override
    public long expireAfterAccessMillis() {
        return expireAfterAccessMs;
    }

    @Override
    public long hits() {
        return hits.sum();
    }

    @Override
    public long misses() {
        return misses.sum();
    }

    @Override
    public String toString() {
        return "Cache{" + name + ", size=" + store.size(id) + '}';
    }
}
