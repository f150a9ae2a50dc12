package dev.larder.spring;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Runs a task at most once at a time per key: the first caller for a key (the leader) runs it,
 * callers with an equal key that arrive while it runs wait for and share its outcome.
 *
 * <p>Kept inside this module until the strategies module offers single-flight loading; it is
 * deliberately small: no timeout (a waiter waits as long as the leader's task runs, as
 * Caffeine's {@code get(key, mappingFunction)} does), and a recursive call for the same key on
 * the leader's own thread fails at once instead of deadlocking.
 */
final class SingleFlight {

    private final ConcurrentHashMap<Object, Flight> flights = new ConcurrentHashMap<>();

    /** One task in progress. */
    private static final class Flight {
        final Thread leader = Thread.currentThread();
        final CompletableFuture<Object> outcome = new CompletableFuture<>();
    }

    /**
     * @param key  the key; equal keys share one run
     * @param task what the leader runs
     * @return the task's result (the same object for the leader and every waiter)
     * @throws Exception             what the task threw, to the leader and to every waiter
     * @throws IllegalStateException if the leader's task calls back in with the same key
     */
    Object run(final Object key, final Callable<Object> task) throws Exception {
        final Flight mine = new Flight();
        final Flight running = flights.putIfAbsent(key, mine);
        if (running != null) {
            if (running.leader == Thread.currentThread()) {
                throw new IllegalStateException("recursive load of key " + key
                    + ": the value loader of this key asked for the same key on the same thread");
            }
            return await(running);
        }
        try {
            final Object result = task.call();
            flights.remove(key, mine);
            mine.outcome.complete(result);
            return result;
        } catch (final Throwable t) {
            flights.remove(key, mine);
            mine.outcome.completeExceptionally(t);
            throw t;
        }
    }

    /** @return how many keys have a task in progress (for tests and diagnostics) */
    int inFlight() {
        return flights.size();
    }

    private static Object await(final Flight flight) throws Exception {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return flight.outcome.get();
                } catch (final InterruptedException e) {
                    // Keep waiting: the leader is storing a value the caller asked for; restore the flag after.
                    interrupted = true;
                } catch (final ExecutionException e) {
                    final Throwable cause = e.getCause();
                    if (cause instanceof Exception ex) {
                        throw ex;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
