package io.deletionwatch.connectors.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Finds a JDK newer than the one the project builds on, for servers whose jars need it
 * (Elasticsearch 9 is class-file 65, Java 21).
 *
 * <p>Looks in order at {@code $ES_JAVA_HOME}, {@code $JAVA21_HOME}, this JVM, {@code $JAVA_HOME}
 * and every JDK under {@code /usr/lib/jvm}, reading each one's {@code release} file; the newest
 * suitable JDK under {@code /usr/lib/jvm} wins. A variable that is set must point at a suitable
 * JDK: a wrong setting is reported rather than silently skipped.
 */
public final class ModernJdk {
    /** The variables a user sets to choose the JDK, most specific first. */
    public static final List<String> VARIABLES = List.of("ES_JAVA_HOME", "JAVA21_HOME");

    private static final Path SYSTEM_JDKS = Path.of("/usr/lib/jvm");

    private ModernJdk() {}

    /**
     * The home of a JDK (with {@code javac}) whose feature version is at least {@code minimum}.
     *
     * @throws IOException naming what to install or set when there is none
     */
    public static Path find(int minimum) throws IOException {
        return find(
                minimum, System.getenv(), Path.of(System.getProperty("java.home")), SYSTEM_JDKS);
    }

    static Path find(int minimum, Map<String, String> env, Path currentJavaHome, Path systemJdks)
            throws IOException {
        for (String variable : VARIABLES) {
            String value = env.get(variable);
            if (value == null || value.isBlank()) {
                continue;
            }
            Path home = Path.of(value);
            int feature = featureVersion(home).orElse(-1);
            if (feature < minimum || !hasJavac(home)) {
                throw new IOException(
                        variable
                                + "="
                                + value
                                + " is not a JDK "
                                + minimum
                                + " or newer with javac"
                                + (feature > 0 ? " (it is Java " + feature + ")" : "")
                                + "; point it at one, or unset it to search /usr/lib/jvm");
            }
            return home;
        }
        List<Path> candidates = new ArrayList<>();
        candidates.add(currentJavaHome);
        String javaHome = env.get("JAVA_HOME");
        if (javaHome != null && !javaHome.isBlank()) {
            candidates.add(Path.of(javaHome));
        }
        for (Path home : candidates) {
            if (featureVersion(home).orElse(-1) >= minimum && hasJavac(home)) {
                return home;
            }
        }
        if (Files.isDirectory(systemJdks)) {
            try (Stream<Path> homes = Files.list(systemJdks)) {
                Optional<Path> newest =
                        homes.filter(Files::isDirectory)
                                .filter(home -> featureVersion(home).orElse(-1) >= minimum)
                                .filter(ModernJdk::hasJavac)
                                .max(
                                        Comparator.comparingInt(
                                                        (Path home) ->
                                                                featureVersion(home).orElse(-1))
                                                .thenComparing(Path::toString));
                if (newest.isPresent()) {
                    return newest.get();
                }
            }
        }
        throw new IOException(
                "no JDK "
                        + minimum
                        + " or newer found (looked at ES_JAVA_HOME, JAVA21_HOME, this JVM,"
                        + " JAVA_HOME and "
                        + systemJdks
                        + "). Install one, e.g. 'apt-get install openjdk-21-jdk-headless' or a"
                        + " Temurin 21+ JDK, or set ES_JAVA_HOME to the home of a JDK "
                        + minimum
                        + "+");
    }

    /** The feature version (21 for 21.0.4) from a Java home's {@code release} file. */
    static Optional<Integer> featureVersion(Path home) {
        Path release = home.resolve("release");
        if (!Files.isRegularFile(release)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(release)) {
            properties.load(in);
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
        String version = properties.getProperty("JAVA_VERSION");
        if (version == null) {
            return Optional.empty();
        }
        version = version.replace("\"", "").trim();
        String[] parts = version.split("[.+-]");
        try {
            int first = Integer.parseInt(parts[0]);
            // "1.8.0" style versions predate feature numbering.
            return Optional.of(first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean hasJavac(Path home) {
        return Files.isExecutable(home.resolve("bin").resolve("javac"))
                && Files.isExecutable(home.resolve("bin").resolve("java"));
    }
}
