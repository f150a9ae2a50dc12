package dev.larder.jmh;

import dev.larder.jmh.peers.EhcacheStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Bytes per entry, native and heap, for {@code entries} entries (default 1,000,000) of 16-byte
 * keys and 100-byte values, one store per child JVM so that the stores cannot disturb each other.
 *
 * <p>Per store, in a fresh JVM ({@link Jvm#ALL} plus {@code -XX:+AlwaysPreTouch}, so the 2 GiB heap is
 * resident before the baseline and heap growth does not show up as RSS): build and drop a small
 * instance (loads and links the store's classes), full GC, read the baseline (heap used, VmRSS
 * from /proc/self/status), then put every entry with a freshly allocated key and value (as an
 * application would), full GC, read again.
 * <ul>
 *   <li>native B/entry = VmRSS delta / entries; overhead = that minus 116 (key + value bytes);
 *   <li>reported: what the store itself says it holds (Larder.memoryUsed(), OHC memUsed(),
 *       Chronicle offHeapMemoryUsed(), Ehcache off-heap tier occupied bytes), same arithmetic;
 *   <li>heap B/entry = heap-used delta after full GC / entries: everything the store keeps on the
 *       heap, for on-heap stores including the key and value objects themselves.
 * </ul>
 *
 * <p>Usage: {@code java -cp jmh/target/benchmarks.jar dev.larder.jmh.Footprint [store ...]}
 * (system property {@code entries} changes the count).
 */
public final class Footprint {
    private static final List<String> ALL_STORES = List.of(Stores.LARDER, Stores.CHRONICLE, Stores.OHC,
        Stores.EHCACHE, Stores.CAFFEINE, Stores.CHM);
    private static final List<String> ON_HEAP = List.of(Stores.CAFFEINE, Stores.CHM);
    private static final String RESULT = "FOOTPRINT-RESULT";

    private Footprint() {
    }

    /**
     * @param args store names (default: all), or {@code --child STORE ENTRIES} internally
     * @throws Exception if a child fails
     */
    public static void main(final String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("--child")) {
            child(args[1], Integer.parseInt(args[2]));
            return;
        }
        final int entries = Integer.getInteger("entries", 1_000_000);
        final List<String> stores = args.length == 0 ? ALL_STORES : Arrays.asList(args);
        final List<String[]> rows = new ArrayList<>();
        for (final String store : stores) {
            rows.add(runChild(store, entries));
        }
        final int kv = Workload.KEY_SIZE + Workload.VALUE_SIZE;
        System.out.printf(Locale.ROOT, "%nFootprint, %,d entries of %d-byte keys and %d-byte values (%d bytes of data each)%n%n",
            entries, Workload.KEY_SIZE, Workload.VALUE_SIZE, kv);
        System.out.println("| store | kind | native B/entry (VmRSS delta) | native overhead beyond key+value (RSS)"
            + " | store-reported native B/entry | reported overhead beyond key+value | reported by"
            + " | heap B/entry (after full GC) | heap overhead beyond key+value | entries held |");
        System.out.println("|---|---|---:|---:|---:|---:|---|---:|---:|---:|");
        for (final String[] r : rows) {
            final String store = r[0];
            final double n = Long.parseLong(r[1]);
            final double heap = Long.parseLong(r[2]) / n;
            final double rss = Long.parseLong(r[3]) / n;
            final long reported = Long.parseLong(r[4]);
            final long held = Long.parseLong(r[5]);
            final String source = r[6];
            final boolean offHeap = !ON_HEAP.contains(store);
            System.out.printf(Locale.ROOT, "| %s | %s | %.1f | %s | %s | %s | %s | %.1f | %s | %,d |%n",
                store, offHeap ? "off-heap" : "on-heap", rss,
                offHeap ? fmt(rss - kv) : "n/a",
                reported < 0 ? "-" : fmt(reported / n),
                reported < 0 ? "-" : fmt(reported / n - kv),
                source, heap,
                offHeap ? "n/a" : fmt(heap - kv), held);
        }
        System.out.println();
        System.out.println("Overheads subtract " + kv + " bytes (the key and value bytes) per entry. On-heap stores hold"
            + " Java objects: a 16-byte key is a byte[16] (32 B) in a BytesKey wrapper (24 B), a 100-byte value a"
            + " byte[100] (120 B), so their floor is 176 B/entry before any map structure.");
    }

    private static String fmt(final double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String[] runChild(final String store, final int entries) throws IOException, InterruptedException {
        final List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(Arrays.asList(Jvm.ALL));
        cmd.add("-XX:+AlwaysPreTouch");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Footprint.class.getName());
        cmd.add("--child");
        cmd.add(store);
        cmd.add(Integer.toString(entries));
        System.out.println("# " + store + ": " + String.join(" ", cmd));
        final Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String[] result = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                System.out.println("  " + line);
                if (line.startsWith(RESULT + "\t")) {
                    result = line.substring(RESULT.length() + 1).split("\t");
                }
            }
        }
        final int rc = p.waitFor();
        if (rc != 0 || result == null) {
            throw new IllegalStateException("footprint child for " + store + " failed, exit " + rc);
        }
        return result;
    }

    private static void child(final String store, final int entries) throws Exception {
        // Load and link the store's code with a small instance, then drop it.
        try (StoreAdapter warm = Stores.createForFootprint(store, 10_000)) {
            for (int i = 0; i < 10_000; i++) {
                warm.putFresh(Workload.key(-1 - i), Workload.value(i & 7));
            }
        }
        fullGc();
        final long heap0 = heapUsed();
        final long rss0 = rssBytes("VmRSS:");
        final StoreAdapter s = Stores.createForFootprint(store, entries);
        for (int i = 0; i < entries; i++) {
            s.putFresh(Workload.key(i), Workload.value(i & 7));
        }
        fullGc();
        final long heap1 = heapUsed();
        final long rss1 = rssBytes("VmRSS:");
        final long reported = s.reportedNativeBytes();
        final long held = s.size();
        System.out.printf(Locale.ROOT, "heap used %,d -> %,d; VmRSS %,d -> %,d; reported %,d (%s); entries held %,d%n",
            heap0, heap1, rss0, rss1, reported, s.reportedNativeBytesSource(), held);
        if (s instanceof EhcacheStore) {
            System.out.printf(Locale.ROOT, "Ehcache off-heap tier allocated bytes: %,d%n",
                ((EhcacheStore) s).allocatedNativeBytes());
        }
        System.out.println(String.join("\t", RESULT, store, Integer.toString(entries), Long.toString(heap1 - heap0),
            Long.toString(rss1 - rss0), Long.toString(reported), Long.toString(held), s.reportedNativeBytesSource()));
        Reference.reachabilityFence(s);
        s.close();
    }

    private static void fullGc() throws InterruptedException {
        long prev = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(100);
            final long used = heapUsed();
            if (i >= 2 && used >= prev) {
                return;
            }
            prev = used;
        }
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rssBytes(final String field) throws IOException {
        for (final String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]) * 1024;
            }
        }
        throw new IllegalStateException(field + " not in /proc/self/status");
    }
}
