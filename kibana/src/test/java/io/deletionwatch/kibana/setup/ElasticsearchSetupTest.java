package io.deletionwatch.kibana.setup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.kibana.KibanaAssets;
import io.deletionwatch.kibana.assets.TemplateFields;
import io.deletionwatch.kibana.setup.FakeServer.Reply;
import io.deletionwatch.kibana.setup.FakeServer.Request;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The Elasticsearch half of {@code setup} against fake endpoints: the right paths, headers and
 * bodies; a second run that changes nothing; what the cluster lacks reported as skipped; and one
 * clear line when Elasticsearch cannot be reached or refuses.
 */
class ElasticsearchSetupTest {
    private static final Map<String, String> API_KEY = Map.of("ES_API_KEY", "c2VjcmV0LWtleQ==");

    @Test
    void installsTemplatesIlmPolicyAndRolesOnAFullCluster() {
        try (FakeElasticsearch es = fullCluster()) {
            SetupRun run = SetupRun.of(API_KEY, "--es-url", es.server.url().toString(), "--retention-days", "90");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(es.server.requests())
                    .allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("ApiKey c2VjcmV0LWtleQ=="));
            assertThat(es.server.requests("PUT")).extracting(Request::path).containsExactly(
                    "/_ilm/policy/deletion-watch",
                    "/_component_template/deletion-watch@ilm",
                    "/_ingest/pipeline/deletion-watch-findings-geoip",
                    "/_component_template/deletion-watch@geoip",
                    "/_index_template/logs-deletion_watch.findings",
                    "/_index_template/logs-deletion_watch.deadletter",
                    "/_security/role/deletion-watch-writer",
                    "/_security/role/deletion-watch-analyst");
            es.server.requests("PUT").forEach(r ->
                    assertThat(r.header("Content-Type")).isEqualTo("application/json"));

            JsonNode phases = es.stored.get("/_ilm/policy/deletion-watch").path("policy").path("phases");
            assertThat(phases.path("hot").path("actions").path("rollover").path("max_age").asText()).isEqualTo("7d");
            assertThat(phases.path("delete").path("min_age").asText()).isEqualTo("90d");
            assertThat(phases.path("delete").path("actions").has("delete")).isTrue();

            assertThat(es.stored.get("/_component_template/deletion-watch@ilm")
                    .at("/template/settings/index/lifecycle/name").asText()).isEqualTo("deletion-watch");
            JsonNode findings = es.stored.get("/_index_template/logs-deletion_watch.findings");
            assertThat(findings.path("index_patterns").get(0).asText()).isEqualTo("logs-deletion_watch.findings-*");
            assertThat(findings.path("data_stream").isObject()).isTrue();
            assertThat(findings.path("composed_of")).extracting(JsonNode::asText)
                    .containsExactly("deletion-watch@ilm", "deletion-watch@geoip");
            assertThat(findings.path("ignore_missing_component_templates")).extracting(JsonNode::asText)
                    .containsExactly("deletion-watch@ilm", "deletion-watch@geoip");
            assertThat(es.stored.get("/_component_template/deletion-watch@geoip")
                    .at("/template/settings/index/default_pipeline").asText()).isEqualTo("deletion-watch-findings-geoip");
            JsonNode pipeline = es.stored.get("/_ingest/pipeline/deletion-watch-findings-geoip");
            assertThat(pipeline.path("processors")).extracting(p -> p.fieldNames().next() + " "
                            + p.elements().next().path("field").asText() + " -> "
                            + p.elements().next().path("target_field").asText())
                    .containsExactly("geoip source.ip -> source.geo", "geoip source.ip -> source.as",
                            "rename source.as.asn -> source.as.number",
                            "rename source.as.organization_name -> source.as.organization.name");
            assertThat(pipeline.path("processors")).allSatisfy(p ->
                    assertThat(p.elements().next().path("ignore_failure").asBoolean()).as("never costs the finding").isTrue());
            assertThat(pipeline.at("/processors/1/geoip/database_file").asText()).isEqualTo("GeoLite2-ASN.mmdb");
            for (String field : List.of("source.geo.location", "source.geo.country_iso_code", "source.geo.city_name",
                    "source.as.number", "source.as.organization.name")) {
                assertThat(TemplateFields.findings().type(field)).as(field).isPresent();
            }
            assertThat(run.outcome("GeoIP pipeline deletion-watch-findings-geoip")).isEqualTo("created");
            assertThat(run.outcome("component template deletion-watch@geoip")).isEqualTo("created");
            assertThat(findings.at("/template/mappings/properties/rule/properties/id/type").asText())
                    .isEqualTo("keyword");
            assertThat(es.stored.get("/_index_template/logs-deletion_watch.deadletter").path("index_patterns").get(0)
                    .asText()).isEqualTo("logs-deletion_watch.deadletter-*");

            JsonNode writer = es.stored.get("/_security/role/deletion-watch-writer");
            assertThat(writer.path("indices")).hasSize(1);
            assertThat(writer.path("indices").get(0).path("names")).extracting(JsonNode::asText)
                    .containsExactly("logs-deletion_watch.findings-*", "logs-deletion_watch.deadletter-*");
            assertThat(writer.path("indices").get(0).path("privileges")).extracting(JsonNode::asText)
                    .as("create documents only").containsExactly("create_doc", "auto_configure");
            assertThat(writer.path("cluster")).extracting(JsonNode::asText).containsExactly("monitor");
            JsonNode analyst = es.stored.get("/_security/role/deletion-watch-analyst");
            assertThat(analyst.path("indices").get(0).path("privileges")).extracting(JsonNode::asText)
                    .containsExactly("read", "view_index_metadata");
            assertThat(analyst.path("cluster")).isEmpty();
            assertThat(analyst.path("applications").get(0).path("privileges")).extracting(JsonNode::asText)
                    .allSatisfy(p -> assertThat(p).endsWith(".read"));

            assertThat(run.outcome("ILM policy deletion-watch")).isEqualTo("created");
            assertThat(run.outcome("component template deletion-watch@ilm")).isEqualTo("created");
            assertThat(run.outcome("index template logs-deletion_watch.findings")).isEqualTo("created");
            assertThat(run.outcome("index template logs-deletion_watch.deadletter")).isEqualTo("created");
            assertThat(run.outcome("role deletion-watch-writer")).isEqualTo("created");
            assertThat(run.outcome("role deletion-watch-analyst")).isEqualTo("created");
            assertThat(run.out()).contains("version 9.5.3");
        }
    }

    /** ILM, security and the GeoIP pipeline's processors. */
    private static FakeElasticsearch fullCluster() {
        FakeElasticsearch es = new FakeElasticsearch(true, true);
        es.processors = Set.of("set", "geoip", "rename");
        return es;
    }

    @Test
    void aSecondRunChangesNothing() {
        try (FakeElasticsearch es = fullCluster()) {
            String url = es.server.url().toString();
            assertThat(SetupRun.of(API_KEY, "--es-url", url).exitCode()).isZero();
            es.server.clear();

            SetupRun second = SetupRun.of(API_KEY, "--es-url", url);

            assertThat(second.exitCode()).as(second.toString()).isZero();
            assertThat(es.server.requests("PUT")).isEmpty();
            for (String subject : List.of("ILM policy deletion-watch", "component template deletion-watch@ilm",
                    "GeoIP pipeline deletion-watch-findings-geoip", "component template deletion-watch@geoip",
                    "index template logs-deletion_watch.findings", "index template logs-deletion_watch.deadletter",
                    "role deletion-watch-writer",
                    "role deletion-watch-analyst")) {
                assertThat(second.outcome(subject)).as(subject).isEqualTo("unchanged");
            }
            assertThat(second.out()).contains("setup done: 8 unchanged, 1 skipped");
        }
    }

    @Test
    void anotherRetentionUpdatesOnlyThePolicy() {
        try (FakeElasticsearch es = new FakeElasticsearch(true, true)) {
            String url = es.server.url().toString();
            SetupRun.of(API_KEY, "--es-url", url);
            es.server.clear();

            SetupRun run = SetupRun.of(API_KEY, "--es-url", url, "--retention-days", "3");

            assertThat(run.outcome("ILM policy deletion-watch")).isEqualTo("updated");
            assertThat(run.line("ILM policy deletion-watch"))
                    .contains("rollover after 3 days or 50 GB a shard, delete 3 days after rollover");
            assertThat(run.outcome("index template logs-deletion_watch.findings")).isEqualTo("unchanged");
            assertThat(run.outcome("component template deletion-watch@ilm")).isEqualTo("unchanged");
            assertThat(es.server.requests("PUT")).extracting(Request::path)
                    .containsExactly("/_ilm/policy/deletion-watch");
        }
    }

    @Test
    void whatTheClusterLacksIsReportedSkippedNotDone() {
        try (FakeElasticsearch es = new FakeElasticsearch(false, false)) {
            SetupRun run = SetupRun.of(Map.of(), "--es-url", es.server.url().toString());

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(run.outcome("ILM policy deletion-watch")).isEqualTo("skipped");
            assertThat(run.line("ILM policy deletion-watch")).contains("the cluster has no ILM");
            assertThat(run.outcome("role deletion-watch-writer")).isEqualTo("skipped");
            assertThat(run.outcome("role deletion-watch-analyst")).isEqualTo("skipped");
            assertThat(run.line("role deletion-watch-writer")).contains("the cluster has no security");
            assertThat(run.outcome("component template deletion-watch@ilm")).isEqualTo("skipped");
            assertThat(run.line("GeoIP pipeline deletion-watch-findings-geoip"))
                    .contains("skipped").contains("the cluster lacks the geoip processor, the rename processor;"
                            + " findings carry no source.geo or source.as");
            assertThat(run.outcome("component template deletion-watch@geoip")).isEqualTo("skipped");
            assertThat(run.outcome("index template logs-deletion_watch.findings")).isEqualTo("created");
            assertThat(es.server.requests("PUT")).extracting(Request::path).containsExactly(
                    "/_index_template/logs-deletion_watch.findings", "/_index_template/logs-deletion_watch.deadletter");
            assertThat(es.server.requests()).allSatisfy(r -> assertThat(r.header("Authorization")).isNull());
            assertThat(run.out()).contains("setup done: 2 created, 7 skipped");
        }
    }

    @Test
    void usernameAndPasswordAreSentAsBasicAuthentication() {
        try (FakeElasticsearch es = new FakeElasticsearch(false, false)) {
            SetupRun.of(Map.of("ES_USERNAME", "elastic", "ES_PASSWORD", "pa ss"), "--es-url", es.server.url().toString());

            String expected = "Basic " + Base64.getEncoder().encodeToString("elastic:pa ss".getBytes(StandardCharsets.UTF_8));
            assertThat(es.server.requests()).isNotEmpty()
                    .allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo(expected));
        }
    }

    @Test
    void refusedCredentialsStopWithOneClearLineAndNoSecret() {
        try (FakeServer es = new FakeServer().handler(r -> Reply.json(401,
                "{\"error\":{\"type\":\"security_exception\",\"reason\":\"unable to authenticate\"},\"status\":401}"))) {
            SetupRun run = SetupRun.of(API_KEY, "--es-url", es.url().toString());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().lines().toList()).containsExactly(
                    "setup failed: Elasticsearch at " + es.url() + " refused the credentials (401 Unauthorized) "
                            + "while reading the cluster information; using API key from ES_API_KEY. "
                            + "Set ES_API_KEY or ES_USERNAME/ES_PASSWORD.");
            assertThat(run.out() + run.err()).doesNotContain("c2VjcmV0LWtleQ==");
            assertThat(es.requests()).hasSize(1);
        }
    }

    @Test
    void aForbiddenRoleStopsSetupNamingWhatWasRefused() {
        try (FakeElasticsearch full = new FakeElasticsearch(true, true);
                FakeServer es = new FakeServer()) {
            es.handler(r -> r.method().equals("PUT") && r.path().startsWith("/_security/")
                    ? Reply.json(403, "{\"error\":{\"type\":\"security_exception\",\"reason\":\"action "
                            + "[cluster:admin/xpack/security/role/put] is unauthorized for user [writer]\"},"
                            + "\"status\":403}")
                    : full.answer(r));

            SetupRun run = SetupRun.of(Map.of("ES_USERNAME", "writer", "ES_PASSWORD", "pw"),
                    "--es-url", es.url().toString());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().strip()).isEqualTo(
                    "setup failed: Elasticsearch at " + es.url() + " refused to let user writer from ES_USERNAME "
                            + "creating role deletion-watch-writer (403 Forbidden): security_exception: action "
                            + "[cluster:admin/xpack/security/role/put] is unauthorized for user [writer]");
            assertThat(run.out()).contains("setup stopped after: 4 created");
            assertThat(es.requests()).extracting(Request::path).doesNotContain("/_security/role/deletion-watch-analyst");
        }
    }

    @Test
    void anUnreachableClusterStopsWithOneClearLine() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        SetupRun run = SetupRun.of(Map.of(), "--es-url", "http://127.0.0.1:" + port);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo(
                "setup failed: cannot reach Elasticsearch at http://127.0.0.1:" + port + ": connection refused");
    }

    @Test
    void anUnexpectedAnswerNamesTheRequestAndTheReason() {
        try (FakeElasticsearch full = new FakeElasticsearch(false, false);
                FakeServer es = new FakeServer()) {
            es.handler(r -> r.method().equals("PUT")
                    ? Reply.json(400, "{\"error\":{\"type\":\"illegal_argument_exception\",\"reason\":\"index "
                            + "template [logs-deletion_watch.findings] has index patterns [logs-deletion_watch.findings-*] "
                            + "matching patterns from existing templates [old] that have the same priority [250]\"},"
                            + "\"status\":400}")
                    : full.answer(r));

            SetupRun run = SetupRun.of(Map.of(), "--es-url", es.url().toString());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err().strip()).isEqualTo(
                    "setup failed: Elasticsearch at " + es.url() + " answered 400 to PUT "
                            + "/_index_template/logs-deletion_watch.findings while creating index template "
                            + "logs-deletion_watch.findings: illegal_argument_exception: index template "
                            + "[logs-deletion_watch.findings] has index patterns [logs-deletion_watch.findings-*] "
                            + "matching patterns from existing templates [old] that have the same priority [250]");
        }
    }

    @Test
    void indexTemplatesAreTheConnectorsResourcesWithTheHashTheSinksInstallerComputes() throws Exception {
        try (FakeElasticsearch es = new FakeElasticsearch(false, false)) {
            SetupRun.of(Map.of(), "--es-url", es.server.url().toString());

            ObjectMapper mapper = new ObjectMapper();
            for (String name : List.of("findings", "deadletter")) {
                ObjectNode resource =
                        (ObjectNode) mapper.readTree(
                                KibanaAssets.readResource(
                                        "/io/deletionwatch/connectors/elasticsearch/" + name + "-template.json"));
                String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(mapper.writeValueAsBytes(resource)));
                ((ObjectNode) resource.get("_meta")).put("content_hash", hash);
                assertThat(es.stored.get("/_index_template/logs-deletion_watch." + name)).isEqualTo(resource);
            }
        }
    }
}
