package io.deletionwatch.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.localstack.EventHubsEndpoint;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run --source amqp}'s connection check against the wire-level Event Hubs endpoint (a test
 * fixture the real SDK talks to): each thing that would make the job fail over and over ends
 * {@code run} with one line and exit 2 before the job starts.
 */
class RunOverAmqpITCase {
    private static final String HUB = "insights-activity-logs";
    private static EventHubsEndpoint endpoint;

    @TempDir static Path dir;

    @BeforeAll
    static void startEndpoint() throws IOException {
        endpoint = EventHubsEndpoint.builder().eventHub(HUB, 2).consumerGroup(HUB, "deletion-watch").start();
    }

    @AfterAll
    static void stopEndpoint() {
        if (endpoint != null) {
            endpoint.close();
        }
    }

    @Test
    void shouldSayWhenTheKeyIsRefused() throws Exception {
        String wrongKey = Base64.getEncoder().encodeToString(new byte[32]);

        CliRun run = run(endpoint.connectionString(wrongKey));

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("deletion-watch run: Event Hubs at 127.0.0.1:" + endpoint.port() + " refused the key of policy '"
                        + EventHubsEndpoint.DEFAULT_KEY_NAME + "' for event hub '" + HUB
                        + "'; check the connection string's SharedAccessKeyName and SharedAccessKey");
        assertThat(run.err()).doesNotContain(wrongKey);
    }

    @Test
    void shouldSayWhenTheEventHubDoesNotExist() throws Exception {
        CliRun run = run(endpoint.connectionString(), "--topic", "no-such-hub");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("deletion-watch run: event hub 'no-such-hub' does not exist in the namespace at 127.0.0.1:"
                        + endpoint.port() + " (create it first, or check the hub name)");
    }

    @Test
    void shouldSayWhenTheConsumerGroupDoesNotExist() throws Exception {
        CliRun run = run(endpoint.connectionString(), "--consumer-group", "nobody");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("deletion-watch run: consumer group 'nobody' does not exist in event hub '" + HUB + "' at 127.0.0.1:"
                        + endpoint.port() + " (create it, or give --consumer-group; the default is $Default)");
    }

    @Test
    void shouldSayWithinTheTimeoutWhenNothingListens() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String connectionString = endpoint.connectionString().replace(":" + endpoint.port() + ";", ":" + closed + ";");

        CliRun run = run(connectionString, "--connect-timeout", "3s");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("deletion-watch run: cannot reach Event Hubs at 127.0.0.1:" + closed
                        + " within 3 s (is it up, and are the host and port right?)");
    }

    /** run --source amqp with the connection string in a file, Elasticsearch not needed yet. */
    private static CliRun run(String connectionString, String... more) throws Exception {
        Path file = Files.createTempFile(dir, "eventhubs", ".txt");
        Files.writeString(file, connectionString);
        int closedElasticsearch;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedElasticsearch = socket.getLocalPort();
        }
        List<String> args = new ArrayList<>(List.of("run", "--source", "amqp", "--eventhubs-connection-string-file", file.toString(),
                "--es-url", "http://127.0.0.1:" + closedElasticsearch, "--no-install-templates"));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }
}
