package io.deletionwatch.kibana.assets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A dashboard saved object: rows of panels on Kibana's 48-column grid, Lens panels by value, saved
 * searches by reference, dashboard-to-dashboard drill-downs and options-list controls. Builds the
 * encoded strings ({@code panelsJSON}, ...) and the references Kibana extracts on export.
 */
final class DashboardBuilder {
    static final int GRID_COLUMNS = 48;
    /** The Kibana version the panels are written for; see {@link SavedObjectsDefinition}. */
    static final String PANEL_VERSION = "8.9.0";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String id;
    private final String title;
    private final String description;
    private final String timeFrom;
    private final List<ObjectNode> panels = new ArrayList<>();
    private final ArrayNode references = MAPPER.createArrayNode();
    private final Map<String, String[]> controls = new LinkedHashMap<>();
    private String controlsDataView;
    private int y;

    DashboardBuilder(String id, String title, String description, String timeFrom) {
        this.id = id;
        this.title = title;
        this.description = description;
        this.timeFrom = timeFrom;
    }

    /** A panel to place: a Lens chart or a saved search, with its width. */
    static final class Panel {
        final Lens.Chart chart;
        final String searchId;
        final int width;
        final List<String[]> drilldowns = new ArrayList<>();
        String timeFrom;

        private Panel(Lens.Chart chart, String searchId, int width) {
            this.chart = chart;
            this.searchId = searchId;
            this.width = width;
        }

        /** Clicking a value opens {@code dashboardId} filtered by it. */
        Panel drilldown(String name, String dashboardId) {
            drilldowns.add(new String[] {name, dashboardId});
            return this;
        }

        /** This panel shows its own time range, e.g. {@code now-24h}, whatever the dashboard's. */
        Panel timeFrom(String from) {
            this.timeFrom = from;
            return this;
        }
    }

    static Panel lens(Lens.Chart chart, int width) {
        return new Panel(chart, null, width);
    }

    static Panel search(String searchId, int width) {
        return new Panel(null, searchId, width);
    }

    /** Options-list controls over the given fields (field, title), on one data view. */
    DashboardBuilder controls(String dataViewId, String[]... fieldAndTitle) {
        controlsDataView = dataViewId;
        for (String[] control : fieldAndTitle) {
            controls.put(control[0], control);
        }
        return this;
    }

    DashboardBuilder row(int height, Panel... row) {
        int x = 0;
        for (Panel panel : row) {
            place(panel, x, y, panel.width, height);
            x += panel.width;
        }
        if (x > GRID_COLUMNS) {
            throw new IllegalArgumentException("row wider than the grid in " + id);
        }
        y += height;
        return this;
    }

    private void place(Panel panel, int x, int y, int w, int h) {
        String panelIndex = Ids.uuid(id + "/panel/" + panels.size());
        ObjectNode p = MAPPER.createObjectNode();
        p.put("version", PANEL_VERSION);
        p.put("type", panel.chart != null ? "lens" : "search");
        p.putObject("gridData").put("x", x).put("y", y).put("w", w).put("h", h).put("i", panelIndex);
        p.put("panelIndex", panelIndex);
        ObjectNode config = p.putObject("embeddableConfig");
        if (panel.chart != null) {
            String seed = id + "/" + panel.chart.title();
            config.set("attributes", panel.chart.attributes(seed));
            ObjectNode ref = Lens.Chart.reference(panel.chart.dataViewId(), Lens.Chart.layerId(seed));
            ref.put("name", panelIndex + ":" + ref.get("name").asText());
            references.add(ref);
        }
        ObjectNode enhancements = config.putObject("enhancements");
        if (!panel.drilldowns.isEmpty()) {
            ArrayNode events = enhancements.putObject("dynamicActions").putArray("events");
            for (String[] drilldown : panel.drilldowns) {
                String eventId = Ids.uuid(panelIndex + "/drilldown/" + drilldown[1]);
                ObjectNode event = events.addObject();
                event.put("eventId", eventId);
                event.putArray("triggers").add("FILTER_TRIGGER");
                ObjectNode action = event.putObject("action");
                action.put("factoryId", "DASHBOARD_TO_DASHBOARD_DRILLDOWN");
                action.put("name", drilldown[0]);
                action.putObject("config")
                        .put("useCurrentFilters", true)
                        .put("useCurrentDateRange", true)
                        .put("openInNewTab", false);
                references.addObject()
                        .put("name", panelIndex + ":drilldown:DASHBOARD_TO_DASHBOARD_DRILLDOWN:"
                                + eventId + ":dashboardId")
                        .put("type", "dashboard")
                        .put("id", drilldown[1]);
            }
        }
        if (panel.timeFrom != null) {
            config.putObject("timeRange").put("from", panel.timeFrom).put("to", "now");
        }
        if (panel.chart != null) {
            config.put("hidePanelTitles", false);
        }
        if (panel.searchId != null) {
            p.put("panelRefName", "panel_" + panelIndex);
            references.addObject()
                    .put("name", panelIndex + ":panel_" + panelIndex)
                    .put("type", "search")
                    .put("id", panel.searchId);
        }
        panels.add(p);
    }

    ObjectNode build() {
        ObjectNode object = MAPPER.createObjectNode();
        object.put("type", "dashboard");
        object.put("id", id);
        ObjectNode attributes = object.putObject("attributes");
        attributes.put("title", title);
        attributes.put("description", description);
        ArrayNode panelArray = MAPPER.createArrayNode();
        panels.forEach(panelArray::add);
        attributes.put("panelsJSON", SavedObjectsDefinition.encode(panelArray));
        ObjectNode options = MAPPER.createObjectNode();
        options.put("useMargins", true);
        options.put("syncColors", false);
        options.put("syncCursor", true);
        options.put("syncTooltips", false);
        options.put("hidePanelTitles", false);
        attributes.put("optionsJSON", SavedObjectsDefinition.encode(options));
        attributes.put("version", 1);
        attributes.put("timeRestore", true);
        attributes.put("timeFrom", timeFrom);
        attributes.put("timeTo", "now");
        attributes.putObject("refreshInterval").put("pause", false).put("value", 60000);
        ObjectNode searchSource = MAPPER.createObjectNode();
        searchSource.putObject("query").put("query", "").put("language", "kuery");
        searchSource.putArray("filter");
        attributes.putObject("kibanaSavedObjectMeta")
                .put("searchSourceJSON", SavedObjectsDefinition.encode(searchSource));
        if (!controls.isEmpty()) {
            ObjectNode controlPanels = MAPPER.createObjectNode();
            int order = 0;
            for (String[] control : controls.values()) {
                String controlId = Ids.uuid(id + "/control/" + control[0]);
                ObjectNode c = controlPanels.putObject(controlId);
                c.put("order", order++);
                c.put("width", "medium");
                c.put("grow", true);
                c.put("type", "optionsListControl");
                c.putObject("explicitInput")
                        .put("id", controlId)
                        .put("fieldName", control[0])
                        .put("title", control[1])
                        .putObject("enhancements");
                references.addObject()
                        .put("name", "controlGroup_" + controlId + ":optionsListDataView")
                        .put("type", "index-pattern")
                        .put("id", controlsDataView);
            }
            ObjectNode ignore = MAPPER.createObjectNode();
            ignore.put("ignoreFilters", false);
            ignore.put("ignoreQuery", false);
            ignore.put("ignoreTimerange", false);
            ignore.put("ignoreValidations", false);
            ObjectNode group = attributes.putObject("controlGroupInput");
            group.put("controlStyle", "oneLine");
            group.put("chainingSystem", "HIERARCHICAL");
            group.put("panelsJSON", SavedObjectsDefinition.encode(controlPanels));
            group.put("ignoreParentSettingsJSON", SavedObjectsDefinition.encode(ignore));
        }
        object.set("references", references);
        SavedObjectsDefinition.stampVersions(object);
        return object;
    }
}
