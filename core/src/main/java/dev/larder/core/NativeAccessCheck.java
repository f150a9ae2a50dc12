package dev.larder.core;

import org.agrona.UnsafeApi;

/** Fails fast, with the fix in the message, when Agrona cannot reach {@code jdk.internal.misc.Unsafe}. */
final class NativeAccessCheck {
    private static volatile boolean verified;

    private NativeAccessCheck() {
    }

    static void verify() {
        if (verified) {
            return;
        }
        try {
            final long address = UnsafeApi.allocateMemory(8);
            UnsafeApi.freeMemory(address);
            verified = true;
        } catch (final LinkageError | RuntimeException e) {
            throw new IllegalStateException("Larder needs native memory access through Agrona, which requires the JVM flag "
                + Larder.REQUIRED_JVM_FLAG + " (add it to the java command line, Surefire's argLine and JMH's jvmArgs)", e);
        }
    }
}
