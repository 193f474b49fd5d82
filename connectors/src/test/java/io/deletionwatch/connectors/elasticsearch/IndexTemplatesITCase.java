package io.deletionwatch.connectors.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.transport.rest5_client.Rest5ClientTransport;
import co.elastic.clients.transport.rest5_client.low_level.Request;
import co.elastic.clients.transport.rest5_client.low_level.Response;
import com.fasterxml.jackson.databind.JsonNode;
import io.deletionwatch.connectors.elasticsearch.IndexTemplates.Outcome;
import io.deletionwatch.connectors.elasticsearch.IndexTemplates.Result;
import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link IndexTemplates#install} against a real node. */
class IndexTemplatesITCase {
    @RegisterExtension
    static final ElasticsearchNodeExtension ES = new ElasticsearchNodeExtension();

    @Test
    void installedTemplatesAreTheShippedOnesWithTheirContentHash() throws IOException {
        IndexTemplates.install(ES.client());

        JsonNode templates = getTemplates();
        List<String> names = new ArrayList<>();
        templates.get("index_templates").forEach(item -> names.add(item.get("name").asText()));
        assertThat(names)
                .containsExactlyInAnyOrder(IndexTemplates.FINDINGS, IndexTemplates.DEAD_LETTERS);
        for (JsonNode item : templates.get("index_templates")) {
            JsonNode installed = item.get("index_template");
            JsonNode shipped = IndexTemplates.body(item.get("name").asText());
            assertThat(installed.get("index_patterns")).isEqualTo(shipped.get("index_patterns"));
            assertThat(installed.get("priority").asInt()).isEqualTo(250);
            assertThat(installed.has("data_stream")).isTrue();
            assertThat(installed.get("_meta")).isEqualTo(shipped.get("_meta"));
            // The node normalizes mappings (adds "type": "object", reorders), so compare fields.
            assertThat(fieldTypes(installed.at("/template/mappings")))
                    .isEqualTo(fieldTypes(shipped.at("/template/mappings")))
                    .isNotEmpty();
        }
    }

    @Test
    void aSecondInstallChangesNothing() throws IOException {
        IndexTemplates.install(ES.client());
        String before = getTemplatesJson();

        List<Result> second = IndexTemplates.install(ES.client());

        assertThat(second)
                .containsExactly(
                        new Result(IndexTemplates.FINDINGS, Outcome.UNCHANGED),
                        new Result(IndexTemplates.DEAD_LETTERS, Outcome.UNCHANGED));
        assertThat(getTemplatesJson()).isEqualTo(before);
    }

    @Test
    void aTemplateChangedByHandIsReplacedAndTheOtherLeftAlone() throws IOException {
        IndexTemplates.install(ES.client());
        String changed =
                """
                {"index_patterns":["logs-deletion_watch.findings-*"],"data_stream":{},
                 "priority":250,"_meta":{"managed_by":"someone else"}}
                """;
        ES.client()
                .indices()
                .putIndexTemplate(
                        r -> r.name(IndexTemplates.FINDINGS).withJson(new StringReader(changed)));

        List<Result> results = IndexTemplates.install(ES.client());

        assertThat(results)
                .containsExactly(
                        new Result(IndexTemplates.FINDINGS, Outcome.UPDATED),
                        new Result(IndexTemplates.DEAD_LETTERS, Outcome.UNCHANGED));
        assertThat(installed(IndexTemplates.FINDINGS).get("_meta"))
                .isEqualTo(IndexTemplates.body(IndexTemplates.FINDINGS).get("_meta"));
    }

    /** Every mapped field's path and type, e.g. {@code event.severity=long}. */
    private static Map<String, String> fieldTypes(JsonNode mappings) {
        Map<String, String> types = new TreeMap<>();
        collectFieldTypes("", mappings, types);
        return types;
    }

    private static void collectFieldTypes(
            String prefix, JsonNode mapping, Map<String, String> types) {
        for (Map.Entry<String, JsonNode> field : mapping.path("properties").properties()) {
            String path = prefix + field.getKey();
            String type = field.getValue().path("type").asText("object");
            if (!type.equals("object")) {
                types.put(path, type);
            }
            collectFieldTypes(path + ".", field.getValue(), types);
        }
    }

    private static JsonNode installed(String name) throws IOException {
        for (JsonNode item : getTemplates().get("index_templates")) {
            if (item.get("name").asText().equals(name)) {
                return item.get("index_template");
            }
        }
        throw new AssertionError("no index template " + name);
    }

    private static JsonNode getTemplates() throws IOException {
        return SampleFindings.MAPPER.readTree(getTemplatesJson());
    }

    /** GET _index_template as the node answers it, byte for byte. */
    private static String getTemplatesJson() throws IOException {
        Rest5ClientTransport transport = (Rest5ClientTransport) ES.client()._transport();
        Response response =
                transport
                        .restClient()
                        .performRequest(
                                new Request("GET", "/_index_template/logs-deletion_watch.*"));
        return new String(response.getEntity().getContent().readAllBytes(), StandardCharsets.UTF_8);
    }
}
