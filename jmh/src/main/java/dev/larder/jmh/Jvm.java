package dev.larder.jmh;

/**
 * JVM flags every benchmark fork and every footprint child JVM gets. Annotation values must be
 * compile-time constants, hence one constant per flag; {@link #ALL} lists them for code.
 */
public final class Jvm {
    /** Larder: Agrona 2.x reaches jdk.internal.misc.Unsafe. */
    public static final String LARDER = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    /** Chronicle Map on Java 17 (Chronicle's documented list). */
    public static final String CM_1 = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    /** Chronicle Map on Java 17. */
    public static final String CM_2 = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    /** Chronicle Map on Java 17. */
    public static final String CM_3 = "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED";
    /** Chronicle Map on Java 17: it compiles generated classes at run time. */
    public static final String CM_4 = "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED";
    /** Chronicle Map on Java 17. */
    public static final String CM_5 = "--add-opens=jdk.compiler/com.sun.tools.javac=ALL-UNNAMED";
    /** Chronicle Map on Java 17. */
    public static final String CM_6 = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    /** Chronicle Map on Java 17. */
    public static final String CM_7 = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    /** Chronicle Map on Java 17. */
    public static final String CM_8 = "--add-opens=java.base/java.io=ALL-UNNAMED";
    /** Chronicle Map on Java 17. */
    public static final String CM_9 = "--add-opens=java.base/java.util=ALL-UNNAMED";
    /** Chronicle: no usage analytics, no banner. */
    public static final String CM_QUIET_1 = "-Dchronicle.analytics.disable=true";
    /** Chronicle: no usage analytics, no banner. */
    public static final String CM_QUIET_2 = "-Dchronicle.announcer.disable=true";

    // OHC 0.7.4 and Ehcache 3.10.8 need no flag on Java 17 (checked: both run without any).

    /** Fixed heap, the same for every store. */
    public static final String XMS = "-Xms2g";
    /** Fixed heap, the same for every store. */
    public static final String XMX = "-Xmx2g";
    /** Ehcache's off-heap tier is made of direct ByteBuffers. */
    public static final String DIRECT = "-XX:MaxDirectMemorySize=2g";

    /** All of the above, in order. */
    public static final String[] ALL = {
        LARDER, CM_1, CM_2, CM_3, CM_4, CM_5, CM_6, CM_7, CM_8, CM_9, CM_QUIET_1, CM_QUIET_2, XMS, XMX, DIRECT,
    };

    private Jvm() {
    }
}
