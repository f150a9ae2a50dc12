package dev.larder.jmh;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A diagnostic, not a JMH benchmark: single-threaded CPU time per operation (thread CPU time from
 * {@link ThreadMXBean}, so it is far less sensitive than wall-clock throughput to other processes
 * on a shared machine), for the same workload as the JMH benchmarks, one child JVM per store.
 *
 * <p>Per store: prefill {@code entries}, then for get, 75/25 mix and put: 3 warm-up rounds and 5
 * measured rounds of 2,000,000 operations each over a precomputed Zipfian sequence; prints the
 * median CPU ns/op and the median wall ns/op.
 *
 * <p>Usage: {@code java -cp jmh/target/benchmarks.jar dev.larder.jmh.CpuCost [store ...]}
 */
public final class CpuCost {
    private static final List<String> ALL = List.of(Stores.LARDER, Stores.LARDER_ZERO_COPY, Stores.CAFFEINE,
        Stores.CHM, Stores.OHC, Stores.CHRONICLE, Stores.EHCACHE);
    private static final String RESULT = "CPUCOST-RESULT";
    private static final int OPS = 2_000_000;
    private static final int WARMUP = 3;
    private static final int ROUNDS = 5;

    private CpuCost() {
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
        final List<String> stores = args.length == 0 ? ALL : Arrays.asList(args);
        final List<String> rows = new ArrayList<>();
        for (final String store : stores) {
            final List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(Arrays.asList(Jvm.ALL));
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(CpuCost.class.getName());
            cmd.add("--child");
            cmd.add(store);
            cmd.add(Integer.toString(entries));
            final Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    System.out.println("  " + line);
                    if (line.startsWith(RESULT + "\t")) {
                        rows.add(line.substring(RESULT.length() + 1));
                    }
                }
            }
            if (p.waitFor() != 0) {
                throw new IllegalStateException("child for " + store + " failed");
            }
        }
        System.out.printf(Locale.ROOT, "%nSingle-threaded CPU ns/op (median of %d rounds of %,d ops; wall ns/op in brackets), %,d entries%n%n",
            ROUNDS, OPS, entries);
        System.out.println("| store | get | 75/25 mix | put |");
        System.out.println("|---|---:|---:|---:|");
        for (final String r : rows) {
            final String[] f = r.split("\t");
            System.out.printf(Locale.ROOT, "| %s | %s [%s] | %s [%s] | %s [%s] |%n", f[0], f[1], f[2], f[3], f[4], f[5], f[6]);
        }
    }

    private static void child(final String store, final int entries) {
        final Workload w = Workload.get(entries);
        final StoreAdapter s = Stores.create(store, w.keys, entries);
        Stores.prefill(s, w);
        Stores.verifyAllPresent(store, s, w, "after prefill");
        final int[] ids = w.zipfSequence(0x2545F4914F6CDD1DL);
        final boolean[] writes = Workload.writeFlags(~0x2545F4914F6CDD1DL, 0.25);
        final ThreadMXBean tm = ManagementFactory.getThreadMXBean();
        final StringBuilder out = new StringBuilder(store);
        for (final String op : new String[] {"get", "mix", "put"}) {
            final double[] cpu = new double[ROUNDS];
            final double[] wall = new double[ROUNDS];
            final boolean allPuts = op.equals("put");
            final boolean mix = op.equals("mix");
            long misses = 0;
            int pos = 0;
            for (int round = 0; round < WARMUP + ROUNDS; round++) {
                final long c0 = tm.getCurrentThreadCpuTime();
                final long t0 = System.nanoTime();
                for (int i = 0; i < OPS; i++, pos++) {
                    final int p = pos & Workload.SAMPLE_MASK;
                    final int id = ids[p];
                    if (allPuts || mix && writes[p]) {
                        s.put(id, w.values[p & (Workload.VALUE_VARIANTS - 1)]);
                    } else if (s.get(id) == null) {
                        misses++;
                    }
                }
                final long t1 = System.nanoTime();
                final long c1 = tm.getCurrentThreadCpuTime();
                if (round >= WARMUP) {
                    cpu[round - WARMUP] = (c1 - c0) / (double) OPS;
                    wall[round - WARMUP] = (t1 - t0) / (double) OPS;
                }
            }
            if (misses != 0) {
                throw new IllegalStateException(store + " " + op + ": " + misses + " misses");
            }
            Arrays.sort(cpu);
            Arrays.sort(wall);
            System.out.printf(Locale.ROOT, "%s %s: cpu ns/op %s, wall ns/op %s%n", store, op, fmt(cpu), fmt(wall));
            out.append('\t').append(String.format(Locale.ROOT, "%.0f", cpu[ROUNDS / 2]))
                .append('\t').append(String.format(Locale.ROOT, "%.0f", wall[ROUNDS / 2]));
        }
        System.out.println(RESULT + "\t" + out);
        s.close();
    }

    private static String fmt(final double[] v) {
        final StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            b.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.0f", v[i]));
        }
        return b.append(']').toString();
    }
}
