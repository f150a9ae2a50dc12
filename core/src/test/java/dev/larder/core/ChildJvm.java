package dev.larder.core;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class of the test classpath in a child JVM with exactly the given JVM flags. */
final class ChildJvm {
    record Outcome(int exitCode, String stdout, String stderr) {
    }

    private ChildJvm() {
    }

    static Outcome run(final Class<?> mainClass, final List<String> jvmFlags, final String... args)
        throws IOException, InterruptedException {
        return runWithClasspath(mainClass, jvmFlags, System.getProperty("java.class.path"), args);
    }

    /** As {@link #run(Class, List, String...)}, with the child's class path given. */
    static Outcome runWithClasspath(final Class<?> mainClass, final List<String> jvmFlags, final String classpath,
                                    final String... args)
        throws IOException, InterruptedException {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass.getName());
        command.addAll(List.of(args));
        final ProcessBuilder pb = new ProcessBuilder(command);
        // no flag may sneak in through the environment
        pb.environment().remove("JDK_JAVA_OPTIONS");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("_JAVA_OPTIONS");
        final Process p = pb.start();
        final byte[][] err = new byte[1][];
        final Thread errReader = new Thread(() -> {
            try {
                err[0] = p.getErrorStream().readAllBytes();
            } catch (final IOException e) {
                err[0] = e.toString().getBytes(StandardCharsets.UTF_8);
            }
        });
        errReader.start();
        final byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(300, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM running " + mainClass.getName() + " did not finish in 300 s");
        }
        errReader.join();
        return new Outcome(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err[0], StandardCharsets.UTF_8));
    }
}
