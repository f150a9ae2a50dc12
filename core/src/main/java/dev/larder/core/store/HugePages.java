package dev.larder.core.store;

import java.util.Locale;

/**
 * Asks Linux to back a store's large regions with transparent huge pages (2 MiB instead of 4 KiB).
 *
 * <h2>Why</h2>
 * A read of a big cache is a chain of dependent cache misses: the index slot, then the entry. With
 * 4 KiB pages each miss is usually a TLB miss as well, and under a hypervisor the page walk that
 * follows is itself several dependent loads. A region of 2 MiB pages needs one TLB entry per 2 MiB,
 * so a cache of a few hundred megabytes fits in the TLB and the walks disappear.
 *
 * <h2>How</h2>
 * Java 17 has no call for {@code madvise(2)}; JNA (a dependency of larder-core) makes it. Everything
 * here is best effort: on another operating system, without JNA on the class path, or when the call
 * fails, regions keep ordinary pages and nothing else changes. Whether the kernel then gives huge
 * pages depends on {@code /sys/kernel/mm/transparent_hugepage/enabled}: {@code madvise} (Debian's and
 * Ubuntu's default) and {@code always} do; under {@code never} no region is advised at all.
 *
 * <h2>Cost</h2>
 * A huge page is faulted in whole, so the memory the store touches grows in steps of 2 MiB instead
 * of 4 KiB; a store hands pages out from the start of a region, so at most one partly used huge page
 * per region is resident beyond what {@code memoryUsed()} reports. With the kernel's {@code defrag}
 * setting at {@code madvise}, the first touch of a huge page may compact memory first. Callers who do
 * not want either turn the feature off ({@code Larder.builder().hugePages(false)}).
 */
final class HugePages {
    /** The transparent huge page size on x86-64 and most arm64 kernels. */
    static final long SIZE = 2L << 20;
    /** Regions smaller than this keep ordinary pages: the TLB already covers most of them. */
    static final long MIN_REGION = 16L << 20;

    private static final int MADV_HUGEPAGE = 14; // the same value on every Linux architecture
    /** Whether this JVM runs on Linux, the only system asked. */
    static final boolean LINUX =
        System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux");

    private HugePages() {
    }

    /** Where Linux says whether transparent huge pages are on. */
    private static final java.nio.file.Path MODE_FILE = java.nio.file.Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    /** The kernel's THP mode ({@code always}, {@code madvise}, {@code never}), or {@code null} if unknown. */
    private static final String MODE = LINUX ? readMode() : null;

    /**
     * @return whether regions can be advised usefully: Linux with transparent huge pages not off,
     *         and JNA with its native library present
     */
    static boolean available() {
        return unavailableReason() == null;
    }

    /** @return why {@link #available()} is false, or {@code null} if it is true */
    static String unavailableReason() {
        if (!LINUX) {
            return "not Linux";
        }
        if ("never".equals(MODE)) {
            return "transparent huge pages are off in this kernel (" + MODE_FILE + " is [never])";
        }
        return Madvise.FUNCTION == null ? Madvise.PROBLEM : null;
    }

    /** @return the kernel's THP mode ({@code always}, {@code madvise}, {@code never}), or {@code null} if unknown */
    static String mode() {
        return MODE;
    }

    /**
     * @param contents the contents of {@code /sys/kernel/mm/transparent_hugepage/enabled}, such as
     *                 {@code "always [madvise] never"}
     * @return the bracketed (selected) mode, or {@code null} if there is none
     */
    static String selectedMode(final String contents) {
        final int open = contents.indexOf('[');
        final int close = open < 0 ? -1 : contents.indexOf(']', open);
        return close < 0 ? null : contents.substring(open + 1, close).trim();
    }

    private static String readMode() {
        try {
            return selectedMode(java.nio.file.Files.readString(MODE_FILE));
        } catch (final java.io.IOException | RuntimeException e) {
            return null; // unknown (no sysfs, or no THP support compiled in): madvise will tell
        }
    }

    /** @return {@code address} rounded up to a multiple of {@link #SIZE} */
    static long alignUp(final long address) {
        return (address + SIZE - 1) & -SIZE;
    }

    /**
     * Marks {@code [address, address + length)} as wanting huge pages.
     *
     * @param address a multiple of {@link #SIZE}
     * @param length  bytes
     * @return whether the kernel accepted the advice
     */
    static boolean advise(final long address, final long length) {
        if (!available() || (address & (SIZE - 1)) != 0 || length <= 0) {
            return false;
        }
        try {
            final Object[] args = {new com.sun.jna.Pointer(address), new com.sun.jna.NativeLong(length), MADV_HUGEPAGE};
            return ((com.sun.jna.Function) Madvise.FUNCTION).invokeInt(args) == 0;
        } catch (final RuntimeException | LinkageError e) {
            return false; // best effort: the region works the same with ordinary pages
        }
    }

    /** Looks JNA's {@code madvise} up once; a holder so that nothing touches JNA unless a large region is made. */
    private static final class Madvise {
        static final Object FUNCTION;
        static final String PROBLEM;

        static {
            Object function = null;
            String problem = null;
            if (LINUX) {
                try {
                    function = com.sun.jna.NativeLibrary.getInstance(com.sun.jna.Platform.C_LIBRARY_NAME).getFunction("madvise");
                } catch (final RuntimeException | LinkageError e) {
                    problem = "JNA could not find madvise: " + e;
                }
            }
            FUNCTION = function;
            PROBLEM = problem;
        }

        private Madvise() {
        }
    }
}
