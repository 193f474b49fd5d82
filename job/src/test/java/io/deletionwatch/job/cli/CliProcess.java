package io.deletionwatch.job.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bin/deletion-watch}'s command line in a JVM of its own, as a user would, with
 * environment variables (secrets, truststore passwords) this JVM cannot set for itself.
 *
 * @param err only the command's own lines ({@code deletion-watch ...} and {@code replay: ...}),
 *     without what the test classpath's logging adds
 * @param log all of standard error, the libraries' logging included, e.g. to look for secrets
 */
record CliProcess(int exitCode, String out, String err, String log) {
    static CliProcess run(Path dir, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The same --add-opens this JVM got: Flink needs them.
        command.addAll(
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                        .filter(a -> a.startsWith("--add-opens"))
                        .toList());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Cli.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("EVENTHUBS_CONNECTION_STRING");
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("deletion-watch " + args[0] + " did not finish within 3 minutes: " + Files.readString(err));
        }
        String ours =
                String.join(
                        "\n",
                        Files.readString(err).lines()
                                .filter(l -> l.startsWith("replay: ") || l.startsWith("deletion-watch"))
                                .toList());
        return new CliProcess(process.exitValue(), Files.readString(out), ours, Files.readString(err));
    }
}
