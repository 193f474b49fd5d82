package io.deletionwatch.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code replay}'s usage and configuration errors: one line, exit 2, before anything is sent. */
class ReplayCommandTest {
    private static final String SECRET = "c2VjcmV0LWtleS10aGF0LW11c3Qtbm90LWxlYWs=";

    @TempDir Path dir;

    private Path sample() throws Exception {
        return Files.writeString(dir.resolve("sample.ndjson"), "{\"records\":[{\"time\":\"2026-03-01T10:00:00Z\"}]}\n");
    }

    @Test
    void shouldSayWhichInputFileIsMissing() {
        Path missing = dir.resolve("nope.ndjson");

        CliRun run = CliRun.of("replay", "--input", missing.toString(), "--to", "kafka", "--bootstrap-servers", "127.0.0.1:9");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("deletion-watch replay: input file not found: " + missing);
    }

    @Test
    void shouldRequireBootstrapServersForPlainKafka() throws Exception {
        CliRun run = CliRun.of("replay", "--input", sample().toString(), "--to", "kafka");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("deletion-watch replay: --bootstrap-servers is required with --to kafka");
    }

    @Test
    void shouldRefuseARateThatIsNotPositive() throws Exception {
        CliRun zero = CliRun.of("replay", "--input", sample().toString(), "--to", "kafka", "--bootstrap-servers", "127.0.0.1:9", "--rate", "0");
        CliRun repeat = CliRun.of("replay", "--input", sample().toString(), "--to", "kafka", "--bootstrap-servers", "127.0.0.1:9", "--repeat", "0");

        assertThat(zero.exitCode()).isEqualTo(2);
        assertThat(zero.err().strip()).isEqualTo("deletion-watch replay: --rate must be more than 0 records a second, got 0.0");
        assertThat(repeat.exitCode()).isEqualTo(2);
        assertThat(repeat.err().strip()).isEqualTo("deletion-watch replay: --repeat must be at least 1, got 0");
    }

    @Test
    void shouldRefuseEventHubsOptionsWithPlainKafka() throws Exception {
        CliRun run = CliRun.of("replay", "--input", sample().toString(), "--to", "kafka", "--bootstrap-servers", "127.0.0.1:9", "--kafka-truststore", "t.p12");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("deletion-watch replay: --kafka-truststore needs --to eventhubs (plain Kafka has no TLS here)");
    }

    @Test
    void shouldRejectAMalformedConnectionStringWithoutPrintingIt() throws Exception {
        Path file = Files.writeString(dir.resolve("cs"), "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKey=" + SECRET);

        CliRun run = CliRun.of("replay", "--input", sample().toString(), "--to", "eventhubs", "--eventhubs-connection-string-file", file.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("deletion-watch replay: file " + file + ": the Event Hubs connection string lacks SharedAccessKeyName;"
                        + " expected Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=<policy>;SharedAccessKey=<key>[;EntityPath=<event hub>]");
        assertThat(run.out() + run.err()).doesNotContain(SECRET);
    }

    @Test
    void shouldRefuseATopicOtherThanTheConnectionStringsEventHub() throws Exception {
        Path file = Files.writeString(dir.resolve("cs"),
                "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=" + SECRET + ";EntityPath=hub-a");

        CliRun run = CliRun.of("replay", "--input", sample().toString(), "--to", "eventhubs", "--eventhubs-connection-string-file", file.toString(), "--topic", "hub-b");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("deletion-watch replay: the connection string is scoped to event hub 'hub-a' (EntityPath) but --topic is 'hub-b'");
    }

    @Test
    void shouldFailWithinTheTimeoutWhenNoBrokerAnswers() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }

        CliRun run = CliRun.of("replay", "--input", sample().toString(), "--to", "kafka", "--bootstrap-servers", "127.0.0.1:" + port, "--timeout", "2s");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("deletion-watch replay: cannot reach Kafka at 127.0.0.1:" + port + " within 2 s (is it up, and are the host and port right?)");
    }

    @Test
    void shouldRejectAnUnknownOptionOrTargetInOneLine() throws Exception {
        CliRun unknown = CliRun.of("replay", "--input", sample().toString(), "--to", "kafka", "--frobnicate");
        CliRun target = CliRun.of("replay", "--input", sample().toString(), "--to", "pulsar");

        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err().strip()).isEqualTo("deletion-watch replay: Unknown option: '--frobnicate' (see 'deletion-watch replay --help')");
        assertThat(target.exitCode()).isEqualTo(2);
        assertThat(target.err().strip())
                .isEqualTo("deletion-watch replay: Invalid value for option '--to': expected one of [kafka, eventhubs, amqp] (case-sensitive) but was 'pulsar'"
                        + " (see 'deletion-watch replay --help')");
    }

    @Test
    void shouldListEveryOptionWithItsDefaultInHelp() {
        CliRun help = CliRun.of("replay", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out().replaceAll("\\s+", " "))
                .contains("--input", "--to", "kafka|eventhubs|amqp", "--bootstrap-servers", "--topic",
                        "(default: the connection string's EntityPath, else insights-activity-logs)")
                .contains("--eventhubs-connection-string-file", "--kafka-truststore", "--rate", "as fast as the broker takes them")
                .contains("--repeat", "(default: 1)", "--[no-]rebase-times", "(default: false)", "--timeout", "(default: 30s)")
                .contains("EVENTHUBS_CONNECTION_STRING");
    }
}
