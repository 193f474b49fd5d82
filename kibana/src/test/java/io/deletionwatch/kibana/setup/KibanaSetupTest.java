package io.deletionwatch.kibana.setup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.kibana.KibanaAssets;
import io.deletionwatch.kibana.setup.FakeServer.Reply;
import io.deletionwatch.kibana.setup.FakeServer.Request;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The Kibana half of {@code setup} against fake endpoints: saved objects and detection rules
 * imported as the import APIs take them, connectors only for the configured channels, alert rules
 * pointing at those connectors, idempotent re-runs, and clear failures.
 */
class KibanaSetupTest {
    private static final String SLACK_SECRET = "https://hooks.slack.example/services/T000/B000/XXXX";

    private final FakeElasticsearch es = new FakeElasticsearch(false, false);
    private final FakeKibana kibana = new FakeKibana();

    @AfterEach
    void stop() {
        es.close();
        kibana.close();
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("KIBANA_API_KEY", "a2liYW5h");
        env.put("DW_SLACK_WEBHOOK_URL", SLACK_SECRET);
        env.put("DW_EMAIL_TO", "soc@example.com, oncall@example.com");
        env.put("DW_EMAIL_CONNECTOR_ID", "elastic-cloud-email");
        return env;
    }

    private SetupRun run(Map<String, String> env, String... more) {
        String[] args = new String[4 + more.length];
        args[0] = "--es-url";
        args[1] = es.server.url().toString();
        args[2] = "--kibana-url";
        args[3] = kibana.server.url().toString();
        System.arraycopy(more, 0, args, 4, more.length);
        return SetupRun.of(env, args);
    }

    @Test
    void importsSavedObjectsAndDetectionRulesAsTheImportApisTakeThem() {
        kibana.preconfigured.put("elastic-cloud-email", ".email");
        SetupRun run = run(env());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        Request savedObjects = only("POST", "/api/saved_objects/_import?overwrite=true");
        assertThat(savedObjects.header("kbn-xsrf")).isEqualTo("true");
        assertThat(savedObjects.header("Authorization")).isEqualTo("ApiKey a2liYW5h");
        assertThat(savedObjects.header("Content-Type")).startsWith("multipart/form-data; boundary=");
        assertThat(savedObjects.text()).contains("Content-Disposition: form-data; name=\"file\"; filename=\"deletion-watch.ndjson\"");
        assertThat(savedObjects.multipartFile())
                .isEqualTo(new String(KibanaAssets.read(KibanaAssets.SAVED_OBJECTS), StandardCharsets.UTF_8));

        Request detection = only("POST", "/api/detection_engine/rules/_import?overwrite=true");
        assertThat(detection.header("kbn-xsrf")).isEqualTo("true");
        assertThat(detection.multipartFile())
                .isEqualTo(new String(KibanaAssets.read(KibanaAssets.DETECTION_RULES), StandardCharsets.UTF_8));
        assertThat(run.line("Elastic Security detection rules"))
                .contains("imported 7 with overwrite, disabled: Elastic's External Alerts rule promotes the findings;"
                        + " --enable-rules turns these on instead");
        assertThat(detection.multipartFile().lines()).hasSize(7)
                .allSatisfy(line -> assertThat(line).contains("\"enabled\":false"));
        // Elastic's own rule is left alone when it is the path that promotes the findings.
        assertThat(kibana.server.requests()).extracting(Request::path).noneMatch(p -> p.contains("rule_id=")
                || p.endsWith("/exceptions"));
        assertThat(kibana.server.requests()).allSatisfy(r -> assertThat(r.header("kbn-xsrf")).isEqualTo("true"));
    }

    @Test
    void enableRulesImportsThemEnabledAndExcludesTheFindingsFromExternalAlertsOnce() throws Exception {
        SetupRun first = run(Map.of(), "--enable-rules");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        Request detection = only("POST", "/api/detection_engine/rules/_import?overwrite=true");
        List<String> shipped = new String(KibanaAssets.read(KibanaAssets.DETECTION_RULES), StandardCharsets.UTF_8)
                .lines().toList();
        List<String> imported = detection.multipartFile().lines().toList();
        assertThat(imported).hasSize(shipped.size());
        ObjectMapper mapper = new ObjectMapper();
        for (int i = 0; i < shipped.size(); i++) {
            ObjectNode expected = (ObjectNode) mapper.readTree(shipped.get(i));
            assertThat(mapper.readTree(imported.get(i))).isEqualTo(expected.put("enabled", true));
        }
        assertThat(first.line("Elastic Security detection rules")).contains("imported 7 with overwrite, enabled");
        only("GET", "/api/detection_engine/rules?rule_id=" + KibanaSetup.EXTERNAL_ALERTS_RULE_ID);
        Request exception = only("POST", "/api/detection_engine/rules/" + FakeKibana.EXTERNAL_ALERTS_ID + "/exceptions");
        assertThat(exception.json()).isEqualTo(mapper.readTree("""
                {"items":[{"item_id":"deletion-watch-findings","name":"deletion-watch findings",
                "description":"deletion-watch findings are alerted by the deletion-watch detection rules (setup --enable-rules); this keeps them to one alert each.",
                "type":"simple","namespace_type":"single",
                "entries":[{"field":"rule.ruleset","operator":"included","type":"match","value":"deletion-watch"}]}]}
                """));
        assertThat(first.line("External Alerts exception for deletion-watch findings"))
                .contains("created").contains("rule.ruleset: deletion-watch no longer raises External Alerts");

        SetupRun second = run(Map.of(), "--enable-rules");

        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(kibana.externalAlertsExceptions).containsOnlyKeys("deletion-watch-findings");
        assertThat(second.line("External Alerts exception for deletion-watch findings"))
                .contains("unchanged").contains("rule.ruleset: deletion-watch is excluded already");
    }

    @Test
    void enableRulesWithoutExternalAlertsInstalledSaysThereIsNothingToExclude() {
        kibana.externalAlerts = false;
        SetupRun run = run(Map.of(), "--enable-rules");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.line("External Alerts exception for deletion-watch findings"))
                .contains("skipped").contains("External Alerts is not installed here");
        assertThat(kibana.server.requests()).extracting(Request::path).noneMatch(p -> p.endsWith("/exceptions"));
    }

    @Test
    void createsConnectorsOnlyForTheConfiguredChannelsAndSaysWhichWereSkipped() {
        kibana.preconfigured.put("elastic-cloud-email", ".email");
        SetupRun run = run(env());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(kibana.connectors.keySet()).containsExactly("deletion-watch-slack");
        JsonNode slack = kibana.connectors.get("deletion-watch-slack");
        assertThat(slack.path("connector_type_id").asText()).isEqualTo(".slack");
        assertThat(slack.path("secrets").path("webhookUrl").asText()).isEqualTo(SLACK_SECRET);
        assertThat(run.outcome("Slack connector deletion-watch-slack")).isEqualTo("created");
        assertThat(run.outcome("email connector elastic-cloud-email")).isEqualTo("using");
        assertThat(run.line("PagerDuty connector")).contains("skipped").contains("DW_PAGERDUTY_ROUTING_KEY is not set");
        assertThat(run.line("ServiceNow connector")).contains("skipped").contains("DW_SERVICENOW_URL is not set");
        assertThat(run.line("webhook connector")).contains("skipped").contains("DW_WEBHOOK_URL is not set");
        assertThat(run.out() + run.err()).doesNotContain(SLACK_SECRET).doesNotContain("a2liYW5h");
    }

    @Test
    void alertRulesActOnTheConfiguredConnectorsAndLinkToThePublicKibana() {
        kibana.preconfigured.put("elastic-cloud-email", ".email");
        SetupRun run = run(env(), "--kibana-public-url", "https://kibana.example.com/");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(kibana.rules.keySet())
                .containsExactlyInAnyOrder("deletion-watch-critical-findings", "deletion-watch-high-findings");
        JsonNode critical = kibana.rules.get("deletion-watch-critical-findings");
        assertThat(critical.path("rule_type_id").asText()).isEqualTo(".es-query");
        assertThat(critical.path("actions")).extracting(a -> a.path("id").asText())
                .containsExactly("deletion-watch-slack", "elastic-cloud-email");
        assertThat(critical.path("actions").get(1).path("params").path("to")).extracting(JsonNode::asText)
                .containsExactly("soc@example.com", "oncall@example.com");
        assertThat(critical.path("actions").get(0).path("params").path("message").asText())
                .contains("https://kibana.example.com/app/dashboards#/view/deletion-watch-overview");
        assertThat(critical.toString()).doesNotContain("${");
        assertThat(run.line("alert rule deletion-watch-critical-findings")).contains("created").contains("2 actions");
    }

    @Test
    void aSecondRunUpdatesConnectorsAndRulesInPlace() {
        Map<String, String> env = env();
        env.remove("DW_EMAIL_TO");
        env.remove("DW_EMAIL_CONNECTOR_ID");
        env.put("DW_PAGERDUTY_ROUTING_KEY", "pd-routing-key");
        assertThat(run(env).exitCode()).isZero();
        kibana.server.clear();

        SetupRun second = run(env);

        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.outcome("Slack connector deletion-watch-slack")).isEqualTo("updated");
        assertThat(second.outcome("PagerDuty connector deletion-watch-pagerduty")).isEqualTo("updated");
        assertThat(second.outcome("alert rule deletion-watch-high-findings")).isEqualTo("updated");
        Request update = only("PUT", "/api/alerting/rule/deletion-watch-high-findings");
        assertThat(update.json().has("rule_type_id")).isFalse();
        assertThat(update.json().has("consumer")).isFalse();
        assertThat(update.json().path("actions")).extracting(a -> a.path("id").asText())
                .containsExactly("deletion-watch-slack", "deletion-watch-pagerduty");
        JsonNode pagerDuty = kibana.connectors.get("deletion-watch-pagerduty");
        assertThat(pagerDuty.has("connector_type_id")).as("an update cannot change the type").isFalse();
        assertThat(pagerDuty.path("secrets").path("routingKey").asText()).isEqualTo("pd-routing-key");
    }

    @Test
    void withoutChannelsTheRulesAreCreatedWithoutActionsAndSaySo() {
        SetupRun run = run(Map.of());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(kibana.connectors).isEmpty();
        assertThat(kibana.rules.get("deletion-watch-high-findings").path("actions")).isEmpty();
        assertThat(run.line("alert rule deletion-watch-high-findings"))
                .contains("no actions: no alert channel is configured");
    }

    @Test
    void everyChannelBuildsTheConnectorItsTypeNeeds() {
        Map<String, String> env = new HashMap<>();
        env.put("DW_SLACK_WEBHOOK_URL", SLACK_SECRET);
        env.put("DW_PAGERDUTY_ROUTING_KEY", "rk");
        env.put("DW_SERVICENOW_URL", "https://acme.service-now.com");
        env.put("DW_SERVICENOW_USERNAME", "svc");
        env.put("DW_SERVICENOW_PASSWORD", "sn-pw");
        env.put("DW_EMAIL_TO", "soc@example.com");
        env.put("DW_EMAIL_FROM", "deletion-watch@example.com");
        env.put("DW_SMTP_HOST", "smtp.example.com");
        env.put("DW_SMTP_PORT", "465");
        env.put("DW_SMTP_USERNAME", "mailer");
        env.put("DW_SMTP_PASSWORD", "mail-pw");
        env.put("DW_WEBHOOK_URL", "https://sms-gateway.example.com/hook");
        SetupRun run = run(env);

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(kibana.connectors.keySet()).containsExactlyInAnyOrder("deletion-watch-slack",
                "deletion-watch-pagerduty", "deletion-watch-servicenow", "deletion-watch-email",
                "deletion-watch-webhook");
        JsonNode sn = kibana.connectors.get("deletion-watch-servicenow");
        assertThat(sn.path("connector_type_id").asText()).isEqualTo(".servicenow");
        assertThat(sn.path("config").path("apiUrl").asText()).isEqualTo("https://acme.service-now.com");
        assertThat(sn.path("config").path("usesTableApi").asBoolean()).isFalse();
        assertThat(sn.path("secrets").path("password").asText()).isEqualTo("sn-pw");
        JsonNode email = kibana.connectors.get("deletion-watch-email");
        assertThat(email.path("config").path("secure").asBoolean()).as("port 465 is TLS").isTrue();
        assertThat(email.path("config").path("port").asInt()).isEqualTo(465);
        assertThat(email.path("config").path("hasAuth").asBoolean()).isTrue();
        assertThat(email.path("secrets").path("user").asText()).isEqualTo("mailer");
        JsonNode webhook = kibana.connectors.get("deletion-watch-webhook");
        assertThat(webhook.path("config").path("method").asText()).isEqualTo("post");
        assertThat(webhook.path("config").path("hasAuth").asBoolean()).isFalse();
        assertThat(kibana.rules.get("deletion-watch-critical-findings").path("actions")).hasSize(5);
        assertThat(run.out() + run.err()).doesNotContain("sn-pw", "mail-pw", "rk\"", SLACK_SECRET);
    }

    @Test
    void aKibanaSpaceIsAddressedThroughItsPath() {
        SetupRun run = run(Map.of(), "--kibana-space", "soc");

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(kibana.server.requests()).extracting(Request::path)
                .filteredOn(p -> !p.equals("/api/status"))
                .allSatisfy(p -> assertThat(p).startsWith("/s/soc/api/"));
    }

    @Test
    void refusedKibanaCredentialsStopWithOneClearLine() {
        kibana.server.handler(r -> Reply.json(401,
                "{\"statusCode\":401,\"error\":\"Unauthorized\",\"message\":\"Unauthorized\"}"));
        SetupRun run = run(Map.of("KIBANA_USERNAME", "analyst", "KIBANA_PASSWORD", "pw"));

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("setup failed: Kibana at " + kibana.server.url()
                + " refused the credentials (401 Unauthorized) while reading its status; using user analyst from "
                + "KIBANA_USERNAME. Set KIBANA_API_KEY or KIBANA_USERNAME/KIBANA_PASSWORD.");
    }

    @Test
    void aKibanaOlderThanTheSavedObjectsIsRefusedBeforeAnythingIsImported() {
        kibana.version = "8.8.2";
        SetupRun run = run(Map.of());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("is version 8.8.2; deletion-watch needs 8.9 or newer");
        assertThat(kibana.server.requests()).extracting(Request::path).containsExactly("/api/status");
    }

    @Test
    void aFailedImportStopsWithTheObjectsKibanaRejected() {
        kibana.server.handler(r -> r.path().startsWith("/api/saved_objects/_import")
                ? Reply.json(200, "{\"success\":false,\"successCount\":0,\"errors\":[{\"id\":\"deletion-watch-overview\","
                        + "\"type\":\"dashboard\",\"error\":{\"type\":\"unsupported_type\"}}]}")
                : kibana.answer(r));
        SetupRun run = run(Map.of());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("setup failed: Kibana did not import the saved objects: "
                + "dashboard deletion-watch-overview: unsupported_type");
    }

    @Test
    void aKibanaWithoutElasticSecurityGetsTheRestAndTheDetectionRulesSkipped() {
        kibana.security = false;
        SetupRun run = run(Map.of());

        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.line("Elastic Security detection rules")).contains("skipped").contains("no Elastic Security");
    }

    @Test
    void detectionRulesCanBeLeftOut() {
        SetupRun run = run(Map.of(), "--skip-detection-rules");

        assertThat(run.exitCode()).isZero();
        assertThat(kibana.server.requests()).extracting(Request::path)
                .noneMatch(p -> p.contains("detection_engine"));
        assertThat(run.line("Elastic Security detection rules")).contains("--skip-detection-rules");
    }

    @Test
    void aNamedConnectorKibanaDoesNotHaveIsAnError() {
        Map<String, String> env = Map.of("DW_SLACK_CONNECTOR_ID", "our-slack");
        SetupRun run = run(env);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo(
                "setup failed: DW_SLACK_CONNECTOR_ID names connector our-slack, which Kibana does not have");
    }

    @Test
    void withoutAKibanaUrlTheKibanaStepsAreReportedSkipped() {
        SetupRun run = SetupRun.of(Map.of(), "--es-url", es.server.url().toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.line("saved objects, connectors, alert rules and detection rules"))
                .contains("skipped").contains("no --kibana-url given");
        assertThat(kibana.server.requests()).isEmpty();
    }

    private Request only(String method, String path) {
        List<Request> matching = kibana.server.requests().stream()
                .filter(r -> r.is(method, path))
                .toList();
        assertThat(matching).as(method + " " + path).hasSize(1);
        return matching.get(0);
    }
}
