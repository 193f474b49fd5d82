package io.deletionwatch.kibana.setup;

import com.fasterxml.jackson.databind.JsonNode;
import io.deletionwatch.kibana.setup.FakeServer.Reply;
import io.deletionwatch.kibana.setup.FakeServer.Request;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The parts of Elasticsearch's REST API setup uses, answering as Elasticsearch does: stored
 * objects come back wrapped as the GET APIs wrap them, unknown ones are 404, and a cluster without
 * the ILM or security module answers "no handler found" (400), as the minimal node does.
 */
final class FakeElasticsearch implements AutoCloseable {
    final FakeServer server = new FakeServer();
    final Map<String, JsonNode> stored = new ConcurrentHashMap<>();
    private final boolean ilm;
    private final boolean security;
    /** The ingest processors every node lists; a full cluster has the GeoIP pipeline's. */
    volatile Set<String> processors = Set.of("set", "script");

    FakeElasticsearch(boolean ilm, boolean security) {
        this.ilm = ilm;
        this.security = security;
        server.handler(this::answer);
    }

    Reply answer(Request r) {
        String path = r.path();
        if (r.is("GET", "/")) {
            return Reply.json(200, "{\"name\":\"fake\",\"cluster_name\":\"fake-cluster\","
                    + "\"version\":{\"number\":\"9.5.3\"},\"tagline\":\"You Know, for Search\"}");
        }
        if (path.startsWith("/_ilm/") && !ilm || path.startsWith("/_security/") && !security) {
            return Reply.json(400, "{\"error\":\"no handler found for uri [" + path + "] and method ["
                    + r.method() + "]\",\"status\":400}");
        }
        if (r.is("GET", "/_nodes/ingest?filter_path=nodes.*.ingest.processors.type")) {
            StringBuilder types = new StringBuilder();
            processors.stream().sorted().forEach(t -> types.append(types.isEmpty() ? "" : ",")
                    .append("{\"type\":\"").append(t).append("\"}"));
            return Reply.json(200, "{\"nodes\":{\"n1\":{\"ingest\":{\"processors\":[" + types + "]}}}}");
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (r.method().equals("PUT")) {
            stored.put(path, r.json());
            return path.startsWith("/_security/role/")
                    ? Reply.json(200, "{\"role\":{\"created\":true}}")
                    : Reply.json(200, "{\"acknowledged\":true}");
        }
        if (r.method().equals("GET")) {
            JsonNode value = stored.get(path);
            if (path.startsWith("/_index_template/")) {
                return value == null
                        ? Reply.json(404, "{\"error\":{\"root_cause\":[{\"type\":\"resource_not_found_exception\","
                                + "\"reason\":\"index template matching [" + name + "] not found\"}],"
                                + "\"type\":\"resource_not_found_exception\",\"reason\":\"index template "
                                + "matching [" + name + "] not found\"},\"status\":404}")
                        : Reply.json(200, "{\"index_templates\":[{\"name\":\"" + name + "\",\"index_template\":"
                                + value + "}]}");
            }
            if (path.startsWith("/_component_template/")) {
                return value == null
                        ? Reply.json(404, "{\"error\":{\"type\":\"resource_not_found_exception\",\"reason\":"
                                + "\"component template matching [" + name + "] not found\"},\"status\":404}")
                        : Reply.json(200, "{\"component_templates\":[{\"name\":\"" + name
                                + "\",\"component_template\":" + value + "}]}");
            }
            if (path.startsWith("/_ilm/policy/")) {
                return value == null
                        ? Reply.json(404, "{\"error\":{\"type\":\"resource_not_found_exception\",\"reason\":"
                                + "\"Lifecycle policy not found: " + name + "\"},\"status\":404}")
                        : Reply.json(200, "{\"" + name + "\":{\"version\":1,\"modified_date\":"
                                + "\"2026-01-01T00:00:00.000Z\",\"policy\":" + value.path("policy") + "}}");
            }
            if (path.startsWith("/_ingest/pipeline/")) {
                return value == null ? Reply.json(404, "{}") : Reply.json(200, "{\"" + name + "\":" + value + "}");
            }
            if (path.startsWith("/_security/role/")) {
                return value == null
                        ? Reply.json(404, "{}")
                        : Reply.json(200, "{\"" + name + "\":" + value + "}");
            }
        }
        return Reply.json(400, "{\"error\":\"no handler found for uri [" + path + "] and method ["
                + r.method() + "]\",\"status\":400}");
    }

    @Override
    public void close() {
        server.close();
    }
}
