package dev.larder.examples;

import dev.larder.core.Cache;
import dev.larder.core.CacheStats;
import dev.larder.core.Codecs;
import dev.larder.core.Larder;
import java.time.Duration;
import java.util.Locale;

/**
 * The README's quick start as a program: one Larder, a {@code users} cache, per-entry TTL,
 * a zero-copy read, statistics and memory use.
 *
 * <p>Run it with {@code mvn -B -q install -DskipTests && mvn -B -q -pl examples exec:exec}
 * (the exec configuration adds the JVM flag Larder needs).
 */
public final class QuickStartDemo {

    /** Long enough to see the entry, short enough that the demo does not wait long for it to expire. */
    private static final Duration SHORT_TTL = Duration.ofMillis(100);

    private QuickStartDemo() {
    }

    /**
     * @param args ignored
     * @throws InterruptedException if interrupted while waiting for an entry to expire
     */
    public static void main(final String[] args) throws InterruptedException {
        try (Larder larder = Larder.builder().maxMemory(256L << 20).build()) {
            final Cache<String, String> users = larder.cache("users", Codecs.utf8(), Codecs.utf8());

            users.put("u:1", "Ada Lovelace");                               // no expiry
            users.put("u:2", "Grace Hopper", Duration.ofSeconds(30));       // expires in 30 s
            users.put("u:3", "Edsger Dijkstra", SHORT_TTL);                 // expires in 100 ms

            System.out.println("get u:1           -> " + users.get("u:1"));
            System.out.println("get u:2           -> " + users.get("u:2")
                + " (ttl about " + Math.round(users.ttl("u:2").toMillis() / 1000.0) + " s)");
            System.out.println("get u:404         -> " + users.get("u:404"));

            Thread.sleep(SHORT_TTL.toMillis() * 3);
            System.out.println("get u:3 after ttl -> " + users.get("u:3") + " (expired entries are never returned)");

            // Zero-copy: the reader sees the value's bytes in native memory; nothing is copied to the heap.
            final Integer length = users.read("u:1", (buffer, offset, bytes) -> bytes);
            final Boolean startsWithA = users.read("u:1", (buffer, offset, bytes) -> bytes > 0 && buffer.getByte(offset) == 'A');
            System.out.println("zero-copy u:1     -> " + length + " bytes, starts with 'A': " + startsWithA);

            final CacheStats stats = users.stats();
            System.out.printf(Locale.ROOT, "stats             -> hits=%d misses=%d puts=%d hitRatio=%.2f%n",
                stats.hits(), stats.misses(), stats.puts(), stats.hitRatio());
            System.out.printf(Locale.ROOT, "memory            -> %,d of %,d bytes used (off heap)%n",
                larder.memoryUsed(), larder.memoryLimit());
            // On Linux, large regions ask for 2 MiB pages (Larder.builder().hugePages(false) turns it off).
            System.out.println("huge pages        -> " + (larder.hugePagesAdvised() ? "advised" : "not in use"));
        }
        System.out.println("closed            -> all native memory returned");
    }
}
