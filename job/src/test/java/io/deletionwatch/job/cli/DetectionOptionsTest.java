package io.deletionwatch.job.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.config.RulesConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class DetectionOptionsTest {
    @Command(name = "test")
    static final class Host {
        @Mixin DetectionOptions options;
    }

    private static DetectionConfig parse(String... args) {
        Host host = new Host();
        new CommandLine(host).parseArgs(args);
        return host.options.toConfig();
    }

    @Test
    void shouldDefaultToTheIssuesThresholdsAndWindows() {
        DetectionConfig config = parse();

        assertThat(config.rules()).isEqualTo(RulesConfig.defaults());
        assertThat(config.rules().massDeletionThreshold()).isEqualTo(10);
        assertThat(config.rules().massDeletionWindow()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.rules().disassociationWindow()).isEqualTo(Duration.ofMinutes(60));
        assertThat(config.allowlist().isEmpty()).isTrue();
        assertThat(config.enrichment().isEmpty()).isTrue();
    }

    @Test
    void shouldReadEveryRuleOptionTheAllowlistAndTheEnrichmentFile(@TempDir Path dir) throws Exception {
        Path allowlist = dir.resolve("allow.txt");
        Files.writeString(allowlist, "alice@contoso.com\n");
        Path enrichment = dir.resolve("lookup.csv");
        Files.writeString(enrichment, "kind,key,name\nsubscription,abc,Prod\n");

        DetectionConfig config =
                parse(
                        "--mass-deletion-threshold", "25",
                        "--mass-deletion-window", "15m",
                        "--disassociation-window", "2h",
                        "--forced-deletion-window", "90m",
                        "--logging-deletion-window", "30m",
                        "--nsg-attachment-ttl", "90d",
                        "--allowlist", allowlist.toString(),
                        "--allowlist-callers", "Pipeline-App-Id,bob@contoso.com",
                        "--enrichment", enrichment.toString());

        assertThat(config.rules())
                .isEqualTo(
                        new RulesConfig(
                                25,
                                Duration.ofMinutes(15),
                                Duration.ofHours(2),
                                Duration.ofMinutes(90),
                                Duration.ofMinutes(30),
                                Duration.ofDays(90)));
        assertThat(config.allowlist().callers())
                .containsExactlyInAnyOrder("alice@contoso.com", "pipeline-app-id", "bob@contoso.com");
        assertThat(config.enrichment().subscriptions().get("abc").name()).isEqualTo("Prod");
    }

    @Test
    void shouldRefuseUnusableValues() {
        assertThatThrownBy(() -> parse("--mass-deletion-threshold", "1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--mass-deletion-threshold must be at least 2");
        assertThatThrownBy(() -> parse("--disassociation-window", "0s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the disassociation window must be positive, not PT0S");
        assertThatThrownBy(() -> parse("--enrichment", "/no/such/file.csv"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--enrichment: cannot read /no/such/file.csv");
    }

    @Test
    void shouldShowEveryDefaultInTheHelp() {
        StringWriter help = new StringWriter();
        new CommandLine(new Host()).usage(new PrintWriter(help));

        assertThat(help.toString())
                .contains("--mass-deletion-threshold=N")
                .contains("(default: 10)")
                .contains("the burst window (default: 10m)")
                .contains("deleting it (default: 60m)")
                .contains("(default: 30d)")
                .contains("--allowlist-callers=ID");
    }
}
