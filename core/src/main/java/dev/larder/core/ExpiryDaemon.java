package dev.larder.core;

import dev.larder.core.store.Store;
import java.time.Duration;

/**
 * Active expiry: a daemon thread that walks the index a slice at a time and reclaims expired
 * entries nobody reads, as Redis's {@code activeExpireCycle}.
 *
 * <p>Each step scans {@link #SLOTS_PER_STEP} index slots; if more than a quarter of the entries
 * it looked at had expired it runs another step at once (Redis's "repeat while more than 25%
 * expired" rule). With the default 100 ms pause the whole index is covered at least every
 * {@code capacity / 65,536 x 100 ms}: about 3.2 s for a 2-million-slot index. That is the bound on
 * how long the memory of an unread expired entry stays held.
 */
final class ExpiryDaemon extends Thread {
    /** Slots scanned per step: enough to cover a 2M-slot index in 32 steps. */
    static final int SLOTS_PER_STEP = 65_536;
    /** Extra steps allowed in one wake-up when much is expiring. */
    static final int MAX_BURST = 16;

    private final Store store;
    private final long pauseNanos;
    private volatile boolean running = true;

    ExpiryDaemon(final Larder larder, final Duration pause) {
        super("larder-expiry");
        setDaemon(true);
        this.store = larder.store();
        this.pauseNanos = pause.toNanos();
    }

    @Override
    public void run() {
        while (running) {
            try {
                for (int burst = 0; burst < MAX_BURST && running; burst++) {
                    final int reclaimed = store.expireStep(SLOTS_PER_STEP);
                    if (reclaimed * 4L < Math.min(SLOTS_PER_STEP, store.indexCapacity()) / 4) {
                        break;
                    }
                }
            } catch (final IllegalStateException closed) {
                return;
            } catch (final RuntimeException e) {
                // keep the daemon alive; the next step retries
            }
            java.util.concurrent.locks.LockSupport.parkNanos(this, pauseNanos);
        }
    }

    void shutdown() {
        running = false;
        java.util.concurrent.locks.LockSupport.unpark(this);
        try {
            join(10_000);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
