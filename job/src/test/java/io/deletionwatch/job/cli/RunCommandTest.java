package io.deletionwatch.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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
    void shouldListEveryOptionWithItsDefault() {
        CliRun help = CliRun.of("run", "--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out().replaceAll("\\s+", " "))
                .contains("--bootstrap-servers", "--topic", "--topic-pattern", "--group-id", "(default: deletion-watch)")
                .contains("--starting-offsets", "(default: committed-else-earliest)", "--security", "(default: eventhubs)")
                .contains("--eventhubs-connection-string-file", "--es-url", "(default: http://localhost:9200)")
                .contains("--findings-data-stream", "(default: logs-deletion_watch.findings-default)")
                .contains("--dead-letter-data-stream", "--[no-]install-templates", "--checkpoint-interval", "(default: 30s)")
                .contains("--out-of-orderness", "(default: 5m)", "EVENTHUBS_CONNECTION_STRING", "ES_API_KEY");
    }
}
