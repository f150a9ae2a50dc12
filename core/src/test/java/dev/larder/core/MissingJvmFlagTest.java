package dev.larder.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code Larder.builder().build()} without the Agrona flag fails at once, naming the flag. */
class MissingJvmFlagTest {

    @Test
    void buildWithoutTheFlagFailsNamingTheFlag() throws Exception {
        final ChildJvm.Outcome o = ChildJvm.run(MissingFlagMain.class, List.of());
        assertThat(o.exitCode()).as("exit code; stderr:%n%s", o.stderr()).isNotZero();
        assertThat(o.stderr()).contains("--add-exports java.base/jdk.internal.misc=ALL-UNNAMED");
        assertThat(o.stderr()).contains(Larder.REQUIRED_JVM_FLAG);
        assertThat(o.stderr()).contains(IllegalStateException.class.getName());
        assertThat(o.stdout()).doesNotContain("larder built");
    }

    @Test
    void buildWithTheFlagSucceedsInTheSameChildSetup() throws Exception {
        final ChildJvm.Outcome o = ChildJvm.run(MissingFlagMain.class,
            List.of("--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED"));
        assertThat(o.exitCode()).as("exit code; stderr:%n%s", o.stderr()).isZero();
        assertThat(o.stdout()).contains("larder built");
    }
}
