package io.deletionwatch.job.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.job.cli.Cli;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.io.BundledSamples;
import io.deletionwatch.job.rules.Rules;
import io.deletionwatch.connectors.testing.CollectingSink;
import io.deletionwatch.job.testing.DemoSample;
import io.deletionwatch.job.testing.TestCaller;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class DemoSampleTest {
    @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

    /** What the sample must yield: rule, primary resource (or, for a burst, the caller), caller. */
    private static final Set<String> EXPECTED =
            new TreeSet<>(
                    List.of(
                            "nsg-rule-changed " + DemoSample.OPEN_RDP_RULE + " bob@contoso.com",
                            "nsg-deleted " + DemoSample.LEGACY_NSG + " carol@contoso.com",
                            "nsg-deleted " + DemoSample.PAYMENTS_NSG + " dave@contoso.com",
                            "nsg-deleted " + DemoSample.DB_NSG + " eve@contoso.com",
                            "nsg-disassociated-then-deleted " + DemoSample.PAYMENTS_NSG + " dave@contoso.com",
                            "nsg-disassociated-then-deleted " + DemoSample.DB_NSG + " eve@contoso.com",
                            "nsg-forced-deletion " + DemoSample.DB_NSG + " eve@contoso.com",
                            "mass-deletion " + DemoSample.CI_DEPLOYER.appId() + " " + DemoSample.CI_DEPLOYER.appId(),
                            "logging-disabled " + DemoSample.FLOW_LOG + " frank@contoso.com",
                            "logging-disabled " + DemoSample.ACTIVITY_EXPORT + " mallory@contoso.com",
                            "logging-disabled-then-deletion " + DemoSample.BACKUP_STORAGE + " mallory@contoso.com"));

    private static final Path SAMPLE = DemoSample.FILE;

    @Test
    void shouldBeWhatTheGeneratorWrites() throws Exception {
        assertThat(Files.readString(SAMPLE, StandardCharsets.UTF_8))
                .as("job/samples/activity-log-demo.ndjson is stale: run DemoSample.main and commit the file")
                .isEqualTo(DemoSample.ndjson());
    }

    @Test
    void shouldBeOnTheClasspathForTheJar() throws Exception {
        try (var in = BundledSamples.openDemo()) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(Files.readString(SAMPLE));
        }
    }

    @Test
    void shouldYieldEveryRulesIncidentExactlyOnceAndNothingElse() throws Exception {
        CollectingSink<Finding> findings = new CollectingSink<>();
        CollectingSink<DeadLetter> deadLetters = new CollectingSink<>();
        DetectionConfig config = DetectionConfig.defaults();

        Detect.Summary summary = Detect.run(List.of(SAMPLE), Rules.all(config), config, findings, deadLetters);

        Map<String, Finding> incidents = new LinkedHashMap<>();
        List<Finding> all = findings.drain();
        all.forEach(f -> incidents.put(f.id(), f));
        Set<String> found = new TreeSet<>();
        for (Finding f : incidents.values()) {
            String primary = f.resource() != null ? f.resource().id() : f.caller().displayName();
            found.add(f.rule().id() + " " + primary + " " + f.caller().displayName());
        }
        assertThat(found).isEqualTo(EXPECTED);
        assertThat(incidents).hasSize(EXPECTED.size());
        assertThat(deadLetters.drain()).isEmpty();

        Finding burst =
                incidents.values().stream().filter(f -> f.rule().id().equals("mass-deletion")).findFirst().orElseThrow();
        assertThat(burst.details().count()).isEqualTo((long) DemoSample.SHOP_DELETIONS);
        assertThat(burst.details().resourceGroups()).containsExactly(DemoSample.SHOP);
        assertThat(burst.caller().id()).isEqualTo(DemoSample.CI_DEPLOYER.objectId());
        // the burst's first version at the threshold, then the final count, under one id
        assertThat(all.stream().filter(f -> f.rule().id().equals("mass-deletion")))
                .extracting(f -> f.details().count())
                .containsExactly(10L, 14L);
        assertThat(summary.findings()).isEqualTo(EXPECTED.size());
        assertThat(summary.updates()).isEqualTo(1);
        assertThat(summary.deadLetters()).isZero();
    }

    @Test
    void shouldBeWhatTheDetectCommandReportsFromTheCommandLine(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("findings.ndjson");
        Path dead = dir.resolve("dead.ndjson");

        int exit =
                Cli.execute(
                        "detect",
                        "--input", SAMPLE.toString(),
                        "--output", out.toString(),
                        "--dead-letters", dead.toString(),
                        "--allowlist-callers", TestCaller.BOB.upn());

        assertThat(exit).isZero();
        ObjectMapper mapper = new ObjectMapper();
        Map<String, JsonNode> byId = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out)) {
            JsonNode doc = mapper.readTree(line);
            byId.put(doc.path("event").path("id").asText(), doc);
        }
        assertThat(byId).hasSize(EXPECTED.size());
        JsonNode rdp =
                byId.values().stream()
                        .filter(d -> d.path("rule").path("id").asText().equals("nsg-rule-changed"))
                        .findFirst()
                        .orElseThrow();
        // bob is allowlisted: high lowered to medium, tagged
        assertThat(rdp.path("deletion_watch").path("severity").asText()).isEqualTo("medium");
        assertThat(rdp.path("tags").toString()).contains("allowlisted");
        assertThat(rdp.path("deletion_watch").path("nsg_rule").path("opens_inbound_from_any").asBoolean()).isTrue();
        assertThat(Files.readString(dead)).isEmpty();
    }
}
