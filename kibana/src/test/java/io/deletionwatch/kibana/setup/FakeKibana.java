package io.deletionwatch.kibana.setup;

import com.fasterxml.jackson.databind.JsonNode;
import io.deletionwatch.kibana.setup.FakeServer.Reply;
import io.deletionwatch.kibana.setup.FakeServer.Request;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The parts of Kibana's API setup uses: status, saved-object import, connectors, alerting rules
 * and the detection-rule import, with connectors and rules kept so a second run finds them.
 */
final class FakeKibana implements AutoCloseable {
    final FakeServer server = new FakeServer();
    final Map<String, JsonNode> connectors = new ConcurrentHashMap<>();
    final Map<String, JsonNode> rules = new ConcurrentHashMap<>();
    volatile String version = "8.9.0";
    volatile boolean security = true;
    /** Whether Elastic's prebuilt External Alerts rule is installed; its exception items by item_id. */
    volatile boolean externalAlerts = true;
    final Map<String, JsonNode> externalAlertsExceptions = new ConcurrentHashMap<>();
    static final String EXTERNAL_ALERTS_ID = "3c1e6a8e-0000-4000-8000-00000000e0a1";
    /** Connectors Kibana has without us, e.g. preconfigured in kibana.yml: id to type. */
    final Map<String, String> preconfigured = new ConcurrentHashMap<>();

    FakeKibana() {
        server.handler(this::answer);
    }

    Reply answer(Request r) {
        String path = r.path().replaceFirst("^/s/[a-z0-9_-]+", "");
        if (r.method().equals("GET") && path.equals("/api/status")) {
            return Reply.json(200, "{\"name\":\"kibana\",\"version\":{\"number\":\"" + version + "\"},"
                    + "\"status\":{\"overall\":{\"level\":\"available\"}}}");
        }
        if (r.method().equals("POST") && path.equals("/api/saved_objects/_import?overwrite=true")) {
            int n = (int) r.multipartFile().lines().count();
            return Reply.json(200, "{\"success\":true,\"successCount\":" + n + ",\"successResults\":["
                    + "{\"type\":\"dashboard\",\"id\":\"x\"}]}");
        }
        if (r.method().equals("POST") && path.equals("/api/detection_engine/rules/_import?overwrite=true")) {
            if (!security) {
                return Reply.json(404, "{\"statusCode\":404,\"error\":\"Not Found\",\"message\":\"Not Found\"}");
            }
            int n = (int) r.multipartFile().lines().count();
            return Reply.json(200, "{\"success\":true,\"success_count\":" + n + ",\"rules_count\":" + n
                    + ",\"errors\":[]}");
        }
        if (security && r.method().equals("GET")
                && path.equals("/api/detection_engine/rules?rule_id=" + KibanaSetup.EXTERNAL_ALERTS_RULE_ID)) {
            return externalAlerts
                    ? Reply.json(200, "{\"id\":\"" + EXTERNAL_ALERTS_ID + "\",\"rule_id\":\""
                            + KibanaSetup.EXTERNAL_ALERTS_RULE_ID + "\",\"name\":\"External Alerts\"}")
                    : Reply.json(404, "{\"statusCode\":404,\"message\":\"rule_id: \\\""
                            + KibanaSetup.EXTERNAL_ALERTS_RULE_ID + "\\\" not found\"}");
        }
        if (security && externalAlerts && r.method().equals("POST")
                && path.equals("/api/detection_engine/rules/" + EXTERNAL_ALERTS_ID + "/exceptions")) {
            JsonNode item = r.json().path("items").path(0);
            String itemId = item.path("item_id").asText();
            if (externalAlertsExceptions.putIfAbsent(itemId, item) != null) {
                return Reply.json(409, "{\"message\":\"exception list item id: \\\"" + itemId
                        + "\\\" already exists\",\"status_code\":409}");
            }
            return Reply.json(200, "[" + item + "]");
        }
        if (path.startsWith("/api/actions/connector/")) {
            String id = path.substring("/api/actions/connector/".length());
            switch (r.method()) {
                case "GET" -> {
                    String type = preconfigured.get(id);
                    return type == null
                            ? Reply.json(404, "{\"statusCode\":404,\"message\":\"Saved object [action/" + id
                                    + "] not found\"}")
                            : Reply.json(200, "{\"id\":\"" + id + "\",\"connector_type_id\":\"" + type
                                    + "\",\"is_preconfigured\":true}");
                }
                case "POST" -> {
                    if (connectors.containsKey(id)) {
                        return Reply.json(409, "{\"statusCode\":409,\"message\":\"Saved object [action/" + id
                                + "] conflict\"}");
                    }
                    connectors.put(id, r.json());
                    return Reply.json(200, "{\"id\":\"" + id + "\"}");
                }
                case "PUT" -> {
                    connectors.put(id, r.json());
                    return Reply.json(200, "{\"id\":\"" + id + "\"}");
                }
                default -> { }
            }
        }
        if (path.startsWith("/api/alerting/rule/")) {
            String id = path.substring("/api/alerting/rule/".length());
            switch (r.method()) {
                case "GET" -> {
                    JsonNode rule = rules.get(id);
                    return rule == null
                            ? Reply.json(404, "{\"statusCode\":404,\"message\":\"Saved object [alert/" + id
                                    + "] not found\"}")
                            : Reply.json(200, rule.toString());
                }
                case "POST" -> {
                    rules.put(id, r.json());
                    return Reply.json(200, "{\"id\":\"" + id + "\"}");
                }
                case "PUT" -> {
                    Set<String> refused = Set.of("rule_type_id", "consumer", "enabled");
                    if (r.json().properties().stream().anyMatch(e -> refused.contains(e.getKey()))) {
                        return Reply.json(400, "{\"statusCode\":400,\"message\":\"[request body]: "
                                + "definition for this key is missing\"}");
                    }
                    rules.put(id, r.json());
                    return Reply.json(200, "{\"id\":\"" + id + "\"}");
                }
                default -> { }
            }
        }
        return Reply.json(404, "{\"statusCode\":404,\"error\":\"Not Found\",\"message\":\"Not Found\"}");
    }

    @Override
    public void close() {
        server.close();
    }
}
