package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Opening and closing 1,000 Larders (each with two caches, ~2 MiB of entries and, for half of
 * them, the expiry daemon) returns native memory to where it started.
 *
 * <p>Measured in a child JVM started with {@code -XX:NativeMemoryTracking=summary}: NMT's "Other"
 * category counts exactly the memory obtained with {@code Unsafe.allocateMemory}, which is how
 * Larder gets native memory. All other native memory of the JVM (NMT's total minus the Java heap)
 * and the process's resident set minus the committed Java heap (which RSS also contains) are
 * checked too, to catch native memory obtained any other way;
 * the child first runs as many Larders as it measures, so that memory the JIT compiler and malloc
 * keep for themselves is already in the baseline.
 */
class NativeLeakTest {
    private static final int LARDERS = 1_000;

    @Test
    void openingAndClosingAThousandLardersReturnsNativeMemory() throws Exception {
        final ChildJvm.Outcome o = ChildJvm.run(NativeLeakMain.class, List.of(
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-XX:NativeMemoryTracking=summary", "-Xmx512m"), Integer.toString(LARDERS));
        assertThat(o.exitCode()).as("child exit code; stderr:%n%s", o.stderr()).isZero();
        final Map<String, Long> m = new HashMap<>();
        for (final String line : o.stdout().split("\n")) {
            final String[] kv = line.trim().split("=");
            if (kv.length == 2) {
                m.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        System.out.println("child JVM: " + m);
        assertThat(m).containsKeys("before.other", "after.other", "before.rss", "after.rss");
        assertThat(m.get("before.other")).as("NMT must be on in the child").isNotNegative();

        final long unsafeGrowth = m.get("after.other") - m.get("before.other");
        assertThat(unsafeGrowth).as("Unsafe-allocated memory growth over %,d Larders (bytes)", LARDERS)
            .isLessThan(256L << 10);
        final long nonHeapGrowth = (m.get("after.nmtTotal") - m.get("after.heapCommitted"))
            - (m.get("before.nmtTotal") - m.get("before.heapCommitted"));
        assertThat(nonHeapGrowth).as("JVM native memory other than the heap, growth (bytes)").isLessThan(16L << 20);
        final long rssGrowth = m.get("after.rss") - m.get("before.rss");
        final long heapGrowth = m.get("after.heapCommitted") - m.get("before.heapCommitted");
        assertThat(rssGrowth - heapGrowth).as("RSS growth %,d minus heap growth %,d (bytes)", rssGrowth, heapGrowth)
            .isLessThan(16L << 20);
        assertThat(m.get("after.larderThreads")).as("expiry daemons left running").isEqualTo(m.get("before.larderThreads"));
    }

    private static long larderThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("larder")).count();
    }

    @Test
    void closingStopsTheExpiryDaemon() {
        final long before = larderThreads();
        final Larder[] open = new Larder[20];
        for (int i = 0; i < open.length; i++) {
            open[i] = Larder.builder().maxMemory(1L << 20).expiryInterval(Duration.ofMillis(5)).build();
        }
        assertThat(larderThreads()).isEqualTo(before + open.length);
        for (final Larder l : open) {
            l.close();
        }
        assertThat(larderThreads()).as("daemon threads left after close").isEqualTo(before);
    }

    @Test
    void afterCloseEveryCallThrowsIllegalStateExceptionInsteadOfReportingMemory() {
        final Larder larder = Larder.builder().maxMemory(1L << 20).build();
        final Cache<String, String> cache = larder.cache("c", Codecs.utf8(), Codecs.utf8());
        cache.put("a", "1");
        larder.close();
        final Map<String, Runnable> calls = Map.of(
            "memoryUsed", larder::memoryUsed,
            "stats", larder::stats,
            "cacheNames", larder::cacheNames,
            "runMaintenance", larder::runMaintenance,
            "cache", () -> larder.cache("c", Codecs.utf8(), Codecs.utf8()),
            "get", () -> cache.get("a"),
            "put", () -> cache.put("a", "2"),
            "size", cache::size,
            "iterator", cache::iterator,
            "cache.stats", cache::stats);
        calls.forEach((name, call) -> {
            final Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call::run);
            assertThat(thrown).as(name).isInstanceOf(IllegalStateException.class);
            assertThat(thrown.getMessage()).as(name).contains("closed");
        });
    }
}
