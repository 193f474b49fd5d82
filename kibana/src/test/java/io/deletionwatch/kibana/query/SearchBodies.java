package io.deletionwatch.kibana.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.kibana.assets.TemplateFields;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates what Kibana would run for each asset into an Elasticsearch search body: a Lens
 * layer's aggregations (as Kibana's esaggs builds them: bucket columns nested in column order,
 * metrics inside, filtered metrics in a {@code filter} aggregation), a saved search's query and
 * sort, an alert rule's query over its time window.
 */
public final class SearchBodies {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private SearchBodies() {}

    /** Aggregations are named {@code b0, b1, ...} (buckets) and {@code m0, m1, ...} (metrics). */
    public static ObjectNode lensLayer(SavedObjectsFile.LensLayer layer, List<ObjectNode> extraFilters) {
        TemplateFields types = TemplateFields.forPattern(layer.pattern());
        ObjectNode body = MAPPER.createObjectNode();
        body.put("size", 0);
        body.put("track_total_hits", true);
        ArrayNode filter = body.putObject("query").putObject("bool").putArray("filter");
        filter.add(Kql.parse(layer.kql()).toQuery(types));
        extraFilters.forEach(filter::add);

        List<JsonNode> buckets = new ArrayList<>();
        List<String> bucketIds = new ArrayList<>();
        List<JsonNode> metrics = new ArrayList<>();
        List<String> metricIds = new ArrayList<>();
        List<String> ids = layer.columnIds();
        List<JsonNode> columns = layer.columns();
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).path("isBucketed").asBoolean()) {
                buckets.add(columns.get(i));
                bucketIds.add(ids.get(i));
            } else {
                metrics.add(columns.get(i));
                metricIds.add(ids.get(i));
            }
        }
        ObjectNode level = body.putObject("aggs");
        for (int b = 0; b < buckets.size(); b++) {
            JsonNode column = buckets.get(b);
            ObjectNode agg = level.putObject("b" + b);
            String field = column.path("sourceField").asText();
            switch (column.path("operationType").asText()) {
                case "terms" -> {
                    JsonNode params = column.path("params");
                    ObjectNode terms = agg.putObject("terms");
                    terms.put("field", field);
                    terms.put("size", params.path("size").asInt());
                    String direction = params.path("orderDirection").asText("desc");
                    JsonNode orderBy = params.path("orderBy");
                    if (orderBy.path("type").asText().equals("alphabetical")) {
                        terms.putObject("order").put("_key", direction);
                    } else {
                        int m = metricIds.indexOf(orderBy.path("columnId").asText());
                        terms.putObject("order").put(orderPath(metrics.get(m), m), direction);
                    }
                }
                case "date_histogram" -> {
                    String interval = column.path("params").path("interval").asText();
                    agg.putObject("date_histogram")
                            .put("field", field)
                            .put("fixed_interval", interval.equals("auto") ? "30m" : interval)
                            .put("min_doc_count", 1);
                }
                default -> throw new IllegalArgumentException(
                        "no translation for bucket " + column.path("operationType").asText());
            }
            // Every level carries the metrics: outer terms are ordered by them.
            ObjectNode inner = agg.putObject("aggs");
            addMetrics(inner, metrics, types);
            level = inner;
        }
        if (buckets.isEmpty()) {
            addMetrics(level, metrics, types);
        }
        return body;
    }

    private static String orderPath(JsonNode metric, int m) {
        boolean count = metric.path("operationType").asText().equals("count");
        if (metric.has("filter")) {
            return count ? "m" + m + "._count" : "m" + m + ">v";
        }
        return count ? "_count" : "m" + m;
    }

    private static void addMetrics(ObjectNode aggs, List<JsonNode> metrics, TemplateFields types) {
        for (int m = 0; m < metrics.size(); m++) {
            JsonNode column = metrics.get(m);
            String operation = column.path("operationType").asText();
            ObjectNode value = MAPPER.createObjectNode();
            String field = column.path("sourceField").asText();
            switch (operation) {
                case "count" -> value = null;
                case "unique_count" -> value.putObject("cardinality").put("field", field);
                case "sum", "max", "min", "avg" -> value.putObject(operation).put("field", field);
                default -> throw new IllegalArgumentException("no translation for metric " + operation);
            }
            if (column.has("filter")) {
                ObjectNode wrapper = aggs.putObject("m" + m);
                wrapper.set("filter", Kql.parse(column.path("filter").path("query").asText()).toQuery(types));
                if (value != null) {
                    wrapper.putObject("aggs").set("v", value);
                }
            } else if (value != null) {
                aggs.set("m" + m, value);
            }
        }
    }

    /**
     * The metric values a Lens layer's response shows, one list per innermost bucket (or one list
     * for a layer without buckets); a count is the document count.
     */
    public static List<List<Double>> lensRows(SavedObjectsFile.LensLayer layer, JsonNode response) {
        List<JsonNode> metrics = new ArrayList<>();
        int buckets = 0;
        for (JsonNode column : layer.columns()) {
            if (column.path("isBucketed").asBoolean()) {
                buckets++;
            } else {
                metrics.add(column);
            }
        }
        List<List<Double>> rows = new ArrayList<>();
        ObjectNode top = MAPPER.createObjectNode();
        if (response.path("aggregations").isObject()) {
            top.setAll((ObjectNode) response.path("aggregations").deepCopy());
        }
        top.put("doc_count", response.path("hits").path("total").path("value").asLong());
        collectRows(top, 0, buckets, metrics, rows);
        return rows;
    }

    private static void collectRows(
            JsonNode level, int depth, int buckets, List<JsonNode> metrics, List<List<Double>> rows) {
        if (depth == buckets) {
            List<Double> row = new ArrayList<>();
            for (int m = 0; m < metrics.size(); m++) {
                JsonNode column = metrics.get(m);
                boolean count = column.path("operationType").asText().equals("count");
                JsonNode agg = level.path("m" + m);
                if (column.has("filter")) {
                    row.add(count ? agg.path("doc_count").asDouble() : agg.path("v").path("value").asDouble());
                } else {
                    row.add(count ? level.path("doc_count").asDouble() : agg.path("value").asDouble());
                }
            }
            rows.add(row);
            return;
        }
        for (JsonNode bucket : level.path("b" + depth).path("buckets")) {
            collectRows(bucket, depth + 1, buckets, metrics, rows);
        }
    }

    /** The first bucket key of the outermost bucket column, as Kibana's filter would use it. */
    public static String firstKey(JsonNode response) {
        JsonNode bucket = response.path("aggregations").path("b0").path("buckets").path(0);
        return bucket.has("key_as_string") ? bucket.path("key_as_string").asText() : bucket.path("key").asText();
    }

    /** What Discover runs for a saved search. */
    public static ObjectNode savedSearch(JsonNode search, String pattern) {
        JsonNode source =
                SavedObjectsFile.parse(
                        search.path("attributes").path("kibanaSavedObjectMeta").path("searchSourceJSON").asText());
        ObjectNode body = MAPPER.createObjectNode();
        body.put("size", 100);
        body.set("query", Kql.parse(source.path("query").path("query").asText())
                .toQuery(TemplateFields.forPattern(pattern)));
        ArrayNode sort = body.putArray("sort");
        for (JsonNode pair : search.path("attributes").path("sort")) {
            sort.addObject().put(pair.get(0).asText(), pair.get(1).asText());
        }
        return body;
    }

    /** What an Elasticsearch-query alert rule runs: its query over its time window. */
    public static ObjectNode alertRule(JsonNode rule) {
        JsonNode params = rule.path("params");
        JsonNode esQuery = SavedObjectsFile.parse(params.path("esQuery").asText());
        ObjectNode body = MAPPER.createObjectNode();
        body.put("size", params.path("size").asInt());
        ArrayNode filter = body.putObject("query").putObject("bool").putArray("filter");
        filter.add(esQuery.path("query"));
        String unit = params.path("timeWindowUnit").asText();
        filter.addObject()
                .putObject("range")
                .putObject(params.path("timeField").asText())
                .put("gte", "now-" + params.path("timeWindowSize").asInt() + unit);
        body.putArray("sort").addObject().put(params.path("timeField").asText(), "desc");
        return body;
    }

    /** What an Elastic Security query rule runs: its KQL over its look-back. */
    public static ObjectNode detectionRule(JsonNode rule) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("size", 100);
        ArrayNode filter = body.putObject("query").putObject("bool").putArray("filter");
        filter.add(Kql.parse(rule.path("query").asText()).toQuery(TemplateFields.findings()));
        filter.addObject()
                .putObject("range")
                .putObject(rule.path("timestamp_override").asText("@timestamp"))
                .put("gte", rule.path("from").asText());
        return body;
    }
}
