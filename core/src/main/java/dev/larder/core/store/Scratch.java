package dev.larder.core.store;

import org.agrona.ExpandableArrayBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Per-thread working memory, so that the hot paths allocate nothing: the encoded key and value
 * and a read-only view handed to codecs and readers.
 *
 * <p>Frames form a small per-thread stack, because a reader callback or a compute function may
 * itself call the cache: each operation {@link #acquire()}s a frame and {@link #release()}s it in
 * a {@code finally}.
 *
 * <p>The frames object also carries the thread's state in {@link Quiescence} (how deeply it is
 * inside store operations, and its counter stripe), so that entering and leaving an operation
 * costs no second thread-local lookup: under a random-access workload the thread-local map's
 * lines are often evicted from the CPU caches, and each lookup is a chain of dependent misses.
 */
public final class Scratch {
    private static final ThreadLocal<Frames> LOCAL = ThreadLocal.withInitial(Frames::new);

    /** The encoded key of the current operation. */
    public final ExpandableArrayBuffer key = new ExpandableArrayBuffer(64);
    /** The encoded value of the current operation. */
    public final ExpandableArrayBuffer value = new ExpandableArrayBuffer(128);
    /** A second value buffer (e.g. the expected value of {@code replace(k, old, new)}). */
    public final ExpandableArrayBuffer other = new ExpandableArrayBuffer(64);
    final ExpandableArrayBuffer keyCopy = new ExpandableArrayBuffer(64);
    /** A read-only window on native memory for codecs and readers. */
    public final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    /** The deadline (absolute ms, 0 for none) of the entry the last successful read saw. */
    public long deadline;
    /** The length of the key a lookup uses (see the cache's key preparation for reads). */
    public int keyLength;
    /** The length of the value a put stores (see the cache's value preparation for puts). */
    public int valueLength;
    private final Frames owner;

    private Scratch(final Frames owner) {
        this.owner = owner;
    }

    /** @return a free frame of this thread's stack */
    public static Scratch acquire() {
        final Frames frames = LOCAL.get();
        final int depth = frames.depth;
        if (depth == frames.stack.length) {
            frames.grow();
        }
        frames.depth = depth + 1;
        return frames.stack[depth];
    }

    /** Returns this frame (the most recently acquired one). */
    public void release() {
        owner.depth--;
    }

    /** @return the per-thread state this frame belongs to */
    Frames frames() {
        return owner;
    }

    /** @return the calling thread's per-thread state (one thread-local lookup) */
    static Frames current() {
        return LOCAL.get();
    }

    /** A thread's frames and its {@link Quiescence} state. */
    static final class Frames {
        Scratch[] stack = new Scratch[0];
        int depth;
        /** How many store operations this thread is inside (they nest through callbacks). */
        int inside;
        /** Key hashes of this thread's recent reads, not yet given to the policy (see Store#touch). */
        final long[] accessHashes = new long[Store.ACCESS_BATCH];
        /** How many of {@link #accessHashes} are pending. */
        int accessCount;
        /**
         * The {@link Store#id} of the store whose reads {@link #accessHashes} holds: a thread that
         * reads several stores must not give one store's reads to another's policy. An id rather than
         * a reference, so that a thread does not keep a closed store's policy reachable.
         */
        long accessOwner;
        /** Reads left before this thread reads the clock again (see Store#readTime). */
        int clockCountdown;
        /** This thread's counter stripe in {@link Quiescence}. */
        final int stripe = (int) (Thread.currentThread().getId() & (Quiescence.STRIPES - 1));

        Frames() {
            grow();
        }

        void grow() {
            final Scratch[] next = java.util.Arrays.copyOf(stack, stack.length + 4);
            for (int i = stack.length; i < next.length; i++) {
                next[i] = new Scratch(this);
            }
            stack = next;
        }
    }
}
