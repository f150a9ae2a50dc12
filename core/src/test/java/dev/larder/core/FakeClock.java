package dev.larder.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link LarderClock} that only moves when a test advances it. */
final class FakeClock implements LarderClock {
    private final AtomicLong now;

    FakeClock() {
        this(1_000_000L);
    }

    FakeClock(final long startMillis) {
        this.now = new AtomicLong(startMillis);
    }

    @Override
    public long millis() {
        return now.get();
    }

    long advance(final long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("a clock never goes back, was asked to move by " + millis);
        }
        return now.addAndGet(millis);
    }

    long advance(final Duration d) {
        return advance(d.toMillis());
    }
}
