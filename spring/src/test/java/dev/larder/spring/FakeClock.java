package dev.larder.spring;

import dev.larder.core.LarderClock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link LarderClock} that only moves when a test advances it. */
final class FakeClock implements LarderClock {
    private final AtomicLong now = new AtomicLong(1_000_000L);

    @Override
    public long millis() {
        return now.get();
    }

    void advance(final Duration d) {
        now.addAndGet(d.toMillis());
    }
}
