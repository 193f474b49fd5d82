package io.deletionwatch.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import io.deletionwatch.job.pipeline.StreamingJob;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration errors of {@code run}: one clear line, exit 2, no secret in sight. */
class RunCommandTest {
    private static final String SECRET = "c2VjcmV0LWtleS10aGF0LW11c3Qtbm90LWxlYWs=";

    @TempDir Path dir;

    @Test
    void shouldSayWhereTheConnectionStringComesFromWhenThereIsNone() {
        CliRun run = CliRun.of("run", "--eventhubs-connection-string-file", dir.resolve("missing").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).startsWith("deletion-watch run: ").contains(dir.resolve("missing").toString());
    }

    @Test
    void shouldRejectAMalformedConnectionStringWithoutPrintingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("cs"), "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKey=" + SECRET);

        CliRun run = CliRun.of("run", "--eventhubs-connection-string-file", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err()).contains("SharedAccessKeyName").doesNotContain(SECRET);
        assertThat(run.out()).doesNotContain(SECRET);
    }

    @Test
    void shouldRefuseATopicAndAPatternTogether() {
        CliRun run = CliRun.of("run", "--security", "none", "--bootstrap-servers", "127.0.0.1:9", "--topic", "a", "--topic-pattern", "b.*");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("deletion-watch run: give --topic or --topic-pattern, not both");
    }

    @Test
    void shouldRequireBootstrapServersForPlainKafka() {
        CliRun run = CliRun.of("run", "--security", "none");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("deletion-watch run: --bootstrap-servers is required with --security none");
    }

    @Test
    void shouldNameUnknownKeysInTheConfigFile() throws Exception {
        Path config = Files.writeString(dir.resolve("job.properties"), "group-id = soc\nout-of-ordernes = 5m\n");

        CliRun run = CliRun.of("run", "--config", config.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("deletion-watch run: unknown keys in " + config + ": out-of-ordernes");
    }

    @Test
    void shouldSayWhenTheConfigFileIsMissing() {
        CliRun run = CliRun.of("run", "--config", dir.resolve("nope.properties").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("deletion-watch: config file not found: " + dir.resolve("nope.properties"));
    }

    @Test
    void shouldFailFastWhenNoBrokerAnswers() throws Exception {
        int port = closedPort();

        CliRun run = CliRun.of("run", "--security", "none", "--bootstrap-servers", "127.0.0.1:" + port, "--connect-timeout", "2s");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("deletion-watch run: cannot reach Kafka at 127.0.0.1:" + port + " within 2 s (is it up, and are the host and port right?)");
    }

    @Test
    void shouldRefuseKafkaOptionsWithTheAmqpSourceAndAmqpOptionsWithKafka() throws Exception {
        Path file = dir.resolve("connection-string");
        Files.writeString(file, "Endpoint=sb://contoso.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=c2VjcmV0");

        CliRun kafkaOption = CliRun.of("run", "--source", "amqp", "--eventhubs-connection-string-file", file.toString(),
                "--group-id", "jobs");
        CliRun amqpOption = CliRun.of("run", "--security", "none", "--bootstrap-servers", "127.0.0.1:9", "--consumer-group", "jobs");
        CliRun badPosition = CliRun.of("run", "--source", "amqp", "--eventhubs-connection-string-file", file.toString(),
                "--starting-position", "yesterday");

        assertThat(kafkaOption.exitCode()).isEqualTo(2);
        assertThat(kafkaOption.err().strip())
                .isEqualTo("deletion-watch run: --group-id is for the Kafka source; --source amqp reads the connection string's namespace over AMQP");
        assertThat(amqpOption.exitCode()).isEqualTo(2);
        assertThat(amqpOption.err().strip())
                .isEqualTo("deletion-watch run: --consumer-group, --starting-position and --owner-level are for --source amqp;"
                        + " the Kafka source has --group-id and --starting-offsets");
        assertThat(badPosition.exitCode()).isEqualTo(2);
        assertThat(badPosition.err().strip()).startsWith("deletion-watch run: ").contains("yesterday").doesNotContain("c2VjcmV0");
    }

    @Test
    void shouldRejectAnUnknownOptionInOneLine() {
        CliRun run = CliRun.of("run", "--security", "none", "--bootstrap-server", "127.0.0.1:9");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("deletion-watch run: Unknown options: '--bootstrap-server', '127.0.0.1:9' (see 'deletion-watch run --help')");
    }

    @Test
    void shouldRejectBootstrapServersThatAreNotHostAndPort() {
        CliRun run = CliRun.of("run", "--security", "none", "--bootstrap-servers", "kafka");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("deletion-watch run: bootstrap servers must be host:port[,host:port...], got 'kafka'");
    }

    @Test
    void shouldTakeTheCheckpointIntervalFromTheFlinkConfigurationWhenItSetsOne() {
        Configuration configured = new Configuration();
        configured.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(10));
        StreamExecutionEnvironment cluster = StreamExecutionEnvironment.getExecutionEnvironment(configured);
        StreamExecutionEnvironment bare = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());

        assertThat(RunCommand.checkpointUnlessConfigured(cluster, Duration.ofSeconds(30))).isFalse();
        assertThat(RunCommand.checkpointUnlessConfigured(bare, Duration.ofSeconds(30))).isTrue();

        assertThat(cluster.getCheckpointConfig().getCheckpointInterval()).isEqualTo(10_000L);
        assertThat(bare.getCheckpointConfig().getCheckpointInterval()).isEqualTo(30_000L);
    }

    @Test
    void shouldTakeTheBufferTimeoutFromTheFlinkConfigurationWhenItSetsOne() {
        Configuration configured = new Configuration();
        configured.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(100));
        StreamExecutionEnvironment cluster = StreamExecutionEnvironment.getExecutionEnvironment(configured);
        StreamExecutionEnvironment bare = StreamExecutionEnvironment.getExecutionEnvironment(new Configuration());

        assertThat(StreamingJob.bufferTimeoutUnlessConfigured(cluster)).isFalse();
        assertThat(StreamingJob.bufferTimeoutUnlessConfigured(bare)).isTrue();

        assertThat(cluster.getBufferTimeout()).isEqualTo(100L);
        assertThat(bare.getBufferTimeout()).isEqualTo(10L);
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return socket.getLocalPort();
        }
    }

    @Test
    void shouldListEveryOptionWithItsDefault() {
        CliRun help = CliRun.of("run", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out().replaceAll("\\s+", " "))
                .contains("--source", "kafka|amqp", "(default: kafka)", "--consumer-group", "(default: $Default", "--starting-position", "--owner-level")
                .contains("--bootstrap-servers", "--topic", "--topic-pattern", "--group-id", "(default: deletion-watch)")
                .contains("--starting-offsets", "(default: committed-else-earliest)", "--security", "(default: eventhubs)")
                .contains("--eventhubs-connection-string-file", "--es-url", "(default: http://localhost:9200)")
                .contains("--findings-data-stream", "(default: logs-deletion_watch.findings-default)")
                .contains("--dead-letter-data-stream", "--[no-]install-templates", "--checkpoint-interval", "(default: 30s)")
                .contains("--[no-]check-connections", "(default: true)", "--connect-timeout")
                .contains("--out-of-orderness", "(default: 5m)", "EVENTHUBS_CONNECTION_STRING", "ES_API_KEY");
    }
}
