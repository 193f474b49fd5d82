package io.deletionwatch.connectors.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModernJdkTest {
    @TempDir Path dir;

    @Test
    void theNewestSystemJdkOfAtLeastTheWantedVersionIsChosen() throws IOException {
        Path jvms = Files.createDirectories(dir.resolve("jvm"));
        jdk(jvms.resolve("java-17-openjdk"), "17.0.15");
        jdk(jvms.resolve("java-21-openjdk"), "21.0.4");
        Path newest = jdk(jvms.resolve("temurin-25-jdk"), "25.0.3");
        Path current = jdk(dir.resolve("current"), "17.0.15");

        assertThat(ModernJdk.find(21, Map.of(), current, jvms)).isEqualTo(newest);
    }

    @Test
    void thisJvmIsUsedWhenItIsNewEnough() throws IOException {
        Path current = jdk(dir.resolve("current"), "21.0.4");

        assertThat(ModernJdk.find(21, Map.of(), current, dir.resolve("none"))).isEqualTo(current);
    }

    @Test
    void esJavaHomeWinsOverEverythingElse() throws IOException {
        Path chosen = jdk(dir.resolve("chosen"), "21");
        Path current = jdk(dir.resolve("current"), "25.0.1");

        assertThat(ModernJdk.find(21, Map.of("ES_JAVA_HOME", chosen.toString()), current, dir))
                .isEqualTo(chosen);
    }

    @Test
    void aVariablePointingAtAnOldJdkIsAnErrorNotSilentlySkipped() throws IOException {
        Path old = jdk(dir.resolve("old"), "17.0.15");

        assertThatThrownBy(
                        () -> ModernJdk.find(21, Map.of("JAVA21_HOME", old.toString()), old, dir))
                .hasMessage(
                        "JAVA21_HOME="
                                + old
                                + " is not a JDK 21 or newer with javac (it is Java 17); point it"
                                + " at one, or unset it to search /usr/lib/jvm");
    }

    @Test
    void aJreWithoutJavacDoesNotCount() throws IOException {
        Path jvms = Files.createDirectories(dir.resolve("jvm"));
        Path jre = jdk(jvms.resolve("jre-21"), "21.0.4");
        Files.delete(jre.resolve("bin").resolve("javac"));
        Path current = jdk(dir.resolve("current"), "17");

        assertThatThrownBy(() -> ModernJdk.find(21, Map.of(), current, jvms))
                .hasMessageStartingWith("no JDK 21 or newer found")
                .hasMessageContaining("set ES_JAVA_HOME");
    }

    @Test
    void oldStyleVersionsAreRead() throws IOException {
        assertThat(ModernJdk.featureVersion(jdk(dir.resolve("eight"), "1.8.0_402"))).contains(8);
        assertThat(ModernJdk.featureVersion(dir.resolve("nothing"))).isEmpty();
    }

    private static Path jdk(Path home, String version) throws IOException {
        Path bin = Files.createDirectories(home.resolve("bin"));
        for (String tool : new String[] {"java", "javac"}) {
            Path file = Files.writeString(bin.resolve(tool), "#!/bin/sh\n");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.writeString(
                home.resolve("release"),
                "IMPLEMENTOR=\"test\"\nJAVA_VERSION=\"" + version + "\"\n");
        return home;
    }
}
