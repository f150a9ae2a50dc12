package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * JNA is only there to ask for huge pages: without it on the class path, a Larder with regions large
 * enough to be advised still builds, stores and reads, and simply reports no huge pages.
 */
class WithoutJnaTest {

    @Test
    void aLarderWorksWithoutJnaAndReportsNoHugePages() throws Exception {
        final List<String> classpath = new ArrayList<>();
        for (final String entry : expandedClasspath()) {
            if (!Path.of(entry).getFileName().toString().startsWith("jna-")) {
                classpath.add(entry);
            }
        }
        assertThat(classpath).as("the test class path, JNA left out").isNotEmpty();
        final ChildJvm.Outcome o = ChildJvm.runWithClasspath(WithoutJnaMain.class, List.of(Larder.REQUIRED_JVM_FLAG.split(" ")),
            String.join(File.pathSeparator, classpath));
        assertThat(o.exitCode()).as("exit code; stderr: %s", o.stderr()).isZero();
        assertThat(o.stdout()).contains("jna=absent", "advised=false", "entries=20000", "ok");
    }

    /** The class path entries, with a Surefire manifest-only jar replaced by the entries it lists. */
    private static List<String> expandedClasspath() throws IOException {
        final List<String> out = new ArrayList<>();
        for (final String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.isEmpty()) {
                continue;
            }
            final String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("surefirebooter") && name.endsWith(".jar")) {
                try (JarFile jar = new JarFile(entry)) {
                    final String listed = jar.getManifest().getMainAttributes().getValue("Class-Path");
                    for (final String url : listed.trim().split("\\s+")) {
                        out.add(Path.of(URI.create(url)).toString());
                    }
                }
            } else {
                out.add(entry);
            }
        }
        return out;
    }
}
