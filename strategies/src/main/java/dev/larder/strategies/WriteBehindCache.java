package dev.larder.strategies;

import dev.larder.core.Cache;
import dev.larder.core.LarderException;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jctools.queues.MpscArrayQueue;

/**
 * Write-behind: writes reach the cache at once and the store of record later, in batches, from
 * one background thread.
 *
 * <pre>{@code
 * try (WriteBehindCache<Long, Product> products = WriteBehindCache.builder(cache, productWriter)
 *         .loader(dao::findById)
 *         .batchSize(200).maxDelay(Duration.ofMillis(250))
 *         .queueCapacity(50_000).whenFull(WriteBehindCache.FullQueuePolicy.BLOCK)
 *         .maxAttempts(5).backoff(Duration.ofMillis(20), Duration.ofSeconds(2))
 *         .deadLetterHandler(failed -> log.error("lost {}", failed))
 *         .build()) {
 *     products.put(42L, product);   // returns as soon as the cache has it
 *     products.flush();             // waits until the database has it (or it was dead-lettered)
 * }
 * }</pre>
 *
 * <h2>Design</h2>
 * <b>Queue and coalescing.</b> Each key with unwritten changes has one <em>slot</em> holding its
 * newest operation (a value or a delete). The slots wait in a bounded JCTools
 * {@link MpscArrayQueue} (many producers, the write-behind thread as the single consumer). A write
 * to a key whose slot is still queued just replaces the slot's operation (counted as
 * {@link WriteBehindStats#coalesced()}); it takes no queue space. Once the write-behind thread has
 * taken a slot, the next write of that key gets a new slot behind it.
 *
 * <p><b>Order.</b> A writer holds the key's stripe lock while it queues the operation and updates
 * the cache, so the queue order of a key's operations is the order in which they reached the
 * cache. The single consumer writes batches one after another, retrying a batch until it succeeds
 * or is given up before it starts the next, and keeps only the newest operation of a key within a
 * batch. So the store of record sees each key's operations in order, possibly with intermediate
 * values skipped, and ends with the last one.
 *
 * <p><b>Batches</b> go to {@link CacheWriter#writeAll} and {@link CacheWriter#deleteAll} when
 * {@code batchSize} operations are queued or the oldest queued one has waited {@code maxDelay}
 * (and on {@link #flush()}/{@link #close()}). A failed call is retried, only for the entries the
 * writer reports as not applied (JSR-107 partial success), after an exponential backoff
 * ({@code initialBackoff}, doubling, capped at {@code maxBackoff}), up to {@code maxAttempts}
 * attempts; the last attempt (if it is not the first) writes the remaining entries one at a time
 * with {@link CacheWriter#write}/{@link CacheWriter#delete}, so that one entry the store of record
 * rejects for good does not take the others of its batch down with it. Entries that still fail go
 * to the {@link DeadLetterHandler}; a value given up is also
 * removed from the cache (if the cache still holds it), so that reads fall back to the store of
 * record instead of serving a value it never received.
 *
 * <p><b>Full queue.</b> {@link FullQueuePolicy#BLOCK} waits for space, {@link FullQueuePolicy#FAIL}
 * throws {@link WriteBehindQueueFullException} leaving cache and queue unchanged, and
 * {@link FullQueuePolicy#WRITE_INLINE} writes to the store of record on the caller's thread (like
 * write-through) unless the key has an older write still pending, in which case it blocks, so the
 * older one cannot overwrite it later. The queue's capacity is rounded up to a power of two.
 *
 * <p><b>Reads</b> ({@link #get}) see the caller's own writes: the cache first, then the newest
 * pending operation of the key (a value written but evicted from the cache before it reached the
 * database is returned from the slot; a pending delete reads as absent), then the loader.
 *
 * <h2>What is lost if the process dies</h2>
 * A write is durable only once the writer has committed it to the store of record. If the JVM
 * dies (crash, {@code kill -9}, power loss, or exit without {@link #close()}), lost are:
 * <ul>
 *   <li>every operation still in the queue: up to {@code queueCapacity} keys, each with its newest
 *   value or delete (older, coalesced values of those keys were never going to be written);</li>
 *   <li>the batch being written or waiting for a retry (up to {@code batchSize} keys), unless the
 *   writer committed it before the crash; if it committed only part of it, that part is kept;</li>
 *   <li>{@link FullQueuePolicy#WRITE_INLINE} writes are not lost: they returned only after the writer
 *   had applied them.</li>
 * </ul>
 * Every {@code put}/{@code remove} that returned is in one of these states, so the amount at risk is
 * bounded by the queue capacity plus one batch and in time by {@code maxDelay} plus the retry
 * schedule while the store of record is healthy. A lost write is lost silently: nothing on disk
 * records it. Writes given up after the last retry are not lost silently: they are handed to the
 * dead-letter handler. After {@link #flush()} returns, every write that returned before it was
 * called is in the store of record or with the dead-letter handler; {@link #close()} does the same
 * for every write and then stops the thread.
 *
 * @param <K> key type; its {@code equals}/{@code hashCode} identify a key for coalescing
 * @param <V> value type
 */
public final class WriteBehindCache<K, V> implements AutoCloseable {

    /** What a writer does when the write-behind queue is full. */
    public enum FullQueuePolicy {
        /** Wait until the write-behind thread has made room. */
        BLOCK,
        /** Throw {@link WriteBehindQueueFullException}; the cache is unchanged. */
        FAIL,
        /** Write to the store of record on the caller's thread, then to the cache. */
        WRITE_INLINE
    }

    private static final System.Logger LOG = System.getLogger(WriteBehindCache.class.getName());
    private static final int STRIPES = 1024;
    private static final long BLOCKED_WRITER_PARK_NANOS = 100_000;

    private final LoadingCache<K, V> loading;
    private final boolean readThrough;
    private final CacheWriter<K, V> writer;
    private final int batchSize;
    private final long maxDelayNanos;
    private final FullQueuePolicy policy;
    private final int maxAttempts;
    private final long initialBackoffNanos;
    private final long maxBackoffNanos;
    private final DeadLetterHandler<K, V> deadLetters;

    private final MpscArrayQueue<Slot<K, V>> queue;
    private final ConcurrentHashMap<K, Slot<K, V>> latest = new ConcurrentHashMap<>();
    private final KeyLocks locks = new KeyLocks(STRIPES);
    private final Thread flusher;

    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean closed;
    private volatile boolean stopped;
    private final AtomicLong flushRequested = new AtomicLong();
    private volatile long flushDone;
    private final Object flushMonitor = new Object();

    private final LongAdder enqueued = new LongAdder();
    private final LongAdder coalesced = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder inlineWrites = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder written = new LongAdder();
    private final LongAdder deleted = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();

    private WriteBehindCache(final Builder<K, V> builder) {
        this.writer = builder.writer;
        this.readThrough = builder.loader != null;
        final CacheLoader<K, V> userLoader = builder.loader;
        this.loading = LoadingCache.builder(builder.cache).loader(key -> {
            final Slot<K, V> slot = latest.get(key);
            if (slot != null) {
                final Object[] op = slot.read();
                return op[0] == Boolean.TRUE ? null : cast(op[1]);
            }
            return userLoader == null ? null : userLoader.load(key);
        }).build();
        this.batchSize = builder.batchSize;
        this.maxDelayNanos = builder.maxDelay.toNanos();
        this.policy = builder.policy;
        this.maxAttempts = builder.maxAttempts;
        this.initialBackoffNanos = builder.initialBackoff.toNanos();
        this.maxBackoffNanos = builder.maxBackoff.toNanos();
        this.deadLetters = builder.deadLetters;
        this.queue = new MpscArrayQueue<>(builder.queueCapacity);
        this.flusher = new Thread(this::runFlusher, "larder-write-behind-" + builder.cache.name());
        this.flusher.setDaemon(true);
        this.flusher.start();
    }

    /**
     * Starts configuring a write-behind cache.
     *
     * @param cache  the cache that takes writes at once
     * @param writer writes batches to the store of record
     * @param <K>    key type
     * @param <V>    value type
     * @return a builder: batches of 100 or after 500 ms, queue of 16,384, block when full, 5
     *         attempts with backoff from 10 ms to 1 s, dead letters logged
     * @throws NullPointerException if an argument is {@code null}
     */
    public static <K, V> Builder<K, V> builder(final Cache<K, V> cache, final CacheWriter<K, V> writer) {
        return new Builder<>(Objects.requireNonNull(cache, "cache must not be null"),
            Objects.requireNonNull(writer, "writer must not be null"));
    }

    @SuppressWarnings("unchecked")
    private static <V> V cast(final Object value) {
        return (V) value;
    }

    /** @return the underlying cache */
    public Cache<K, V> cache() {
        return loading.cache();
    }

    /** @return the queue's capacity (the configured one rounded up to a power of two) */
    public int queueCapacity() {
        return queue.capacity();
    }

    /**
     * Reads the cache, then the key's pending write, then (if configured) the loader.
     *
     * @param key the key
     * @return the value, or {@code null}
     * @throws NullPointerException if {@code key} is {@code null}
     * @throws CacheLoaderException if loading failed
     */
    public V get(final K key) {
        if (readThrough) {
            return loading.get(key);
        }
        final V cached = loading.getIfPresent(key);
        if (cached != null) {
            return cached;
        }
        final Slot<K, V> slot = latest.get(key);
        if (slot == null) {
            return null;
        }
        final Object[] op = slot.read();
        return op[0] == Boolean.TRUE ? null : cast(op[1]);
    }

    /**
     * Puts {@code value} in the cache and queues its write to the store of record.
     *
     * @param key   the key
     * @param value the value
     * @throws NullPointerException            if an argument is {@code null}
     * @throws IllegalStateException           if this write-behind cache is closed
     * @throws WriteBehindQueueFullException   if the queue is full and the policy is {@code FAIL}
     * @throws CacheWriterException            if the queue is full, the policy is {@code WRITE_INLINE}
     *                                         and the inline write failed (the cache is unchanged)
     */
    public void put(final K key, final V value) {
        submit(Objects.requireNonNull(key, "key must not be null"), Objects.requireNonNull(value, "value must not be null"), false);
    }

    /**
     * {@link #put} for each entry (not atomic as a whole).
     *
     * @param entries the entries
     * @throws NullPointerException if {@code entries} or a key or value in it is {@code null}
     */
    public void putAll(final Map<? extends K, ? extends V> entries) {
        Objects.requireNonNull(entries, "entries must not be null");
        for (final Map.Entry<? extends K, ? extends V> entry : entries.entrySet()) {
            put(entry.getKey(), entry.getValue());
        }
    }

    /**
     * Removes {@code key} from the cache and queues its delete in the store of record.
     *
     * @param key the key
     * @throws NullPointerException          if {@code key} is {@code null}
     * @throws IllegalStateException         if this write-behind cache is closed
     * @throws WriteBehindQueueFullException if the queue is full and the policy is {@code FAIL}
     * @throws CacheWriterException          if an inline delete failed (the cache is unchanged)
     */
    public void remove(final K key) {
        submit(Objects.requireNonNull(key, "key must not be null"), null, true);
    }

    /**
     * {@link #remove} for each key.
     *
     * @param keys the keys
     * @throws NullPointerException if {@code keys} or one of them is {@code null}
     */
    public void removeAll(final Set<? extends K> keys) {
        Objects.requireNonNull(keys, "keys must not be null");
        for (final K key : keys) {
            remove(key);
        }
    }

    /**
     * Waits until every write that returned before this call is in the store of record or was
     * given to the dead-letter handler. Returns at once after {@link #close()}.
     *
     * @throws IllegalStateException if called from the write-behind thread (a dead-letter handler)
     * @throws LarderException       if interrupted while waiting (the interrupt flag is set again)
     */
    public void flush() {
        if (Thread.currentThread() == flusher) {
            throw new IllegalStateException("flush() called on the write-behind thread of cache '"
                + cache().name() + "' (from a dead-letter handler or writer): it would wait for itself");
        }
        if (stopped) {
            return;
        }
        final long generation = flushRequested.incrementAndGet();
        LockSupport.unpark(flusher);
        synchronized (flushMonitor) {
            while (flushDone < generation && flusher.isAlive()) {
                try {
                    flushMonitor.wait(100);
                } catch (final InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new LarderException("interrupted while flushing write-behind cache '" + cache().name() + "'", e);
                }
            }
        }
    }

    /** @return a snapshot of the counters and the current queue depth */
    public WriteBehindStats stats() {
        return new WriteBehindStats(queue.size(), latest.size(), enqueued.sum(), coalesced.sum(), batches.sum(),
            written.sum(), deleted.sum(), retries.sum(), failures.sum(), deadLettered.sum(), rejected.sum(),
            inlineWrites.sum());
    }

    /**
     * Refuses further writes, writes everything queued (with retries; what still fails goes to the
     * dead-letter handler), and stops the write-behind thread. Idempotent. The cache stays open.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        closed = true;
        locks.barrier();
        flush();
        stopped = true;
        LockSupport.unpark(flusher);
        try {
            flusher.join();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        loading.close();
    }

    // -------------------------------------------------------------------------------------- writers

    private void submit(final K key, final V value, final boolean delete) {
        checkOpen();
        final ReentrantLock lock = locks.lockFor(key);
        lock.lock();
        try {
            checkOpen();
            final Slot<K, V> current = latest.get(key);
            if (current != null && current.tryUpdate(delete, value)) {
                coalesced.increment();
                applyToCache(key, value, delete);
                return;
            }
            final Slot<K, V> slot = new Slot<>(key, delete, value, System.nanoTime());
            if (!queue.offer(slot)) {
                if (policy == FullQueuePolicy.FAIL) {
                    rejected.increment();
                    throw new WriteBehindQueueFullException("write-behind queue of cache '" + cache().name()
                        + "' is full (" + queue.capacity() + " operations); the write of key " + key + " was refused");
                }
                if (policy == FullQueuePolicy.WRITE_INLINE && current == null) {
                    writeInline(key, value, delete);
                    applyToCache(key, value, delete);
                    return;
                }
                blockUntilQueued(slot);
            }
            enqueued.increment();
            latest.put(key, slot);
            if (slot.isDone()) {
                // The write-behind thread already wrote it, before we published it.
                latest.remove(key, slot);
            }
            applyToCache(key, value, delete);
            if (queue.size() >= batchSize) {
                LockSupport.unpark(flusher);
            }
        } finally {
            lock.unlock();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("write-behind cache '" + cache().name() + "' is closed");
        }
    }

    private void applyToCache(final K key, final V value, final boolean delete) {
        if (delete) {
            loading.invalidate(key);
        } else {
            loading.put(key, value);
        }
    }

    private void blockUntilQueued(final Slot<K, V> slot) {
        while (!queue.offer(slot)) {
            if (stopped || !flusher.isAlive()) {
                throw new IllegalStateException("write-behind cache '" + cache().name() + "' stopped while a writer waited for queue space");
            }
            LockSupport.unpark(flusher);
            LockSupport.parkNanos(this, BLOCKED_WRITER_PARK_NANOS);
        }
    }

    private void writeInline(final K key, final V value, final boolean delete) {
        try {
            if (delete) {
                writer.delete(key);
            } else {
                writer.write(key, value);
            }
        } catch (final Exception e) {
            failures.increment();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new CacheWriterException("inline " + (delete ? "delete" : "write") + " of key " + key + " of cache '"
                + cache().name() + "' (queue full) failed; the cache was not changed: " + e, e);
        }
        inlineWrites.increment();
        if (delete) {
            deleted.increment();
        } else {
            written.increment();
        }
    }

    // -------------------------------------------------------------------------- write-behind thread

    private void runFlusher() {
        while (true) {
            try {
                final long requested = flushRequested.get();
                if (requested > flushDone) {
                    int remaining = queue.size();
                    while (remaining > 0) {
                        final int taken = writeBatch();
                        if (taken == 0) {
                            break;
                        }
                        remaining -= taken;
                    }
                    flushDone = requested;
                    synchronized (flushMonitor) {
                        flushMonitor.notifyAll();
                    }
                    continue;
                }
                if (stopped) {
                    while (writeBatch() > 0) {
                        // Nothing can be queued after close's barrier; this only empties the queue.
                    }
                    return;
                }
                final Slot<K, V> head = queue.peek();
                if (head == null) {
                    LockSupport.parkNanos(this, maxDelayNanos);
                    continue;
                }
                final long waited = System.nanoTime() - head.enqueuedNanos;
                if (queue.size() >= batchSize || waited >= maxDelayNanos) {
                    writeBatch();
                } else {
                    LockSupport.parkNanos(this, maxDelayNanos - waited);
                }
            } catch (final Throwable t) {
                LOG.log(System.Logger.Level.ERROR, "write-behind thread of cache '" + cache().name()
                    + "' caught an unexpected exception; it keeps running", t);
            }
        }
    }

    /** Takes up to {@code batchSize} slots and writes them, retrying; returns how many it took. */
    private int writeBatch() {
        final List<Slot<K, V>> slots = new ArrayList<>(Math.min(batchSize, Math.max(1, queue.size())));
        while (slots.size() < batchSize) {
            final Slot<K, V> slot = queue.poll();
            if (slot == null) {
                break;
            }
            slot.claim();
            slots.add(slot);
        }
        if (slots.isEmpty()) {
            return 0;
        }
        try {
            writeNewest(slots);
        } finally {
            for (final Slot<K, V> slot : slots) {
                slot.markDone();
                latest.remove(slot.key, slot);
            }
        }
        return slots.size();
    }

    private void writeNewest(final List<Slot<K, V>> slots) {
        final Map<K, Slot<K, V>> newest = new LinkedHashMap<>();
        for (final Slot<K, V> slot : slots) {
            newest.put(slot.key, slot);
        }
        final List<Map.Entry<K, V>> writes = new ArrayList<>();
        final List<K> deletes = new ArrayList<>();
        for (final Slot<K, V> slot : newest.values()) {
            if (slot.delete) {
                deletes.add(slot.key);
            } else {
                writes.add(new AbstractMap.SimpleImmutableEntry<>(slot.key, slot.value));
            }
        }
        batches.increment();
        long backoff = initialBackoffNanos;
        Throwable lastFailure = null;
        int attempt = 0;
        while ((!writes.isEmpty() || !deletes.isEmpty()) && attempt < maxAttempts) {
            if (attempt > 0) {
                retries.increment();
                sleep(backoff);
                backoff = Math.min(maxBackoffNanos, backoff * 2);
            }
            attempt++;
            if (attempt == maxAttempts && attempt > 1 && writes.size() + deletes.size() > 1) {
                // Last chance: one entry at a time, so that one bad entry does not take the
                // innocent ones of its batch to the dead letters with it.
                writeOneByOne(writes, deletes, attempt);
                break;
            }
            try {
                if (!writes.isEmpty()) {
                    final int before = writes.size();
                    final Set<Map.Entry<K, V>> sent = Collections.newSetFromMap(new IdentityHashMap<>());
                    sent.addAll(writes);
                    try {
                        writer.writeAll(writes);
                    } catch (final Throwable t) {
                        retainSent(writes, sent);
                        written.add(before - writes.size());
                        throw t;
                    }
                    written.add(before);
                    writes.clear();
                }
                if (!deletes.isEmpty()) {
                    final int before = deletes.size();
                    final List<K> sent = new ArrayList<>(deletes);
                    try {
                        writer.deleteAll(deletes);
                    } catch (final Throwable t) {
                        deletes.retainAll(sent);
                        deleted.add(before - deletes.size());
                        throw t;
                    }
                    deleted.add(before);
                    deletes.clear();
                }
            } catch (final Throwable t) {
                failures.increment();
                lastFailure = t;
            }
        }
        for (final Map.Entry<K, V> entry : writes) {
            giveUpWrite(entry.getKey(), entry.getValue(), attempt, lastFailure);
        }
        for (final K key : deletes) {
            giveUp(new FailedWrite<>(key, null, true, attempt, lastFailure));
        }
    }

    private void writeOneByOne(final List<Map.Entry<K, V>> writes, final List<K> deletes, final int attempt) {
        for (final Map.Entry<K, V> entry : writes) {
            try {
                writer.write(entry.getKey(), entry.getValue());
                written.increment();
            } catch (final Throwable t) {
                failures.increment();
                giveUpWrite(entry.getKey(), entry.getValue(), attempt, t);
            }
        }
        writes.clear();
        for (final K key : deletes) {
            try {
                writer.delete(key);
                deleted.increment();
            } catch (final Throwable t) {
                failures.increment();
                giveUp(new FailedWrite<>(key, null, true, attempt, t));
            }
        }
        deletes.clear();
    }

    private void giveUpWrite(final K key, final V value, final int attempt, final Throwable failure) {
        giveUp(new FailedWrite<>(key, value, false, attempt, failure));
        // The store of record never got it: do not keep serving it from the cache.
        cache().remove(key, value);
    }

    private static <E> void retainSent(final List<E> writes, final Set<E> sent) {
        writes.removeIf(e -> !sent.contains(e));
    }

    private void giveUp(final FailedWrite<K, V> failed) {
        deadLettered.increment();
        try {
            deadLetters.onDeadLetter(failed);
        } catch (final RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "dead-letter handler of write-behind cache '" + cache().name()
                + "' threw; the write of key " + failed.key() + " is lost", e);
        }
    }

    private static void sleep(final long nanos) {
        final long deadline = System.nanoTime() + nanos;
        long left = nanos;
        while (left > 0) {
            LockSupport.parkNanos(left);
            left = deadline - System.nanoTime();
        }
    }

    /** A key's newest unwritten operation; mutable until the write-behind thread claims it. */
    private static final class Slot<K, V> {
        final K key;
        final long enqueuedNanos;
        boolean delete;
        V value;
        private boolean claimed;
        private volatile boolean done;

        Slot(final K key, final boolean delete, final V value, final long enqueuedNanos) {
            this.key = key;
            this.delete = delete;
            this.value = value;
            this.enqueuedNanos = enqueuedNanos;
        }

        synchronized boolean tryUpdate(final boolean newDelete, final V newValue) {
            if (claimed) {
                return false;
            }
            delete = newDelete;
            value = newValue;
            return true;
        }

        synchronized void claim() {
            claimed = true;
        }

        synchronized Object[] read() {
            return new Object[] {delete, value};
        }

        void markDone() {
            done = true;
        }

        boolean isDone() {
            return done;
        }
    }

    /**
     * Configures a {@link WriteBehindCache}. Not thread-safe; build once.
     *
     * @param <K> key type
     * @param <V> value type
     */
    public static final class Builder<K, V> {
        private final Cache<K, V> cache;
        private final CacheWriter<K, V> writer;
        private CacheLoader<K, V> loader;
        private int batchSize = 100;
        private Duration maxDelay = Duration.ofMillis(500);
        private int queueCapacity = 16_384;
        private FullQueuePolicy policy = FullQueuePolicy.BLOCK;
        private int maxAttempts = 5;
        private Duration initialBackoff = Duration.ofMillis(10);
        private Duration maxBackoff = Duration.ofSeconds(1);
        private DeadLetterHandler<K, V> deadLetters = failed -> LOG.log(System.Logger.Level.ERROR,
            "write-behind gave up " + (failed.delete() ? "deleting" : "writing") + " key " + failed.key()
                + " after " + failed.attempts() + " attempts", failed.failure());

        private Builder(final Cache<K, V> cache, final CacheWriter<K, V> writer) {
            this.cache = cache;
            this.writer = writer;
        }

        /**
         * @param loader reads keys that are neither cached nor pending (read-through)
         * @return this builder
         * @throws NullPointerException if {@code loader} is {@code null}
         */
        public Builder<K, V> loader(final CacheLoader<K, V> loader) {
            this.loader = Objects.requireNonNull(loader, "loader must not be null");
            return this;
        }

        /**
         * @param size the most operations per batch, and the queue depth that starts a batch; positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder<K, V> batchSize(final int size) {
            if (size <= 0) {
                throw new IllegalArgumentException("batchSize must be positive, was " + size);
            }
            this.batchSize = size;
            return this;
        }

        /**
         * @param delay the longest an operation waits in the queue before its batch is written
         *              (while the store of record is healthy); positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder<K, V> maxDelay(final Duration delay) {
            this.maxDelay = positive(delay, "maxDelay");
            return this;
        }

        /**
         * @param capacity the most queued keys; at least 2, rounded up to a power of two
         * @return this builder
         * @throws IllegalArgumentException if below 2 or above 2^30
         */
        public Builder<K, V> queueCapacity(final int capacity) {
            if (capacity < 2 || capacity > (1 << 30)) {
                throw new IllegalArgumentException("queueCapacity must be between 2 and 2^30, was " + capacity);
            }
            this.queueCapacity = capacity;
            return this;
        }

        /**
         * @param whenFull what a writer does when the queue is full
         * @return this builder
         * @throws NullPointerException if {@code whenFull} is {@code null}
         */
        public Builder<K, V> whenFull(final FullQueuePolicy whenFull) {
            this.policy = Objects.requireNonNull(whenFull, "whenFull must not be null");
            return this;
        }

        /**
         * @param attempts how many times a batch is tried before its failing entries are given up; positive
         * @return this builder
         * @throws IllegalArgumentException if not positive
         */
        public Builder<K, V> maxAttempts(final int attempts) {
            if (attempts <= 0) {
                throw new IllegalArgumentException("maxAttempts must be positive, was " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * @param initial wait before the first retry; positive
         * @param max     longest wait between retries (the wait doubles up to it); at least {@code initial}
         * @return this builder
         * @throws IllegalArgumentException if not positive or {@code max < initial}
         */
        public Builder<K, V> backoff(final Duration initial, final Duration max) {
            positive(initial, "initial backoff");
            positive(max, "max backoff");
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max backoff (" + max + ") must not be below the initial backoff (" + initial + ")");
            }
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /**
         * @param handler receives the operations given up after the last attempt
         * @return this builder
         * @throws NullPointerException if {@code handler} is {@code null}
         */
        public Builder<K, V> deadLetterHandler(final DeadLetterHandler<K, V> handler) {
            this.deadLetters = Objects.requireNonNull(handler, "handler must not be null");
            return this;
        }

        /** @return the write-behind cache, with its thread started */
        public WriteBehindCache<K, V> build() {
            return new WriteBehindCache<>(this);
        }

        private static Duration positive(final Duration duration, final String what) {
            Objects.requireNonNull(duration, what + " must not be null");
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + duration);
            }
            return duration;
        }
    }
}
