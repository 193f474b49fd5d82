package io.deletionwatch.kibana.setup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;

/** A server's answer to one request. */
record HttpResponse(String method, String path, int status, String body) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** The body as JSON; a missing node when it is not JSON. */
    JsonNode json() {
        try {
            JsonNode node = MAPPER.readTree(body);
            return node == null ? MissingNode.getInstance() : node;
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /** The server's own explanation: Elasticsearch's error reason or Kibana's message. */
    String reason() {
        JsonNode json = json();
        JsonNode error = json.path("error");
        if (error.isObject()) {
            JsonNode root = error.path("root_cause").path(0).path("reason");
            String reason = error.path("reason").asText(root.asText(""));
            String type = error.path("type").asText("");
            return type.isEmpty() ? reason : type + ": " + reason;
        }
        if (json.path("message").isTextual()) {
            return json.path("message").asText();
        }
        if (error.isTextual()) {
            return error.asText();
        }
        String text = body.strip();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
