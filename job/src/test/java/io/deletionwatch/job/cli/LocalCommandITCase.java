package io.deletionwatch.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.testing.Eventually;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code local} demo, as a user runs it: real servers, real findings, nothing left behind. */
class LocalCommandITCase {
    private static final Pattern STARTED =
            Pattern.compile("Kafka at \\S+ \\(pid (\\d+)\\), Elasticsearch at (\\S+) \\(pid (\\d+)\\)");

    @TempDir Path dir;

    /**
     * The README's first command as a newcomer types it: {@code bin/deletion-watch local} (the
     * script, the shaded jar this build made) with an empty server cache, so the Kafka and
     * Elasticsearch jars are fetched and the node starts cold, as on a fresh machine.
     */
    @Test
    void shouldShowAFindingForEveryIncidentOfTheBundledSampleFromAnEmptyCache() throws Exception {
        Path cache = Files.createDirectories(dir.resolve("empty-cache"));
        Path output = dir.resolve("local.out");
        ProcessBuilder builder =
                new ProcessBuilder("bash", Path.of("..", "bin", "deletion-watch").toString(), "local", "--exit-when-done", "--timeout", "4m")
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile());
        builder.environment().put("DELETION_WATCH_CACHE", cache.toString());
        builder.environment().put("DELETION_WATCH_LOG_DIR", dir.resolve("logs").toString());
        Process local = builder.start();
        try {
            assertThat(local.waitFor(10, TimeUnit.MINUTES)).as("local finished").isTrue();
        } finally {
            local.destroyForcibly();
        }
        String out = Files.readString(output);

        assertThat(local.exitValue()).as(out).isZero();
        assertThat(out).doesNotContain("building"); // the jar of this build, not a nested one
        List<String> findingLines = out.lines().filter(l -> l.startsWith("  +")).toList();
        assertThat(findingLines).as(out).hasSize(11);
        for (String rule : RULES) {
            assertThat(findingLines).as(rule).anyMatch(l -> l.contains(" " + rule + " "));
        }
        assertThat(out).contains("Done: 11 findings from 112 records.");
        assertThat(cache.resolve("servers")).isDirectory(); // the servers came into the empty cache
    }

    /**
     * {@code local --source amqp}: the sample through the wire-level Event Hubs endpoint and the
     * job's AMQP source instead of the broker, with the same findings; the Elasticsearch node stops
     * with it.
     */
    @Test
    void shouldShowTheSameFindingsOverAmqp() throws Exception {
        Path output = dir.resolve("local-amqp.out");
        ProcessBuilder builder =
                new ProcessBuilder("bash", Path.of("..", "bin", "deletion-watch").toString(), "local", "--source", "amqp",
                                "--exit-when-done", "--timeout", "4m")
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile());
        builder.environment().put("DELETION_WATCH_LOG_DIR", dir.resolve("logs-amqp").toString());
        Process local = builder.start();
        try {
            assertThat(local.waitFor(10, TimeUnit.MINUTES)).as("local finished").isTrue();
        } finally {
            local.destroyForcibly();
        }
        String out = Files.readString(output);

        assertThat(local.exitValue()).as(out).isZero();
        Matcher started = Pattern.compile("Event Hubs test endpoint \\(AMQP\\) at 127\\.0\\.0\\.1:\\d+, Elasticsearch at \\S+ \\(pid (\\d+)\\)")
                .matcher(out);
        assertThat(started.find()).as(out).isTrue();
        assertThat(out).contains("Published 112 Activity Log records to event hub insights-activity-logs over AMQP.");
        List<String> findingLines = out.lines().filter(l -> l.startsWith("  +")).toList();
        assertThat(findingLines).as(out).hasSize(11);
        for (String rule : RULES) {
            assertThat(findingLines).as(rule).anyMatch(l -> l.contains(" " + rule + " "));
        }
        assertThat(out).contains("Done: 11 findings from 112 records.");
        long elasticsearchPid = Long.parseLong(started.group(1));
        Eventually.await("the Elasticsearch node to exit", Duration.ofSeconds(60), () -> !alive(elasticsearchPid));
    }

    private static final List<String> RULES =
            List.of(
                    "nsg-deleted",
                    "nsg-rule-changed",
                    "nsg-disassociated-then-deleted",
                    "nsg-forced-deletion",
                    "mass-deletion",
                    "logging-disabled",
                    "logging-disabled-then-deletion");

    @Test
    void shouldStopItsServersWhenItIsKilled() throws Exception {
        Path sample =
                Files.writeString(
                        dir.resolve("sample.ndjson"),
                        "{\"records\":[{\"time\":\"2026-03-01T10:00:00Z\",\"resourceId\":\"/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/networkSecurityGroups/n\","
                                + "\"operationName\":\"Microsoft.Network/networkSecurityGroups/delete\",\"resultType\":\"Success\",\"correlationId\":\"c\"}]}\n");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The same --add-opens this JVM got: Flink needs them.
        command.addAll(
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                        .filter(a -> a.startsWith("--add-opens"))
                        .toList());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Cli.class.getName(), "local", "--sample", sample.toString()));
        Process demo = new ProcessBuilder(command).redirectErrorStream(true).start();
        long kafkaPid;
        long elasticsearchPid;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
            Matcher started = null;
            String line;
            List<String> seen = new ArrayList<>();
            while ((line = out.readLine()) != null) {
                seen.add(line);
                Matcher m = STARTED.matcher(line);
                if (m.find()) {
                    started = m;
                }
                if (line.startsWith("Published ")) {
                    break;
                }
            }
            assertThat(started).as("the demo's output: %s", seen).isNotNull();
            kafkaPid = Long.parseLong(started.group(1));
            elasticsearchPid = Long.parseLong(started.group(3));
            assertThat(ProcessHandle.of(kafkaPid)).isPresent();
            assertThat(ProcessHandle.of(elasticsearchPid)).isPresent();

            demo.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertThat(demo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            demo.destroyForcibly();
        }

        Eventually.await("the Kafka broker to exit", Duration.ofSeconds(60), () -> !alive(kafkaPid));
        Eventually.await("the Elasticsearch node to exit", Duration.ofSeconds(60), () -> !alive(elasticsearchPid));
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
