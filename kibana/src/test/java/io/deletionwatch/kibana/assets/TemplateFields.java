package io.deletionwatch.kibana.assets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deletionwatch.kibana.KibanaAssets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fields the index templates map, with their types: the contract every panel, search and rule
 * is checked against.
 */
public final class TemplateFields {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> AGGREGATABLE =
            Set.of("keyword", "ip", "boolean", "long", "integer", "float", "double", "date");
    private static final Set<String> NUMERIC = Set.of("long", "integer", "float", "double");

    private final Map<String, String> types;

    private TemplateFields(Map<String, String> types) {
        this.types = types;
    }

    public static TemplateFields findings() {
        return of(KibanaAssets.FINDINGS_TEMPLATE);
    }

    public static TemplateFields deadLetters() {
        return of(KibanaAssets.DEAD_LETTER_TEMPLATE);
    }

    /** Both templates' fields; where both map a field they agree on its type. */
    public static TemplateFields all() {
        Map<String, String> merged = new TreeMap<>(findings().types);
        deadLetters().types.forEach((field, type) -> {
            String other = merged.putIfAbsent(field, type);
            if (other != null && !other.equals(type)) {
                throw new IllegalStateException("templates disagree on the type of " + field);
            }
        });
        return new TemplateFields(merged);
    }

    /** The fields of the template for a data view or index pattern. */
    public static TemplateFields forPattern(String pattern) {
        if (pattern.equals(KibanaAssets.FINDINGS_DATA_STREAM_PATTERN)) {
            return findings();
        }
        if (pattern.equals(KibanaAssets.DEAD_LETTER_DATA_STREAM_PATTERN)) {
            return deadLetters();
        }
        throw new IllegalArgumentException("no template for " + pattern);
    }

    private static TemplateFields of(String resource) {
        try {
            JsonNode template = MAPPER.readTree(KibanaAssets.readResource(resource));
            Map<String, String> types = new TreeMap<>();
            collect("", template.path("template").path("mappings").path("properties"), types);
            return new TemplateFields(types);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void collect(String prefix, JsonNode properties, Map<String, String> types) {
        for (Map.Entry<String, JsonNode> e : properties.properties()) {
            String path = prefix + e.getKey();
            JsonNode mapping = e.getValue();
            if (mapping.has("properties")) {
                collect(path + ".", mapping.get("properties"), types);
            } else {
                types.put(path, mapping.path("type").asText("object"));
            }
        }
    }

    /** The mapped type, e.g. {@code keyword}; empty when the template does not map the field. */
    public Optional<String> type(String field) {
        return Optional.ofNullable(types.get(field));
    }

    public Map<String, String> types() {
        return Map.copyOf(types);
    }

    public boolean isAggregatable(String field) {
        return type(field).map(AGGREGATABLE::contains).orElse(false);
    }

    public boolean isNumeric(String field) {
        return type(field).map(NUMERIC::contains).orElse(false);
    }

    /** The {@code dataType} Lens gives a column over this field. */
    public String lensDataType(String field) {
        String type = type(field).orElseThrow(() -> new IllegalArgumentException("unmapped " + field));
        return switch (type) {
            case "keyword", "text" -> "string";
            case "ip" -> "ip";
            case "boolean" -> "boolean";
            case "date" -> "date";
            default -> NUMERIC.contains(type) ? "number" : type;
        };
    }
}
