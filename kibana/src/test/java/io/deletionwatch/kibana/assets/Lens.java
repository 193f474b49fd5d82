package io.deletionwatch.kibana.assets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Lens visualizations by value, in the form Kibana 8.9 stores them ({@code formBased} layers, the
 * new metric visualization). One layer per chart.
 */
final class Lens {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String RECORDS = "___records___";

    private Lens() {}

    /** A column of a Lens layer. */
    sealed interface Col permits Terms, DateHistogram, Metric {}

    /** Top values of a field; ordered by the chart's first metric, or by value when alphabetical. */
    record Terms(String field, String label, int size, boolean alphabetical) implements Col {}

    /** Buckets over time; {@code auto} lets Kibana choose from the time range. */
    record DateHistogram(String field, String interval) implements Col {}

    /**
     * A number: {@code count} (of findings; field null), {@code unique_count}, {@code sum},
     * {@code max}; optionally only over the documents a KQL filter selects.
     */
    record Metric(String operation, String field, String label, String filter) implements Col {}

    static Terms terms(String field, String label, int size) {
        return new Terms(field, label, size, false);
    }

    static Terms termsByValue(String field, String label, int size) {
        return new Terms(field, label, size, true);
    }

    static DateHistogram overTime() {
        return new DateHistogram("@timestamp", "auto");
    }

    static DateHistogram perHour() {
        return new DateHistogram("@timestamp", "1h");
    }

    static Metric count(String label) {
        return new Metric("count", null, label, null);
    }

    static Metric count(String label, String kqlFilter) {
        return new Metric("count", null, label, kqlFilter);
    }

    static Metric uniqueCount(String field, String label) {
        return new Metric("unique_count", field, label, null);
    }

    static Metric sum(String field, String label) {
        return new Metric("sum", field, label, null);
    }

    static Metric max(String field, String label) {
        return new Metric("max", field, label, null);
    }

    /** The kinds of chart we draw. */
    enum Kind {
        XY("lnsXY"),
        METRIC("lnsMetric"),
        TABLE("lnsDatatable");

        final String visualizationType;

        Kind(String visualizationType) {
            this.visualizationType = visualizationType;
        }
    }

    /**
     * One chart: a single layer over one data view, filtered by a KQL query.
     *
     * @param seriesType for XY charts: {@code bar_stacked}, {@code line}, {@code bar_horizontal}
     * @param buckets the bucket columns, outermost first (for XY: split, then the x axis)
     */
    record Chart(
            Kind kind,
            String title,
            String dataViewId,
            String query,
            String seriesType,
            List<Col> buckets,
            List<Metric> metrics) {

        /** The Lens attributes, with ids derived from {@code seed}. */
        ObjectNode attributes(String seed) {
            String layerId = layerId(seed);
            List<String> bucketIds = new ArrayList<>();
            List<String> metricIds = new ArrayList<>();
            ObjectNode columns = MAPPER.createObjectNode();
            for (int i = 0; i < metrics.size(); i++) {
                metricIds.add(Ids.uuid(seed + "/metric/" + i));
            }
            for (int i = 0; i < buckets.size(); i++) {
                bucketIds.add(Ids.uuid(seed + "/bucket/" + i));
            }
            for (int i = 0; i < buckets.size(); i++) {
                columns.set(bucketIds.get(i), bucketColumn(buckets.get(i), metricIds.get(0)));
            }
            for (int i = 0; i < metrics.size(); i++) {
                columns.set(metricIds.get(i), metricColumn(metrics.get(i)));
            }
            ObjectNode layer = MAPPER.createObjectNode();
            layer.set("columns", columns);
            ArrayNode order = layer.putArray("columnOrder");
            bucketIds.forEach(order::add);
            metricIds.forEach(order::add);
            layer.putObject("incompleteColumns");

            ObjectNode attributes = MAPPER.createObjectNode();
            attributes.put("title", title);
            attributes.put("description", "");
            attributes.put("visualizationType", kind.visualizationType);
            attributes.put("type", "lens");
            attributes.putArray("references").add(reference(dataViewId, layerId));
            ObjectNode state = attributes.putObject("state");
            state.set("visualization", visualization(layerId, bucketIds, metricIds));
            state.putObject("query").put("query", query).put("language", "kuery");
            state.putArray("filters");
            state.putObject("datasourceStates")
                    .putObject("formBased")
                    .putObject("layers")
                    .set(layerId, layer);
            state.putArray("internalReferences");
            state.putObject("adHocDataViews");
            return attributes;
        }

        static String layerId(String seed) {
            return Ids.uuid(seed + "/layer");
        }

        static ObjectNode reference(String dataViewId, String layerId) {
            ObjectNode ref = MAPPER.createObjectNode();
            ref.put("type", "index-pattern");
            ref.put("id", dataViewId);
            ref.put("name", "indexpattern-datasource-layer-" + layerId);
            return ref;
        }

        private ObjectNode visualization(
                String layerId, List<String> bucketIds, List<String> metricIds) {
            ObjectNode vis = MAPPER.createObjectNode();
            switch (kind) {
                case XY -> {
                    vis.putObject("legend").put("isVisible", true).put("position", "right");
                    vis.put("valueLabels", "hide");
                    vis.put("fittingFunction", "None");
                    visibility(vis.putObject("axisTitlesVisibilitySettings"));
                    visibility(vis.putObject("tickLabelsVisibilitySettings"));
                    visibility(vis.putObject("gridlinesVisibilitySettings"));
                    vis.put("preferredSeriesType", seriesType);
                    ObjectNode layer = vis.putArray("layers").addObject();
                    layer.put("layerId", layerId);
                    ArrayNode accessors = layer.putArray("accessors");
                    metricIds.forEach(accessors::add);
                    layer.put("position", "top");
                    layer.put("seriesType", seriesType);
                    layer.put("showGridlines", false);
                    layer.put("layerType", "data");
                    layer.put("xAccessor", bucketIds.get(bucketIds.size() - 1));
                    if (bucketIds.size() > 1) {
                        layer.put("splitAccessor", bucketIds.get(0));
                    }
                }
                case METRIC -> {
                    vis.put("layerId", layerId);
                    vis.put("layerType", "data");
                    vis.put("metricAccessor", metricIds.get(0));
                }
                case TABLE -> {
                    vis.put("layerId", layerId);
                    vis.put("layerType", "data");
                    ArrayNode columns = vis.putArray("columns");
                    bucketIds.forEach(id -> columns.addObject().put("columnId", id).put("isTransposed", false));
                    metricIds.forEach(id -> columns.addObject().put("columnId", id).put("isTransposed", false));
                    vis.put("rowHeight", "single");
                    vis.put("rowHeightLines", 1);
                    boolean byValue =
                            !buckets.isEmpty() && buckets.get(0) instanceof Terms t && t.alphabetical();
                    vis.putObject("sorting")
                            .put("columnId", byValue ? bucketIds.get(0) : metricIds.get(0))
                            .put("direction", "desc");
                }
                default -> throw new IllegalStateException();
            }
            return vis;
        }

        private static void visibility(ObjectNode node) {
            node.put("x", true).put("yLeft", true).put("yRight", true);
        }

        private static ObjectNode bucketColumn(Col col, String firstMetricId) {
            ObjectNode c = MAPPER.createObjectNode();
            if (col instanceof Terms t) {
                c.put("label", t.label());
                c.put("customLabel", true);
                c.put("dataType", TemplateFields.all().lensDataType(t.field()));
                c.put("operationType", "terms");
                c.put("scale", "ordinal");
                c.put("sourceField", t.field());
                c.put("isBucketed", true);
                ObjectNode params = c.putObject("params");
                params.put("size", t.size());
                if (t.alphabetical()) {
                    params.putObject("orderBy").put("type", "alphabetical").put("fallback", false);
                } else {
                    params.putObject("orderBy").put("type", "column").put("columnId", firstMetricId);
                }
                params.put("orderDirection", "desc");
                params.put("otherBucket", false);
                params.put("missingBucket", false);
                params.putObject("parentFormat").put("id", "terms");
            } else if (col instanceof DateHistogram d) {
                c.put("label", "@timestamp");
                c.put("dataType", "date");
                c.put("operationType", "date_histogram");
                c.put("sourceField", d.field());
                c.put("isBucketed", true);
                c.put("scale", "interval");
                c.putObject("params")
                        .put("interval", d.interval())
                        .put("includeEmptyRows", true)
                        .put("dropPartials", false);
            } else {
                throw new IllegalArgumentException("not a bucket column: " + col);
            }
            return c;
        }

        private static ObjectNode metricColumn(Metric m) {
            ObjectNode c = MAPPER.createObjectNode();
            c.put("label", m.label());
            c.put("customLabel", true);
            c.put("dataType", "number");
            c.put("operationType", m.operation());
            c.put("scale", "ratio");
            c.put("sourceField", m.field() == null ? RECORDS : m.field());
            c.put("isBucketed", false);
            if (m.filter() != null) {
                c.putObject("filter").put("query", m.filter()).put("language", "kuery");
            }
            if (!m.operation().equals("count")) {
                c.putObject("params").put("emptyAsNull", true);
            }
            return c;
        }
    }

    static Chart xy(
            String title, String dataView, String seriesType, String query, Col x, Terms split,
            Metric... y) {
        List<Col> buckets = new ArrayList<>();
        if (split != null) {
            buckets.add(split);
        }
        buckets.add(x);
        return new Chart(Kind.XY, title, dataView, query, seriesType, buckets, List.of(y));
    }

    static Chart metric(String title, String dataView, String query, Metric metric) {
        return new Chart(Kind.METRIC, title, dataView, query, null, List.of(), List.of(metric));
    }

    static Chart table(
            String title, String dataView, String query, List<Terms> rows, Metric... metrics) {
        return new Chart(
                Kind.TABLE, title, dataView, query, null, List.copyOf(rows), List.of(metrics));
    }
}
