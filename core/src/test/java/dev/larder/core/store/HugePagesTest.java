package dev.larder.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.larder.core.Cache;
import dev.larder.core.Codecs;
import dev.larder.core.Larder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Large regions ask Linux for transparent huge pages; small ones, and stores that turned it off,
 * do not. Checked against what the kernel itself reports in {@code /proc/self/smaps}.
 */
class HugePagesTest {
    private static final boolean LINUX = HugePages.LINUX;

    @Test
    void jnaFindsMadviseOnLinux() {
        assumeTrue(LINUX, "madvise is a Linux call");
        assertThat(HugePages.unavailableReason()).isNull();
        assertThat(HugePages.available()).isTrue();
    }

    @Test
    void aLargeRegionIsAlignedAndAdvised() throws IOException {
        assumeTrue(LINUX, "madvise is a Linux call");
        final NativeMemory memory = new NativeMemory(64L << 20, true);
        try {
            final long address = regionAddress(memory);
            assertThat(address % HugePages.SIZE).as("region start is 2 MiB aligned").isZero();
            assertThat(memory.hugeRegions()).isEqualTo(1);
            // the kernel's own view of the mapping: eligible for THP (only if THP is compiled in and not off)
            assumeTrue("madvise".equals(HugePages.mode()) || "always".equals(HugePages.mode()), "THP mode is " + HugePages.mode());
            assertThat(smapsField(address, "THPeligible")).isEqualTo(1);
        } finally {
            memory.close();
        }
    }

    @Test
    void turnedOffMeansOrdinaryPages() throws IOException {
        assumeTrue(LINUX, "madvise is a Linux call");
        final NativeMemory memory = new NativeMemory(64L << 20, false);
        try {
            final long address = regionAddress(memory);
            assertThat(memory.hugeRegions()).isZero();
            assumeTrue("madvise".equals(HugePages.mode()), "only under 'madvise' does the advice decide eligibility");
            assertThat(smapsField(address, "THPeligible")).isEqualTo(0);
        } finally {
            memory.close();
        }
    }

    @Test
    void aSmallRegionKeepsOrdinaryPages() {
        final NativeMemory memory = new NativeMemory(8L << 20, true);
        try {
            regionAddress(memory);
            assertThat(memory.hugeRegions()).isZero();
        } finally {
            memory.close();
        }
    }

    @Test
    void theKernelsSelectedModeIsTheBracketedOne() {
        assertThat(HugePages.selectedMode("always [madvise] never\n")).isEqualTo("madvise");
        assertThat(HugePages.selectedMode("[always] madvise never")).isEqualTo("always");
        assertThat(HugePages.selectedMode("always madvise [never]")).isEqualTo("never");
        assertThat(HugePages.selectedMode("garbage")).isNull();
        assertThat(HugePages.selectedMode("half [open")).isNull();
    }

    @Test
    void adviceNeedsAnAlignedAddress() {
        assertThat(HugePages.advise(HugePages.SIZE + 4096, HugePages.SIZE)).isFalse();
        assertThat(HugePages.advise(HugePages.SIZE, 0)).isFalse();
        assertThat(HugePages.alignUp(1)).isEqualTo(HugePages.SIZE);
        assertThat(HugePages.alignUp(HugePages.SIZE)).isEqualTo(HugePages.SIZE);
    }

    @Test
    void theBuilderSwitchReachesTheStoreAndDataIsUnaffected() {
        assumeTrue(LINUX, "madvise is a Linux call");
        for (final boolean huge : new boolean[] {true, false}) {
            try (Larder larder = Larder.builder().maxMemory(64L << 20).hugePages(huge).build()) {
                final Cache<String, String> cache = larder.cache("c", Codecs.utf8(), Codecs.utf8());
                for (int i = 0; i < 10_000; i++) {
                    cache.put("k" + i, "v" + i);
                }
                for (int i = 0; i < 10_000; i++) {
                    assertThat(cache.get("k" + i)).isEqualTo("v" + i);
                }
                assertThat(larder.hugePagesAdvised()).isEqualTo(huge);
            }
        }
    }

    private static long regionAddress(final NativeMemory memory) {
        final int page = memory.acquirePage();
        final org.agrona.concurrent.UnsafeBuffer buffer = memory.buffer(memory.pageStart(page));
        buffer.setMemory(0, buffer.capacity(), (byte) 1); // touch every byte: the kernel faults the pages in
        return buffer.addressOffset();
    }

    /** The value of {@code field} in the {@code /proc/self/smaps} block of the mapping holding {@code address}. */
    private static long smapsField(final long address, final String field) throws IOException {
        final List<String> lines = Files.readAllLines(Path.of("/proc/self/smaps"));
        boolean inside = false;
        for (final String line : lines) {
            final int dash = line.indexOf('-');
            final int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
                final long from = Long.parseUnsignedLong(line.substring(0, dash), 16);
                final long to = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                inside = address >= from && address < to;
            } else if (inside && line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new AssertionError("no mapping holds address " + Long.toHexString(address) + " with field " + field);
    }
}
