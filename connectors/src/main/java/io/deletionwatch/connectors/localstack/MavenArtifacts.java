package io.deletionwatch.connectors.localstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Fetches the jars of a server (Kafka, Elasticsearch) from Maven Central into a cache folder, once.
 *
 * <p>The servers of the local stack are not dependencies of the job: they would bloat the shaded
 * jar and clash with Flink's classpath. Instead a tiny POM naming the server artifacts is written
 * to the cache and Maven copies their runtime closure next to it.
 */
public final class MavenArtifacts {
    private static final String COMPLETE_MARKER = ".complete";

    private MavenArtifacts() {}

    /** The cache root: {@code $DELETION_WATCH_CACHE}, else {@code ~/.cache/deletion-watch}. */
    public static Path cacheRoot() {
        String configured = System.getenv("DELETION_WATCH_CACHE");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "deletion-watch");
    }

    /**
     * Returns a folder holding the given artifacts and their runtime dependencies, resolving them
     * with Maven the first time.
     *
     * @param name a folder name unique to this set of coordinates, e.g. {@code kafka-4.2.2}
     * @param coordinates {@code groupId:artifactId:version}
     */
    public static Path resolve(String name, List<String> coordinates) throws IOException {
        Path dir = cacheRoot().resolve("servers").resolve(name);
        Path lib = dir.resolve("lib");
        if (Files.exists(dir.resolve(COMPLETE_MARKER))) {
            return lib;
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("pom.xml"), pom(name, coordinates), StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>();
        command.add(mavenCommand());
        command.addAll(List.of("-B", "-q", "-f", dir.resolve("pom.xml").toString()));
        String repoLocal = System.getProperty("maven.repo.local");
        if (repoLocal != null && !repoLocal.isBlank()) {
            command.add("-Dmaven.repo.local=" + repoLocal);
        }
        command.addAll(
                List.of(
                        "org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies",
                        "-DincludeScope=runtime",
                        "-DoutputDirectory=" + lib));
        Path log = dir.resolve("resolve.log");
        Process process;
        try {
            process =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(log.toFile())
                            .start();
        } catch (IOException e) {
            throw new IOException(
                    "cannot run Maven ('"
                            + command.get(0)
                            + "') to fetch the "
                            + name
                            + " server jars: install Maven or set MAVEN_CMD",
                    e);
        }
        try {
            if (!process.waitFor(15, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IOException(
                        "Maven took over 15 minutes to fetch " + name + "; see " + log);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + name, e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(
                    "Maven could not fetch the "
                            + name
                            + " server jars (exit "
                            + process.exitValue()
                            + "): "
                            + tail(log, 15));
        }
        Files.writeString(dir.resolve(COMPLETE_MARKER), String.join("\n", coordinates));
        return lib;
    }

    /** The jar files in a folder returned by {@link #resolve}, sorted by name. */
    public static List<Path> jars(Path lib) throws IOException {
        try (Stream<Path> files = Files.list(lib)) {
            return files.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    private static String mavenCommand() {
        String configured = System.getenv("MAVEN_CMD");
        return configured == null || configured.isBlank() ? "mvn" : configured;
    }

    private static String pom(String name, List<String> coordinates) {
        StringBuilder deps = new StringBuilder();
        for (String coordinate : coordinates) {
            String[] parts = coordinate.split(":");
            if (parts.length != 3) {
                throw new IllegalArgumentException(
                        "expected groupId:artifactId:version, got " + coordinate);
            }
            deps.append(
                    String.format(
                            "    <dependency><groupId>%s</groupId><artifactId>%s</artifactId>"
                                    + "<version>%s</version></dependency>%n",
                            parts[0], parts[1], parts[2]));
        }
        return """
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>io.deletionwatch.localstack</groupId>
          <artifactId>%s</artifactId>
          <version>1</version>
          <dependencies>
        %s  </dependencies>
        </project>
        """
                .formatted(name.replaceAll("[^A-Za-z0-9_.-]", "-"), deps);
    }

    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }
}
