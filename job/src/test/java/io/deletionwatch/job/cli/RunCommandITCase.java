package io.deletionwatch.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.localstack.KafkaBroker;
import io.deletionwatch.connectors.localstack.KafkaBrokerExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code run} refuses to start, with one line and exit 2, when what it connects to is wrong: the
 * job would otherwise restart for ever against it.
 */
class RunCommandITCase {
    @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir Path dir;

    @Test
    void shouldNameATopicThatDoesNotExist() {
        KafkaBroker broker = KAFKA.broker();

        CliRun run = CliRun.of("run", "--security", "none", "--bootstrap-servers", broker.plaintextBootstrap(), "--topic", "no-such-hub",
                "--connect-timeout", "20s");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("deletion-watch run: topic 'no-such-hub' does not exist at " + broker.plaintextBootstrap()
                        + " (create it first: an event hub of that name on Event Hubs)");
    }

    @Test
    void shouldSayWhenTheEventHubsLoginIsRefused() throws Exception {
        KafkaBroker broker = KAFKA.broker();
        String topic = KAFKA.newTopic("run-denied", 1);
        String wrong = KafkaBroker.randomConnectionString();

        CliProcess run = CliProcess.run(dir,
                Map.of("EVENTHUBS_CONNECTION_STRING", wrong, "KAFKA_TRUSTSTORE_PASSWORD", broker.truststorePassword()),
                "run", "--bootstrap-servers", broker.eventHubsBootstrap(), "--topic", topic,
                "--kafka-truststore", broker.truststorePath().toString(), "--connect-timeout", "20s");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .isEqualTo("deletion-watch run: Kafka at " + broker.eventHubsBootstrap()
                        + " refused the login (Authentication failed: Invalid username or password); check the Event Hubs connection string");
        assertThat(run.out() + run.err()).doesNotContain(wrong.split("SharedAccessKey=")[1]);
    }

    @Test
    void shouldSayWhenTheTruststoreIsMissing() throws Exception {
        KafkaBroker broker = KAFKA.broker();
        String topic = KAFKA.newTopic("run-tls", 1);

        CliProcess run = CliProcess.run(dir,
                Map.of("EVENTHUBS_CONNECTION_STRING", broker.eventHubsConnectionString()),
                "run", "--bootstrap-servers", broker.eventHubsBootstrap(), "--topic", topic, "--connect-timeout", "20s");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .startsWith("deletion-watch run: TLS with Kafka at " + broker.eventHubsBootstrap() + " failed (")
                .endsWith("); a private CA needs --kafka-truststore");
        assertThat(run.err().lines()).hasSize(1);
    }

    @Test
    void shouldSayWhenElasticsearchCannotBeReached() throws Exception {
        KafkaBroker broker = KAFKA.broker();
        String topic = KAFKA.newTopic("run-no-es", 1);
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }

        CliRun run = CliRun.of("run", "--security", "none", "--bootstrap-servers", broker.plaintextBootstrap(), "--topic", topic,
                "--es-url", "http://127.0.0.1:" + port, "--connect-timeout", "20s");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("deletion-watch run: cannot reach Elasticsearch at http://127.0.0.1:" + port + ": connection refused");
    }
}
