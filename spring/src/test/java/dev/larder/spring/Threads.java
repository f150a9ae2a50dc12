package dev.larder.spring;

import java.util.List;

/** Test helper: waits until threads are parked. */
final class Threads {
    private Threads() {
    }

    /** Waits (up to 30 s) until every thread in {@code threads} is WAITING or TIMED_WAITING. */
    static void awaitAllWaiting(final List<Thread> threads) throws InterruptedException {
        final long deadline = System.nanoTime() + 30_000_000_000L;
        while (!threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING
            || t.getState() == Thread.State.TIMED_WAITING)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("threads did not all park: "
                    + threads.stream().map(t -> t.getName() + "=" + t.getState()).toList());
            }
            Thread.sleep(5);
        }
    }
}
