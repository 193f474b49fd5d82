package io.deletionwatch.kibana.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deletionwatch.kibana.KibanaAssets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The saved objects NDJSON as packaged, read the way the tests need it. */
public final class SavedObjectsFile {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final List<String> lines;
    private final List<JsonNode> objects;

    private SavedObjectsFile(List<String> lines, List<JsonNode> objects) {
        this.lines = lines;
        this.objects = objects;
    }

    public static SavedObjectsFile load() {
        String text = new String(KibanaAssets.read(KibanaAssets.SAVED_OBJECTS), StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        List<JsonNode> objects = new ArrayList<>();
        for (String line : lines) {
            objects.add(parse(line));
        }
        return new SavedObjectsFile(lines, objects);
    }

    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    public List<String> lines() {
        return lines;
    }

    public List<JsonNode> objects() {
        return objects;
    }

    public List<JsonNode> ofType(String type) {
        return objects.stream().filter(o -> o.path("type").asText().equals(type)).toList();
    }

    public Optional<JsonNode> find(String type, String id) {
        return objects.stream()
                .filter(o -> o.path("type").asText().equals(type) && o.path("id").asText().equals(id))
                .findFirst();
    }

    public JsonNode get(String type, String id) {
        return find(type, id).orElseThrow(() -> new AssertionError("no " + type + " " + id));
    }

    /** The id a named reference of an object points to. */
    public static Optional<String> reference(JsonNode object, String name) {
        for (JsonNode ref : object.path("references")) {
            if (ref.path("name").asText().equals(name)) {
                return Optional.of(ref.path("id").asText());
            }
        }
        return Optional.empty();
    }

    /** The data view's index pattern (its title). */
    public String pattern(String dataViewId) {
        return get("index-pattern", dataViewId).path("attributes").path("title").asText();
    }

    /** A dashboard's panels, decoded from {@code panelsJSON}. */
    public static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        parse(dashboard.path("attributes").path("panelsJSON").asText()).forEach(panels::add);
        return panels;
    }

    /** Every Lens layer on every dashboard. */
    public List<LensLayer> lensLayers() {
        List<LensLayer> layers = new ArrayList<>();
        for (JsonNode dashboard : ofType("dashboard")) {
            for (JsonNode panel : panels(dashboard)) {
                if (!panel.path("type").asText().equals("lens")) {
                    continue;
                }
                JsonNode attributes = panel.path("embeddableConfig").path("attributes");
                JsonNode state = attributes.path("state");
                String panelIndex = panel.path("panelIndex").asText();
                for (var layer : state.path("datasourceStates").path("formBased").path("layers").properties()) {
                    String refName = panelIndex + ":indexpattern-datasource-layer-" + layer.getKey();
                    String dataViewId =
                            reference(dashboard, refName)
                                    .orElseThrow(() -> new AssertionError(
                                            "dashboard " + dashboard.path("id").asText()
                                                    + " has no reference " + refName));
                    layers.add(new LensLayer(
                            dashboard.path("id").asText(),
                            attributes.path("title").asText(),
                            panelIndex,
                            layer.getKey(),
                            dataViewId,
                            pattern(dataViewId),
                            state.path("query").path("query").asText(),
                            attributes.path("visualizationType").asText(),
                            layer.getValue(),
                            panel));
                }
            }
        }
        return layers;
    }

    /**
     * One Lens layer of a dashboard panel.
     *
     * @param kql the chart's query
     * @param layer the formBased layer ({@code columns}, {@code columnOrder})
     * @param panel the whole dashboard panel
     */
    public record LensLayer(
            String dashboardId,
            String title,
            String panelIndex,
            String layerId,
            String dataViewId,
            String pattern,
            String kql,
            String visualizationType,
            JsonNode layer,
            JsonNode panel) {

        /** The layer's columns in {@code columnOrder}. */
        public List<JsonNode> columns() {
            List<JsonNode> columns = new ArrayList<>();
            layer.path("columnOrder").forEach(id -> columns.add(layer.path("columns").path(id.asText())));
            return columns;
        }

        public List<String> columnIds() {
            List<String> ids = new ArrayList<>();
            layer.path("columnOrder").forEach(id -> ids.add(id.asText()));
            return ids;
        }

        @Override
        public String toString() {
            return dashboardId + " / " + title;
        }
    }
}
