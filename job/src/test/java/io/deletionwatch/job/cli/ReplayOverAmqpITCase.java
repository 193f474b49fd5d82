package io.deletionwatch.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.localstack.EventHubsEndpoint;
import io.deletionwatch.job.io.BundledSamples;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code replay --to amqp} as a user runs it (a separate JVM, the connection string in its
 * environment) against the wire-level Event Hubs test endpoint, which the real SDK talks to over a
 * socket; what it published is read back from the endpoint's partitions.
 */
class ReplayOverAmqpITCase {
    private static final String HUB = ReplayCommand.DEFAULT_TOPIC;
    private static final Pattern SUMMARY =
            Pattern.compile("replay: (\\d+) of (\\d+) events acknowledged \\((\\d+) Activity Log records from 1 file(, \\d+ times)?\\)"
                    + " to event hub (\\S+) at (\\S+) over AMQP in [0-9.]+ s, (\\d+)/s; (\\d+) failed(.*)");

    private static EventHubsEndpoint endpoint;

    @TempDir Path dir;
    private Path sample;
    private List<String> sampleLines;

    @BeforeAll
    static void startEndpoint() throws IOException {
        endpoint = EventHubsEndpoint.builder().eventHub(HUB, 2).eventHub("oversized", 1).eventHub("paced", 1).start();
    }

    @AfterAll
    static void stopEndpoint() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    @BeforeEach
    void copySample() throws IOException {
        sample = BundledSamples.copyDemo(dir);
        sampleLines = Files.readAllLines(sample).stream().filter(l -> !l.isBlank()).toList();
    }

    @Test
    void shouldPublishEveryEnvelopeOfTheDemoSampleAsOneEvent() throws Exception {
        CliProcess run = replay(env(endpoint.connectionString()), "--input", sample.toString(), "--to", "amqp");

        assertThat(run.exitCode()).as(run.err()).isZero();
        Matcher summary = lastLine(run);
        assertThat(summary.group(1)).isEqualTo("112");
        assertThat(summary.group(2)).isEqualTo("112");
        assertThat(summary.group(5)).isEqualTo(HUB);
        assertThat(summary.group(6)).isEqualTo("127.0.0.1:" + endpoint.port());
        assertThat(summary.group(8)).isEqualTo("0");
        // Each envelope is one event, byte for byte, spread over the hub's partitions.
        assertThat(bodies(HUB, "0", "1")).containsExactlyInAnyOrderElementsOf(sampleLines);
        // The SDK logs at INFO on the test classpath: the key is in none of it.
        assertThat(run.log()).contains("127.0.0.1").doesNotContain(key(endpoint.connectionString()));
        System.out.println("ReplayOverAmqpITCase: " + run.err().strip());
    }

    @Test
    void shouldSendEachEventOnItsOwnAtTheGivenRate() throws Exception {
        CliProcess run = replay(env(endpoint.connectionString()), "--input", sample.toString(), "--to", "amqp",
                "--topic", "paced", "--repeat", "2", "--rate", "400");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(lastLine(run).group(1)).isEqualTo("224");
        List<String> twice = new ArrayList<>(sampleLines);
        twice.addAll(sampleLines);
        // In order: one partition, each event sent (and acknowledged) before the next.
        assertThat(bodies("paced", "0")).containsExactlyElementsOf(twice);
    }

    @Test
    void shouldCountAMessageLargerThanTheHubTakesAsFailed() throws Exception {
        Path big = dir.resolve("big.ndjson");
        String huge = "{\"records\":[{\"padding\":\"" + "x".repeat(1_100_000) + "\"}]}";
        Files.writeString(big, sampleLines.get(0) + "\n" + huge + "\n" + sampleLines.get(1) + "\n", StandardCharsets.UTF_8);

        CliProcess run = replay(env(endpoint.connectionString()), "--input", big.toString(), "--to", "amqp", "--topic", "oversized");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        Matcher summary = lastLine(run);
        assertThat(summary.group(1)).isEqualTo("1");
        assertThat(summary.group(8)).isEqualTo("1");
        assertThat(summary.group(9)).startsWith(" (first: a message of " + huge.length() + " bytes is larger than the event hub takes (");
        // The message before it was sent; replay stops at the first failure, as for Kafka.
        assertThat(bodies("oversized", "0")).containsExactly(sampleLines.get(0));
    }

    @Test
    void shouldFailWithOneLineWhenTheKeyIsRefused() throws Exception {
        String wrongKey = Base64.getEncoder().encodeToString(new byte[32]);
        CliProcess run = replay(env(endpoint.connectionString(wrongKey)), "--input", sample.toString(), "--to", "amqp");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("deletion-watch replay: Event Hubs at 127.0.0.1:" + endpoint.port()
                        + " refused the key of policy '" + EventHubsEndpoint.DEFAULT_KEY_NAME + "' for event hub '" + HUB
                        + "'; check the connection string's SharedAccessKeyName and SharedAccessKey");
        assertThat(run.log()).doesNotContain(wrongKey).doesNotContain(key(endpoint.connectionString()));
    }

    @Test
    void shouldFailWithOneLineWhenTheEventHubDoesNotExist() throws Exception {
        CliProcess run = replay(env(endpoint.connectionString()), "--input", sample.toString(), "--to", "amqp", "--topic", "no-such-hub");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("deletion-watch replay: event hub 'no-such-hub' does not exist in the namespace at 127.0.0.1:"
                        + endpoint.port() + " (create it first, or check the hub name)");
    }

    @Test
    void shouldFailWithOneLineWithinTheTimeoutWhenNothingListens() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String connectionString = endpoint.connectionString().replace(":" + endpoint.port() + ";", ":" + closedPort + ";");

        CliProcess run = replay(env(connectionString), "--input", sample.toString(), "--to", "amqp", "--timeout", "3s");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("deletion-watch replay: cannot reach Event Hubs at 127.0.0.1:" + closedPort
                        + " within 3 s (is it up, and are the host and port right?)");
    }

    @Test
    void shouldRefuseKafkaOptions() throws Exception {
        CliProcess run = replay(env(endpoint.connectionString()), "--input", sample.toString(), "--to", "amqp",
                "--bootstrap-servers", "localhost:9093");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("deletion-watch replay: --bootstrap-servers is for Kafka; --to amqp connects to the connection string's namespace");
    }

    private static String key(String connectionString) {
        return connectionString.replaceAll(".*SharedAccessKey=([^;]+).*", "$1");
    }

    private static Map<String, String> env(String connectionString) {
        return Map.of("EVENTHUBS_CONNECTION_STRING", connectionString);
    }

    private static Matcher lastLine(CliProcess run) {
        Matcher summary = SUMMARY.matcher(run.err().strip().lines().reduce((a, b) -> b).orElse(""));
        assertThat(summary.matches()).as(run.err()).isTrue();
        return summary;
    }

    private static List<String> bodies(String hub, String... partitions) {
        List<String> bodies = new ArrayList<>();
        for (String partition : partitions) {
            for (EventHubsEndpoint.StoredEventView event : endpoint.events(hub, partition)) {
                bodies.add(new String(event.body(), StandardCharsets.UTF_8));
            }
        }
        return bodies;
    }

    private CliProcess replay(Map<String, String> env, String... args) throws Exception {
        String[] all = new String[args.length + 1];
        all[0] = "replay";
        System.arraycopy(args, 0, all, 1, args.length);
        return CliProcess.run(dir, env, all);
    }
}
