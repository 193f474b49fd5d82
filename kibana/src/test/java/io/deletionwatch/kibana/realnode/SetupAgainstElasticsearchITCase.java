package io.deletionwatch.kibana.realnode;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.deletionwatch.kibana.setup.Setup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code setup} against the real local node, which has neither ILM nor security: the templates are
 * installed and used by a new data stream, a second run changes nothing, and what the node lacks is
 * reported as skipped.
 */
class SetupAgainstElasticsearchITCase {
    @RegisterExtension static final ElasticsearchNodeExtension ES = RealElasticsearch.NODE;

    private static final List<String> TEMPLATES =
            List.of("logs-deletion_watch.findings", "logs-deletion_watch.deadletter");

    @Test
    void installsTheTemplatesAndReportsIlmAndRolesSkipped() {
        String url = RealElasticsearch.url();

        Run first = setup(url);

        assertThat(first.code).as(first.out + first.err).isZero();
        for (String template : TEMPLATES) {
            assertThat(first.outcome("index template " + template)).isIn("created", "unchanged", "updated");
            JsonNode installed = RealElasticsearch.get("/_index_template/" + template)
                    .path("index_templates").get(0).path("index_template");
            assertThat(installed.path("_meta").path("content_hash").asText()).hasSize(64);
            assertThat(installed.path("priority").asInt()).isEqualTo(250);
        }
        assertThat(first.line("ILM policy deletion-watch"))
                .startsWith("  skipped   ILM policy deletion-watch: the cluster has no ILM (no handler for ");
        assertThat(first.outcome("component template deletion-watch@ilm")).isEqualTo("skipped");
        // The Maven Central node has no ingest-geoip module: findings are indexed without a pipeline.
        assertThat(first.line("GeoIP pipeline deletion-watch-findings-geoip"))
                .contains("skipped").contains("the geoip processor");
        assertThat(first.outcome("component template deletion-watch@geoip")).isEqualTo("skipped");
        assertThat(first.line("role deletion-watch-writer"))
                .contains("skipped").contains("the cluster has no security");
        assertThat(first.outcome("role deletion-watch-analyst")).isEqualTo("skipped");
    }

    @Test
    void aSecondRunChangesNothing() {
        String url = RealElasticsearch.url();
        assertThat(setup(url).code).isZero();

        Run second = setup(url);

        assertThat(second.code).as(second.out + second.err).isZero();
        for (String template : TEMPLATES) {
            assertThat(second.outcome("index template " + template)).isEqualTo("unchanged");
        }
        assertThat(second.out).contains("setup done: 2 unchanged, 7 skipped");
    }

    @Test
    void aNewDataStreamGetsTheTemplatesMappings() {
        String url = RealElasticsearch.url();
        assertThat(setup(url).code).isZero();
        String stream = "logs-deletion_watch.findings-" + RealElasticsearch.uniqueNamespace();

        RealElasticsearch.index(stream, FindingFixtures.findings(Instant.now()).subList(0, 1));

        JsonNode mappings = RealElasticsearch.get("/" + stream + "/_mapping");
        JsonNode properties = mappings.elements().next().path("mappings").path("properties");
        assertThat(properties.at("/rule/properties/id/type").asText()).isEqualTo("keyword");
        assertThat(properties.at("/source/properties/ip/type").asText()).isEqualTo("ip");
        assertThat(properties.at("/deletion_watch/properties/resource_types/type").asText()).isEqualTo("flattened");
        assertThat(mappings.elements().next().path("mappings").path("dynamic").asText()).isEqualTo("false");
    }

    private static Run setup(String url) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Setup.run(new String[] {"--es-url", url},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of());
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private record Run(int code, String out, String err) {
        String line(String subject) {
            return out.lines().filter(l -> l.matches("  \\S+ +" + java.util.regex.Pattern.quote(subject) + "(:.*)?"))
                    .findFirst().orElseThrow(() -> new AssertionError("no line for " + subject + " in " + out));
        }

        String outcome(String subject) {
            return line(subject).strip().split(" +")[0];
        }
    }
}
