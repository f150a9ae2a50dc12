package dev.larder.core;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.management.ObjectName;

/**
 * Run by {@link NativeLeakTest} in a child JVM with {@code -XX:NativeMemoryTracking=summary}:
 * opens, uses and closes Larders, and prints native memory before and after as {@code name=value}
 * lines. Unsafe.allocateMemory (how Agrona and Larder get native memory) is tracked by NMT under
 * "Other".
 */
public final class NativeLeakMain {
    private NativeLeakMain() {
    }

    public static void main(final String[] args) throws Exception {
        final int larders = Integer.parseInt(args[0]);
        // warm up as long as the measured run: the JIT's and malloc's own memory reach their steady state
        for (int i = 0; i < larders; i++) {
            openUseAndClose(i);
        }
        settle();
        print("before");
        for (int i = 0; i < larders; i++) {
            openUseAndClose(i);
        }
        settle();
        print("after");
    }

    static void openUseAndClose(final int n) {
        final Larder.Builder builder = Larder.builder().maxMemory(4L << 20);
        if (n % 2 == 0) {
            builder.expiryInterval(Duration.ZERO);
        }
        final Larder larder = builder.build();
        final Cache<Long, byte[]> values = larder.cache("values", Codecs.int64(), Codecs.bytes());
        final Cache<String, String> strings = larder.cache("strings", Codecs.utf8(), Codecs.utf8());
        final byte[] value = new byte[900];
        for (long i = 0; i < 2_000; i++) { // ~2 MiB: touches about half of the budget's pages
            values.put(i, value);
        }
        for (int i = 0; i < 100; i++) {
            strings.put("k" + i, "v" + i, Duration.ofMinutes(1));
        }
        if (values.get(1_999L).length != 900) {
            throw new AssertionError("entry lost");
        }
        larder.close();
    }

    private static void settle() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
        }
    }

    private static long committed(final String nmtLine) {
        return Long.parseLong(nmtLine.replaceAll(".*committed=(\\d+)KB.*", "$1")) * 1024;
    }

    private static void print(final String when) throws Exception {
        final String nmt = (String) ManagementFactory.getPlatformMBeanServer().invoke(
            new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
            new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
        long other = -1;
        long total = -1;
        long heap = -1;
        for (final String line : nmt.split("\n")) {
            final String l = line.trim();
            if (l.startsWith("-") && l.contains("Other (")) {
                other = committed(l);
            } else if (l.startsWith("-") && l.contains("Java Heap (")) {
                heap = committed(l);
            } else if (l.startsWith("Total:")) {
                total = committed(l);
            }
        }
        long rss = -1;
        for (final String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        final long threads = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("larder")).count();
        System.out.println(when + ".other=" + other);
        System.out.println(when + ".rss=" + rss);
        System.out.println(when + ".heapCommitted=" + heap);
        System.out.println(when + ".nmtTotal=" + total);
        System.out.println(when + ".larderThreads=" + threads);
    }
}
