package io.deletionwatch.kibana.setup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.deletionwatch.kibana.KibanaAssets;
import io.deletionwatch.kibana.setup.SetupReport.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Installs the Kibana side through Kibana's APIs: saved objects (import with overwrite),
 * connectors for the configured channels, the alert rules, and Elastic Security's detection rules.
 */
final class KibanaSetup {
    /** The oldest Kibana the saved objects are written for (their migration versions). */
    static final int[] OLDEST_KIBANA = {8, 9};

    /** Elastic's prebuilt External Alerts rule (elastic/detection-rules rules/promotions). */
    static final String EXTERNAL_ALERTS_RULE_ID = "eb079c62-4481-4d6e-9643-3ca499df7aaa";
    static final String EXTERNAL_ALERTS_EXCEPTION_ID = "deletion-watch-findings";
    /** The {@code rule.ruleset} of every finding the job writes. */
    static final String RULESET = "deletion-watch";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)\\..*");

    private final RestClient kibana;
    private final SetupReport report;
    private final List<AlertChannel> channels;
    private final List<String> emailRecipients;
    private final URI publicUrl;
    private final Optional<String> space;
    private final boolean detectionRules;
    private final boolean enableRules;

    KibanaSetup(
            RestClient kibana,
            SetupReport report,
            List<AlertChannel> channels,
            List<String> emailRecipients,
            URI publicUrl,
            Optional<String> space,
            boolean detectionRules,
            boolean enableRules) {
        this.kibana = kibana;
        this.report = report;
        this.channels = channels;
        this.emailRecipients = emailRecipients;
        this.publicUrl = publicUrl;
        this.space = space;
        this.detectionRules = detectionRules;
        this.enableRules = enableRules;
    }

    void run() {
        report.section("Kibana " + kibana.base() + space.map(s -> " (space " + s + ")").orElse("") + ":");
        checkVersion();
        importSavedObjects();
        Map<String, JsonNode> values = installConnectors();
        installAlertRules(values);
        if (detectionRules) {
            if (importDetectionRules() && enableRules) {
                excludeFindingsFromExternalAlerts();
            }
        } else {
            report.record("Elastic Security detection rules", Outcome.SKIPPED, "--skip-detection-rules");
        }
    }

    private String spacePath(String path) {
        return space.map(s -> "/s/" + s).orElse("") + path;
    }

    private void checkVersion() {
        JsonNode status = kibana.expectSuccess(kibana.get("/api/status"), "reading its status").json();
        String version = status.path("version").path("number").asText("");
        Matcher m = VERSION.matcher(version);
        if (!m.matches()) {
            throw new SetupException(
                    "Kibana at " + kibana.base() + " did not say its version in /api/status; is it Kibana?");
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major < OLDEST_KIBANA[0] || major == OLDEST_KIBANA[0] && minor < OLDEST_KIBANA[1]) {
            throw new SetupException(
                    "Kibana at " + kibana.base() + " is version " + version + "; deletion-watch needs "
                            + OLDEST_KIBANA[0] + "." + OLDEST_KIBANA[1] + " or newer");
        }
        report.section("  version " + version);
    }

    private void importSavedObjects() {
        HttpResponse response =
                kibana.expectSuccess(
                        kibana.postFile(
                                spacePath("/api/saved_objects/_import?overwrite=true"),
                                "file",
                                "deletion-watch.ndjson",
                                KibanaAssets.read(KibanaAssets.SAVED_OBJECTS)),
                        "importing the saved objects");
        JsonNode result = response.json();
        if (!result.path("success").asBoolean(false)) {
            throw new SetupException(
                    "Kibana did not import the saved objects: " + importErrors(result.path("errors"), "id"));
        }
        Map<String, Integer> byType = new LinkedHashMap<>();
        result.path("successResults")
                .forEach(r -> byType.merge(r.path("type").asText(), 1, Integer::sum));
        List<String> parts = new ArrayList<>();
        byType.forEach((type, n) -> parts.add(n + " " + type));
        report.record(
                "saved objects",
                Outcome.UPDATED,
                "imported " + result.path("successCount").asInt() + " with overwrite ("
                        + String.join(", ", parts) + ")");
    }

    private static String importErrors(JsonNode errors, String idField) {
        List<String> parts = new ArrayList<>();
        for (JsonNode error : errors) {
            if (parts.size() == 3) {
                parts.add("and " + (errors.size() - 3) + " more");
                break;
            }
            JsonNode detail = error.path("error");
            String what = detail.path("type").asText(detail.path("message").asText("error"));
            parts.add(error.path("type").asText("") + " " + error.path(idField).asText() + ": " + what);
        }
        return String.join("; ", parts);
    }

    /** Creates or updates the configured channels' connectors; the placeholder values for rules. */
    private Map<String, JsonNode> installConnectors() {
        Map<String, JsonNode> values = new LinkedHashMap<>();
        values.put("kibana.url", new TextNode(publicUrl + space.map(s -> "/s/" + s).orElse("")));
        for (AlertChannel channel : channels) {
            String key = channel.channel().key();
            String subject = channel.channel().title() + " connector";
            if (!channel.configured()) {
                report.record(subject, Outcome.SKIPPED, channel.skipReason().orElseThrow());
                continue;
            }
            String id = channel.connectorId();
            String path = spacePath("/api/actions/connector/" + id);
            if (channel.existingConnectorId().isPresent()) {
                HttpResponse existing = kibana.get(path);
                if (existing.status() == 404) {
                    throw new SetupException(
                            channel.channel().envPrefix() + "_CONNECTOR_ID names connector " + id
                                    + ", which Kibana does not have");
                }
                kibana.expectSuccess(existing, "reading connector " + id);
                String type = existing.json().path("connector_type_id").asText();
                if (!type.equals(channel.channel().connectorTypeId())) {
                    throw new SetupException(
                            "connector " + id + " is a " + type + " connector, not "
                                    + channel.channel().connectorTypeId());
                }
                report.record(subject + " " + id, Outcome.USED, "existing connector");
            } else {
                ObjectNode body = MAPPER.createObjectNode();
                body.put("name", channel.channel().connectorName());
                body.put("connector_type_id", channel.channel().connectorTypeId());
                body.set("config", channel.config());
                body.set("secrets", channel.secrets());
                HttpResponse created = kibana.post(path, body);
                if (created.status() == 409) {
                    body.remove("connector_type_id");
                    kibana.expectSuccess(kibana.put(path, body), "updating connector " + id);
                    report.record(subject + " " + id, Outcome.UPDATED);
                } else {
                    kibana.expectSuccess(created, "creating connector " + id);
                    report.record(subject + " " + id, Outcome.CREATED);
                }
            }
            values.put(AlertRuleTemplate.CONNECTOR_PREFIX + key, new TextNode(id));
            if (channel.channel() == AlertChannel.Channel.EMAIL) {
                ArrayNode to = MAPPER.createArrayNode();
                emailRecipients.forEach(to::add);
                values.put("email.to", to);
            }
        }
        return values;
    }

    private void installAlertRules(Map<String, JsonNode> values) {
        long channelsUsed =
                values.keySet().stream().filter(k -> k.startsWith(AlertRuleTemplate.CONNECTOR_PREFIX)).count();
        for (String asset : KibanaAssets.ALERT_RULES) {
            String id = KibanaAssets.alertRuleId(asset);
            String subject = "alert rule " + id;
            ObjectNode rule =
                    AlertRuleTemplate.fill(AlertRuleTemplate.parse(KibanaAssets.read(asset)), values);
            String detail =
                    channelsUsed == 0
                            ? "no actions: no alert channel is configured (alerts show in Kibana only)"
                            : rule.path("actions").size() + " actions";
            String path = spacePath("/api/alerting/rule/" + id);
            HttpResponse existing = kibana.get(path);
            if (existing.status() == 200) {
                ObjectNode update = rule.deepCopy();
                // The update API takes neither of these; they cannot change.
                update.remove(List.of("rule_type_id", "consumer", "enabled"));
                kibana.expectSuccess(kibana.put(path, update), "updating " + subject);
                report.record(subject, Outcome.UPDATED, detail);
            } else if (existing.status() == 404) {
                kibana.expectSuccess(kibana.post(path, rule), "creating " + subject);
                report.record(subject, Outcome.CREATED, detail);
            } else {
                throw kibana.refused(existing, "reading " + subject);
            }
        }
    }

    /** Imports the detection rules; false when this Kibana has no Elastic Security. */
    private boolean importDetectionRules() {
        String subject = "Elastic Security detection rules";
        HttpResponse response =
                kibana.postFile(
                        spacePath("/api/detection_engine/rules/_import?overwrite=true"),
                        "file",
                        "deletion-watch-detection-rules.ndjson",
                        detectionRulesFile());
        if (response.status() == 404) {
            report.record(subject, Outcome.SKIPPED, "this Kibana has no Elastic Security");
            return false;
        }
        JsonNode result = kibana.expectSuccess(response, "importing the detection rules").json();
        if (!result.path("success").asBoolean(false)) {
            throw new SetupException(
                    "Kibana did not import the detection rules: "
                            + importErrors(result.path("errors"), "rule_id"));
        }
        String imported = "imported " + result.path("success_count").asInt() + " with overwrite";
        report.record(
                subject,
                Outcome.UPDATED,
                enableRules
                        ? imported + ", enabled"
                        : imported + ", disabled: Elastic's External Alerts rule promotes the findings;"
                                + " --enable-rules turns these on instead");
        return true;
    }

    /** The shipped rules file; with {@code --enable-rules}, every rule enabled. */
    private byte[] detectionRulesFile() {
        byte[] shipped = KibanaAssets.read(KibanaAssets.DETECTION_RULES);
        if (!enableRules) {
            return shipped;
        }
        StringBuilder enabled = new StringBuilder();
        for (String line : new String(shipped, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            try {
                ObjectNode rule = (ObjectNode) MAPPER.readTree(line);
                enabled.append(MAPPER.writeValueAsString(rule.put("enabled", true))).append('\n');
            } catch (IOException e) {
                throw new UncheckedIOException("the shipped detection rules are not NDJSON", e);
            }
        }
        return enabled.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * External Alerts promotes every {@code event.kind: alert} document in {@code logs-*}, ours
     * included; with our rules on, an exception on it for {@code rule.ruleset: deletion-watch}
     * keeps each finding to one alert. Added to that rule's default exception list with a fixed
     * item id, so a second run finds it there (409).
     */
    private void excludeFindingsFromExternalAlerts() {
        String subject = "External Alerts exception for deletion-watch findings";
        HttpResponse found =
                kibana.get(spacePath("/api/detection_engine/rules?rule_id=" + EXTERNAL_ALERTS_RULE_ID));
        if (found.status() == 404) {
            report.record(
                    subject,
                    Outcome.SKIPPED,
                    "External Alerts is not installed here; if you install Elastic's prebuilt rules later,"
                            + " run setup --enable-rules again");
            return;
        }
        String id = kibana.expectSuccess(found, "reading the External Alerts rule").json().path("id").asText("");
        if (id.isEmpty()) {
            throw new SetupException("Kibana answered the External Alerts rule without its id");
        }
        ObjectNode body = MAPPER.createObjectNode();
        ObjectNode item = body.putArray("items").addObject();
        item.put("item_id", EXTERNAL_ALERTS_EXCEPTION_ID);
        item.put("name", "deletion-watch findings");
        item.put("description",
                "deletion-watch findings are alerted by the deletion-watch detection rules"
                        + " (setup --enable-rules); this keeps them to one alert each.");
        item.put("type", "simple");
        item.put("namespace_type", "single");
        item.putArray("entries")
                .addObject()
                .put("field", "rule.ruleset")
                .put("operator", "included")
                .put("type", "match")
                .put("value", RULESET);
        HttpResponse added = kibana.post(spacePath("/api/detection_engine/rules/" + id + "/exceptions"), body);
        if (added.status() == 409) {
            report.record(subject, Outcome.UNCHANGED, "rule.ruleset: " + RULESET + " is excluded already");
            return;
        }
        kibana.expectSuccess(added, "adding the exception to External Alerts");
        report.record(subject, Outcome.CREATED, "rule.ruleset: " + RULESET + " no longer raises External Alerts");
    }
}
