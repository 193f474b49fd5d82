package io.deletionwatch.job.rules;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Map;

/**
 * Reads request and response bodies. They arrive as JSON text in any letter case and may be
 * truncated or not JSON at all: every method returns null rather than throw.
 */
public final class Bodies {
    private static final ObjectMapper MAPPER = JsonMapper.builder().build();

    static {
        MAPPER.getFactory()
                .setStreamReadConstraints(
                        StreamReadConstraints.builder().maxNestingDepth(100).build());
    }

    private Bodies() {}

    /** The body as a JSON object, or null when absent, empty or not an object. */
    public static JsonNode object(String json) {
        if (json == null || json.isBlank()) {
            return null;
        }
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node != null && node.isTextual()) {
                // Bodies are sometimes JSON encoded twice.
                node = MAPPER.readTree(node.textValue());
            }
            return node != null && node.isObject() ? node : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The field, whatever its letter case; null when absent or JSON null. */
    public static JsonNode field(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode exact = node.get(name);
        if (exact != null) {
            return exact.isNull() ? null : exact;
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            if (field.getKey().equalsIgnoreCase(name)) {
                return field.getValue().isNull() ? null : field.getValue();
            }
        }
        return null;
    }

    /** A scalar's text, stripped; null when absent, empty or not a scalar. */
    public static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isContainerNode()) {
            return null;
        }
        String text = node.asText().strip();
        return text.isEmpty() ? null : text;
    }

    /** {@code properties} of a resource body, or null. */
    public static JsonNode properties(JsonNode body) {
        JsonNode properties = field(body, "properties");
        return properties != null && properties.isObject() ? properties : null;
    }
}
