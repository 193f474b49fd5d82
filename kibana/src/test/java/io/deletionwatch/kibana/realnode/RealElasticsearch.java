package io.deletionwatch.kibana.realnode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The real local Elasticsearch node the ITCases run against, and the few calls they make to it.
 *
 * <p>The node is the one {@link ElasticsearchNodeExtension} starts for the whole test run; the
 * ITCases register {@link #NODE} so that it is up before they ask for {@link #url()}.
 */
final class RealElasticsearch {
    static final ElasticsearchNodeExtension NODE = new ElasticsearchNodeExtension();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private RealElasticsearch() {}

    /** The node's URL. */
    static String url() {
        return NODE.url();
    }

    /** A data-stream namespace of its own: the node cannot delete data streams between runs. */
    static String uniqueNamespace() {
        return "it" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
    }

    static JsonNode get(String path) {
        return send("GET", path, null, "application/json");
    }

    static JsonNode search(String index, JsonNode body) {
        return send("POST", "/" + index + "/_search", body.toString(), "application/json");
    }

    /** Writes the documents into a data stream (op_type create) and makes them searchable. */
    static void index(String dataStream, List<ObjectNode> documents) {
        StringBuilder bulk = new StringBuilder();
        for (ObjectNode document : documents) {
            bulk.append("{\"create\":{}}\n").append(document).append('\n');
        }
        JsonNode result = send("POST", "/" + dataStream + "/_bulk?refresh=true", bulk.toString(),
                "application/x-ndjson");
        if (result.path("errors").asBoolean()) {
            throw new AssertionError("bulk into " + dataStream + " failed: " + result);
        }
    }

    private static JsonNode send(String method, String path, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType)
                .method(method, body == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new AssertionError(method + " " + path + " answered " + response.statusCode() + ": "
                        + response.body() + (body == null ? "" : "\nrequest: " + body));
            }
            return MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
