package dev.larder.eviction.simulator;

import dev.larder.core.Larder;
import dev.larder.eviction.EvictionPolicies;
import dev.larder.eviction.EvictionPolicy;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Replays trace files at several capacities and prints, per trace, a markdown table of hit ratios:
 * each policy as a pure policy ({@link PolicyModel}) and inside the real off-heap store
 * ({@link Replays#inStore}), then Caffeine and an exact LRU as references.
 *
 * <pre>
 * usage: Simulator [options] [trace ...]
 *   trace                 a trace file (gzip or plain, one decimal key per line); a name not found
 *                         as given is looked up in traces/; none: every *.trace.gz in traces/
 *   -c, --capacities L    comma list; a value with '.' or '%' is a share of the trace's distinct
 *                         keys (0.10, 10%), an integer is a number of entries (512);
 *                         default 0.10,0.25,0.50
 *   -p, --policies L      comma list of policy names, each optionally name:samples
 *                         (e.g. allkeys-lru:10); default: every policy that evicts trace keys
 *                         (allkeys-lru, allkeys-lfu, allkeys-random, w-tinylfu)
 *   -t, --two-threads L   policies also replayed in the store by 2 threads; 'all', 'none';
 *                         default w-tinylfu
 *       --no-store        pure policies and references only
 *       --diag            also print W-TinyLFU's internals (evictions by region, admissions, window share)
 *       --seed N          seed of the pure model's sampling (default fixed)
 *       --runs K          replay each randomised configuration K times and print the mean with
 *                         the range [low-high] (default 1). Pure replays of run r use seed + r
 *                         for the model's sampling and for w-tinylfu's own random choices, so
 *                         they repeat exactly. In-store replays of run r give w-tinylfu the same
 *                         seed (the store's own sampling and the threads' timing still vary), so
 *                         pure and in-store rows compare like with like; Caffeine is not seeded
 *       --store-budget B  the in-store Larder's maxMemory in bytes (default 256 MiB, never binding)
 * </pre>
 *
 * The JVM needs {@value Larder#REQUIRED_JVM_FLAG} for the in-store rows; started without it (as
 * by {@code mvn exec:java}), the simulator re-launches itself in a child JVM that has it.
 */
public final class Simulator {
    /** Default capacities: shares of the trace's distinct keys. */
    static final String DEFAULT_CAPACITIES = "0.10,0.25,0.50";
    /** The default two-thread policy list. */
    static final String DEFAULT_TWO_THREADS = "w-tinylfu";
    private static final String CHILD_PROPERTY = "larder.simulator.child";

    private Simulator() {
    }

    /** Parsed command line. */
    static final class Options {
        final List<Path> traces = new ArrayList<>();
        String capacities = DEFAULT_CAPACITIES;
        List<String> policies = defaultPolicies();
        List<String> twoThreads = List.of(DEFAULT_TWO_THREADS);
        boolean store = true;
        boolean diag;
        long seed = 0x1A2DE2L;
        int runs = 1;
        long storeBudget = Replays.STORE_BUDGET;

        static Options parse(final List<String> args) throws IOException {
            final Options o = new Options();
            for (int i = 0; i < args.size(); i++) {
                final String a = args.get(i);
                switch (a) {
                    case "-c", "--capacities" -> o.capacities = value(args, ++i, a);
                    case "-p", "--policies" -> o.policies = list(value(args, ++i, a));
                    case "-t", "--two-threads" -> {
                        final String v = value(args, ++i, a);
                        o.twoThreads = v.equals("none") ? List.of() : v.equals("all") ? null : list(v);
                    }
                    case "--no-store" -> o.store = false;
                    case "--diag" -> o.diag = true;
                    case "--seed" -> o.seed = Long.parseLong(value(args, ++i, a));
                    case "--runs" -> {
                        o.runs = Integer.parseInt(value(args, ++i, a));
                        if (o.runs < 1) {
                            throw new IllegalArgumentException("--runs needs at least 1, got " + o.runs);
                        }
                    }
                    case "--store-budget" -> o.storeBudget = Long.parseLong(value(args, ++i, a));
                    case "-h", "--help" -> throw new IllegalArgumentException("help");
                    default -> {
                        if (a.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + a);
                        }
                        o.traces.add(resolve(a));
                    }
                }
            }
            if (o.twoThreads == null) {
                o.twoThreads = o.policies;
            }
            if (!o.store) {
                o.twoThreads = List.of();
            }
            if (o.traces.isEmpty()) {
                o.traces.addAll(defaultTraces());
            }
            for (final String p : o.policies) {
                policy(p); // fail early on a bad name
            }
            return o;
        }

        private static String value(final List<String> args, final int i, final String option) {
            if (i >= args.size()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args.get(i);
        }
    }

    /** @return the default policies: all names but noeviction and volatile-* */
    static List<String> defaultPolicies() {
        return Arrays.stream(EvictionPolicies.NAMES)
            .filter(n -> !n.equals("noeviction") && !n.startsWith("volatile-"))
            .collect(Collectors.toList());
    }

    private static List<String> list(final String s) {
        return Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).collect(Collectors.toList());
    }

    private static Path resolve(final String name) throws IOException {
        for (final Path p : List.of(Path.of(name), Path.of("traces", name), Path.of("eviction/simulator/traces", name))) {
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException("trace not found: " + name + " (looked as given, in traces/ and eviction/simulator/traces/)");
    }

    private static List<Path> defaultTraces() throws IOException {
        for (final Path dir : List.of(Path.of("traces"), Path.of("eviction/simulator/traces"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.list(dir)) {
                    final List<Path> found = s.filter(p -> p.getFileName().toString().endsWith(".trace.gz"))
                        .sorted().collect(Collectors.toList());
                    if (!found.isEmpty()) {
                        return found;
                    }
                }
            }
        }
        throw new IOException("no trace given and no traces/ directory with *.trace.gz here");
    }

    /**
     * @param spec a policy name, optionally {@code name:samples}
     * @return a supplier of fresh instances
     */
    static Supplier<EvictionPolicy> policy(final String spec) {
        final int colon = spec.indexOf(':');
        if (colon < 0) {
            EvictionPolicies.byName(spec);
            return () -> EvictionPolicies.byName(spec);
        }
        final String name = spec.substring(0, colon);
        final int samples = Integer.parseInt(spec.substring(colon + 1));
        final Supplier<EvictionPolicy> s = switch (name) {
            case "allkeys-lru" -> () -> EvictionPolicies.allKeysLru(samples);
            case "volatile-lru" -> () -> EvictionPolicies.volatileLru(samples);
            case "allkeys-lfu" -> () -> EvictionPolicies.allKeysLfu(samples, EvictionPolicies.DEFAULT_LFU_LOG_FACTOR,
                EvictionPolicies.DEFAULT_LFU_DECAY_MINUTES);
            case "volatile-lfu" -> () -> EvictionPolicies.volatileLfu(samples, EvictionPolicies.DEFAULT_LFU_LOG_FACTOR,
                EvictionPolicies.DEFAULT_LFU_DECAY_MINUTES);
            case "volatile-ttl" -> () -> EvictionPolicies.volatileTtl(samples);
            case "w-tinylfu" -> () -> EvictionPolicies.wTinyLfu(samples);
            default -> throw new IllegalArgumentException("policy '" + name + "' takes no sample size; known: "
                + String.join(", ", EvictionPolicies.NAMES));
        };
        s.get();
        return s;
    }

    /**
     * A policy for a pure replay: {@code w-tinylfu} seeded (see
     * {@link EvictionPolicies#wTinyLfu(int, long)}), so a pure replay with a given seed is the same
     * every time; other policies' randomness is the model's sampling, which the model seeds.
     *
     * @param spec a policy name, optionally {@code name:samples}
     * @param seed the seed
     * @return a new instance
     */
    static EvictionPolicy seeded(final String spec, final long seed) {
        final EvictionPolicy p = policy(spec).get();
        return p.name().equals("w-tinylfu") ? EvictionPolicies.wTinyLfu(p.sampleSize(), seed) : p;
    }

    /**
     * @param spec     comma list of shares ("0.10", "10%") and absolute sizes ("512")
     * @param distinct the trace's distinct keys
     * @return the capacities, in order, without duplicates
     */
    static int[] capacities(final String spec, final int distinct) {
        final Set<Integer> out = new LinkedHashSet<>();
        for (final String s : list(spec)) {
            final long n;
            if (s.endsWith("%")) {
                n = Math.round(Double.parseDouble(s.substring(0, s.length() - 1)) / 100.0 * distinct);
            } else if (s.contains(".")) {
                n = Math.round(Double.parseDouble(s) * distinct);
            } else {
                n = Long.parseLong(s);
            }
            out.add((int) Math.max(1, Math.min(Integer.MAX_VALUE - 8, n)));
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** One row of a table. */
    record Row(String label, Result[] cells) {
    }

    /** One trace's results. */
    record TraceReport(String trace, long accesses, int distinct, int[] capacities, List<Row> rows) {
        Result cell(final String label, final int capacity) {
            for (final Row r : rows) {
                if (r.label().equals(label)) {
                    for (int i = 0; i < capacities.length; i++) {
                        if (capacities[i] == capacity) {
                            return r.cells()[i];
                        }
                    }
                }
            }
            return null;
        }
    }

    /**
     * Replays one trace at each capacity.
     *
     * @param name    the trace's name for the report
     * @param trace   the keys
     * @param caps    the capacities
     * @param options what to run
     * @return the rows
     */
    static TraceReport simulate(final String name, final long[] trace, final int[] caps, final Options options) {
        final int distinct = TraceReader.distinct(trace);
        final List<Row> rows = new ArrayList<>();
        final int runs = options.runs;
        final long seed = options.seed;
        for (final String p : options.policies) {
            rows.add(new Row(p + " (pure)", cells(caps, runs, (c, r) -> Replays.pure(seeded(p, seed + r), trace, c, seed + r))));
            if (options.store) {
                rows.add(new Row(p + " (in-store)", cells(caps, runs,
                    (c, r) -> Replays.inStore(() -> seeded(p, seed + r), trace, c, 1, options.storeBudget))));
            }
            if (options.twoThreads.contains(p)) {
                rows.add(new Row(p + " (in-store, 2 threads)", cells(caps, runs,
                    (c, r) -> Replays.inStore(() -> seeded(p, seed + r), trace, c, 2, options.storeBudget))));
            }
        }
        final Result[] caffeine = cells(caps, runs, (c, r) -> Replays.caffeine(trace, c));
        final Result[] lru = cells(caps, 1, (c, r) -> Replays.exactLru(trace, c)); // deterministic: once is enough
        final Result[] reference = cells(caps, runs, (c, r) -> ExactWTinyLfu.replay(trace, c, seed + r));
        rows.add(new Row("caffeine", caffeine));
        rows.add(new Row("lru-exact", lru));
        // diagnostic: Caffeine's structure (exact lists, fixed 1% window) on Larder's sketch
        rows.add(new Row("w-tinylfu-exact (reference)", reference));
        return new TraceReport(name, trace.length, distinct, caps, rows);
    }

    /** One replay of a configuration at a capacity; runs are numbered from 0. */
    @FunctionalInterface
    interface Replay {
        Result run(int capacity, int run);
    }

    /** @return one cell per capacity: {@code runs} replays at that capacity, pooled */
    static Result[] cells(final int[] caps, final int runs, final Replay replay) {
        final Result[] cells = new Result[caps.length];
        for (int i = 0; i < caps.length; i++) {
            final List<Result> results = new ArrayList<>(runs);
            for (int r = 0; r < runs; r++) {
                results.add(replay.run(caps[i], r));
            }
            cells[i] = Result.pool(results);
        }
        return cells;
    }

    static void print(final TraceReport r, final boolean diag, final PrintStream out) {
        out.printf(Locale.ROOT, "## %s: %,d accesses, %,d distinct keys%n%n", r.trace(), r.accesses(), r.distinct());
        out.println("Hit ratio in %; columns: capacity N in entries (share of the distinct keys).");
        out.println();
        final StringBuilder head = new StringBuilder("| policy |");
        final StringBuilder rule = new StringBuilder("|---|");
        for (final int c : r.capacities()) {
            head.append(String.format(Locale.ROOT, " %d (%.1f%%) |", c, 100.0 * c / r.distinct()));
            rule.append("---:|");
        }
        out.println(head);
        out.println(rule);
        boolean held = false;
        boolean refused = false;
        for (final Row row : r.rows()) {
            final StringBuilder line = new StringBuilder("| ").append(row.label()).append(" |");
            for (final Result c : row.cells()) {
                line.append(String.format(Locale.ROOT, " %.2f", c.percent()));
                if (c.runs() > 1) {
                    line.append(String.format(Locale.ROOT, " [%.2f-%.2f]", c.low(), c.high()));
                }
                if (!c.note().isEmpty()) {
                    line.append(" (").append(c.note()).append(')');
                    held |= c.note().startsWith("held");
                    refused |= !c.note().startsWith("held");
                }
                line.append(" |");
            }
            out.println(line);
        }
        out.println();
        if (held) {
            out.println("(held M): the store held up to M entries, more than maxEntries(N) allows, at some point of the replay;"
                + " that figure is not an N-entry figure.");
        }
        if (refused) {
            out.println("(refused W): W misses were not inserted because the policy evicted nothing;"
                + " (stalled S): S eviction loops were cut off after evict() kept returning true without evicting.");
        }
        if (held || refused) {
            out.println();
        }
        if (diag) {
            out.println("W-TinyLFU internals:");
            out.println();
            for (final Row row : r.rows()) {
                if (!row.label().startsWith("w-tinylfu")) {
                    continue;
                }
                for (int i = 0; i < row.cells().length; i++) {
                    final String d = row.cells()[i].detail();
                    if (!d.isEmpty()) {
                        out.printf("- %s, N = %d: %s%n", row.label(), r.capacities()[i], d);
                    }
                }
            }
            out.println();
        }
    }

    /** Prints the targets that the rows allow to check. */
    static void printTargets(final List<TraceReport> reports, final PrintStream out) {
        out.println("## Targets");
        out.println();
        final String w = "w-tinylfu (pure)";
        boolean any = false;
        double wSum = 0;
        double lruSum = 0;
        int cells = 0;
        for (final TraceReport r : reports) {
            for (final int c : r.capacities()) {
                final Result wt = r.cell(w, c);
                final Result caf = r.cell("caffeine", c);
                final Result lru = r.cell("lru-exact", c);
                if (wt == null || caf == null) {
                    continue;
                }
                any = true;
                final double gap = wt.percent() - caf.percent();
                out.printf(Locale.ROOT, "- %s N = %d: w-tinylfu %.2f vs caffeine %.2f (%+.2f points): %s%n",
                    r.trace(), c, wt.percent(), caf.percent(), gap, gap >= -1.0 ? "meets caffeine - 1" : "BELOW caffeine - 1");
                for (final String label : List.of("w-tinylfu (in-store)", "w-tinylfu (in-store, 2 threads)")) {
                    final Result s = r.cell(label, c);
                    if (s != null) {
                        final double d = s.percent() - wt.percent();
                        out.printf(Locale.ROOT, "  - %s %.2f (%+.2f points from pure): %s%n", label, s.percent(), d,
                            Math.abs(d) <= 2.0 ? "within 2" : "NOT within 2");
                    }
                }
                if (r.trace().startsWith("loop") && c == 512) {
                    out.printf(Locale.ROOT, "  - loop target at N = 512: w-tinylfu %.2f (needs > 40): %s; lru-exact %.2f (expected 0)%n",
                        wt.percent(), wt.percent() > 40.0 ? "met" : "NOT met", lru == null ? Double.NaN : lru.percent());
                }
                if (lru != null) {
                    wSum += wt.percent();
                    lruSum += lru.percent();
                    cells++;
                }
            }
        }
        if (cells > 0) {
            out.printf(Locale.ROOT, "- average over the %d cells: w-tinylfu %.2f, lru-exact %.2f: %s%n", cells,
                wSum / cells, lruSum / cells, wSum > lruSum ? "above LRU" : "NOT above LRU");
        }
        if (!any) {
            out.println("(needs w-tinylfu and caffeine rows)");
        }
        out.println();
    }

    /**
     * Runs the simulator.
     *
     * @param args the command line (whitespace inside one argument separates arguments too, so
     *             {@code -Dsim.args="..."} passed as one argument works)
     */
    public static void main(final String[] args) throws Exception {
        final List<String> argv = split(args);
        final Options options;
        try {
            options = Options.parse(argv);
        } catch (final IllegalArgumentException e) {
            if (!"help".equals(e.getMessage())) {
                System.err.println("error: " + e.getMessage());
            }
            System.err.println(usage());
            if (!"help".equals(e.getMessage())) {
                throw e;
            }
            return;
        }
        if (options.store && !hasNativeAccess() && System.getProperty(CHILD_PROPERTY) == null) {
            relaunch(argv);
            return;
        }
        run(options, System.out);
    }

    static void run(final Options options, final PrintStream out) throws IOException {
        out.println("# Larder eviction simulator");
        out.println();
        out.printf(Locale.ROOT, "Java %s (%s), %d CPUs; policies: %s; capacities: %s%s%n", System.getProperty("java.version"),
            System.getProperty("java.vm.name"), Runtime.getRuntime().availableProcessors(),
            String.join(", ", options.policies), options.capacities, options.store ? "" : "; in-store rows skipped");
        out.println();
        if (options.runs > 1) {
            out.printf(Locale.ROOT, "Every randomised row (all but lru-exact) is replayed %d times: each cell is the mean hit ratio"
                + " with the lowest and highest single run in brackets; the targets below compare means.%n%n", options.runs);
        }
        out.println("Not run by default: volatile-lru, volatile-lfu, volatile-random and volatile-ttl evict only keys with a "
            + "TTL, and trace keys have none, so on a trace they behave as noeviction (a full cache refuses every new key).");
        out.println("Pure: the policy alone on a count-bounded model, one tick per access. In-store: a real Larder with "
            + String.format(Locale.ROOT, "maxEntries(N), a %,d-byte budget%s, ", options.storeBudget,
                options.storeBudget == Replays.STORE_BUDGET ? " (never binding)" : "")
            + "a fake clock advancing 16 ms (one tick) per access, w-tinylfu seeded as in the pure run of the same number; "
            + "2 threads: one replays the even positions, the other the odd ones, sharing the clock, neither more than " + Replays.MAX_DRIFT + " positions ahead of the other.");
        out.println();
        final List<TraceReport> reports = new ArrayList<>();
        for (final Path p : options.traces) {
            final long t0 = System.nanoTime();
            final long[] trace = TraceReader.read(p);
            final int distinct = TraceReader.distinct(trace);
            final TraceReport r = simulate(p.getFileName().toString(), trace, capacities(options.capacities, distinct), options);
            print(r, options.diag, out);
            out.printf(Locale.ROOT, "(%s: %.1f s)%n%n", r.trace(), (System.nanoTime() - t0) / 1e9);
            out.flush();
            reports.add(r);
        }
        printTargets(reports, out);
    }

    static List<String> split(final String[] args) {
        final List<String> out = new ArrayList<>();
        for (final String a : args) {
            for (final String s : a.strip().split("\\s+")) {
                if (!s.isEmpty()) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    private static boolean hasNativeAccess() {
        return Object.class.getModule().isExported("jdk.internal.misc", Simulator.class.getModule());
    }

    /** Runs this simulator again in a child JVM with the flag Larder needs (e.g. under exec:java). */
    private static void relaunch(final List<String> argv) throws IOException, InterruptedException {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> cmd = new ArrayList<>(List.of(java, "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-Xmx1g", "-D" + CHILD_PROPERTY + "=true", "-cp", classpath(), Simulator.class.getName()));
        cmd.addAll(argv);
        final int code = new ProcessBuilder(cmd).inheritIO().start().waitFor();
        if (code != 0) {
            throw new IllegalStateException("the simulator's child JVM exited with " + code);
        }
    }

    private static String classpath() {
        final Set<String> entries = new LinkedHashSet<>();
        for (final ClassLoader start : new ClassLoader[] {Thread.currentThread().getContextClassLoader(),
            Simulator.class.getClassLoader()}) {
            for (ClassLoader cl = start; cl != null; cl = cl.getParent()) {
                if (cl instanceof URLClassLoader u) {
                    for (final URL url : u.getURLs()) {
                        try {
                            entries.add(Path.of(url.toURI()).toString());
                        } catch (final URISyntaxException | IllegalArgumentException e) {
                            entries.add(url.getPath());
                        }
                    }
                }
            }
        }
        entries.addAll(Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator)));
        return String.join(File.pathSeparator, entries);
    }

    private static String usage() {
        return String.join(System.lineSeparator(),
            "usage: Simulator [options] [trace ...]",
            "  trace                 trace file (gzip or plain, one decimal key per line); looked up in traces/ too;",
            "                        none given: every *.trace.gz in traces/",
            "  -c, --capacities L    comma list: 0.10 or 10% = share of distinct keys, 512 = entries (default "
                + DEFAULT_CAPACITIES + ")",
            "  -p, --policies L      comma list of names, optionally name:samples (default "
                + String.join(",", defaultPolicies()) + ")",
            "  -t, --two-threads L   policies also replayed in the store by 2 threads; all; none (default "
                + DEFAULT_TWO_THREADS + ")",
            "      --no-store        skip the in-store rows",
            "      --diag            print W-TinyLFU's internals",
            "      --seed N          seed of the pure model's sampling",
            "      --runs K          replay randomised configurations K times: mean [low-high] (default 1)",
            "      --store-budget B  in-store maxMemory in bytes (default 268435456)");
    }
}
