package io.deletionwatch.kibana.setup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.kibana.KibanaAssets;
import io.deletionwatch.kibana.setup.SetupReport.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Installs the ILM policy, the index templates and the roles. Each object carries the SHA-256 of
 * what we send in its metadata ({@code content_hash}), so a second run finds it {@code unchanged}
 * without comparing the normalised form Elasticsearch answers with.
 *
 * <p>The index templates are the connectors' resources as they are, under the names and with the
 * hash the Elasticsearch sink's own installer uses, so the two never undo each other. ILM reaches
 * them through the component template {@code deletion-watch@ilm}, which the templates name in
 * {@code composed_of} and {@code ignore_missing_component_templates}: it exists only where the
 * cluster has ILM.
 */
final class ElasticsearchSetup {
    static final String FINDINGS_TEMPLATE = "logs-deletion_watch.findings";
    static final String DEAD_LETTER_TEMPLATE = "logs-deletion_watch.deadletter";
    static final String ILM_POLICY = "deletion-watch";
    static final String ILM_COMPONENT_TEMPLATE = "deletion-watch@ilm";
    static final String GEOIP_PIPELINE = "deletion-watch-findings-geoip";
    static final String GEOIP_COMPONENT_TEMPLATE = "deletion-watch@geoip";
    /** What the GeoIP pipeline runs; all of them ship with Elasticsearch's default distribution. */
    static final List<String> GEOIP_PROCESSORS = List.of("geoip", "rename");
    static final String WRITER_ROLE = "deletion-watch-writer";
    static final String ANALYST_ROLE = "deletion-watch-analyst";
    /** The metadata key holding the SHA-256 of the body without it. */
    static final String HASH_KEY = "content_hash";
    /** Rollover at most this often, so a small stream does not make an index a day. */
    static final int MAX_ROLLOVER_DAYS = 7;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final RestClient es;
    private final SetupReport report;
    private final int retentionDays;

    ElasticsearchSetup(RestClient es, SetupReport report, int retentionDays) {
        this.es = es;
        this.report = report;
        this.retentionDays = retentionDays;
    }

    void run() {
        report.section("Elasticsearch " + es.base() + ":");
        JsonNode info = es.expectSuccess(es.get("/"), "reading the cluster information").json();
        report.section(
                "  cluster " + info.path("cluster_name").asText("?") + ", version "
                        + info.path("version").path("number").asText("?"));
        boolean ilm = installIlm();
        installGeoip();
        install("index template " + FINDINGS_TEMPLATE,
                "/_index_template/" + FINDINGS_TEMPLATE,
                indexTemplate(KibanaAssets.FINDINGS_TEMPLATE),
                "_meta",
                r -> r.path("index_templates").path(0).path("index_template").path("_meta"),
                "");
        install("index template " + DEAD_LETTER_TEMPLATE,
                "/_index_template/" + DEAD_LETTER_TEMPLATE,
                indexTemplate(KibanaAssets.DEAD_LETTER_TEMPLATE),
                "_meta",
                r -> r.path("index_templates").path(0).path("index_template").path("_meta"),
                "");
        installRoles();
    }

    /** The policy and the component template that attaches it; false when there is no ILM. */
    private boolean installIlm() {
        String subject = "ILM policy " + ILM_POLICY;
        HttpResponse probe = es.get("/_ilm/policy/" + ILM_POLICY);
        Optional<String> missing = missingFeature(probe);
        if (missing.isPresent()) {
            report.record(subject, Outcome.SKIPPED,
                    "the cluster has no ILM (" + missing.get() + "); findings and dead letters "
                            + "are kept until deleted by hand");
            report.record("component template " + ILM_COMPONENT_TEMPLATE, Outcome.SKIPPED,
                    "the cluster has no ILM");
            return false;
        }
        ObjectNode policy = ilmPolicy(retentionDays);
        install(subject,
                "/_ilm/policy/" + ILM_POLICY,
                policy,
                "policy._meta",
                r -> r.path(ILM_POLICY).path("policy").path("_meta"),
                "rollover after " + rolloverDays(retentionDays) + " days or 50 GB a shard, delete "
                        + retentionDays + " days after rollover");
        install("component template " + ILM_COMPONENT_TEMPLATE,
                "/_component_template/" + ILM_COMPONENT_TEMPLATE,
                ilmComponentTemplate(),
                "_meta",
                r -> r.path("component_templates").path(0).path("component_template").path("_meta"),
                "findings and dead letters use ILM policy " + ILM_POLICY);
        return true;
    }

    /**
     * {@code source.geo.*} and {@code source.as.*} from the caller's IP, as Elastic's Azure
     * integration adds them, where every node can run the GeoIP processor: a pipeline, and the
     * component template that makes it the findings' default pipeline (the findings template names
     * it in {@code ignore_missing_component_templates}, so without it nothing changes).
     */
    private void installGeoip() {
        String subject = "GeoIP pipeline " + GEOIP_PIPELINE;
        List<String> missing = missingProcessors(es.get("/_nodes/ingest?filter_path=nodes.*.ingest.processors.type"));
        if (!missing.isEmpty()) {
            report.record(subject, Outcome.SKIPPED,
                    "the cluster lacks " + String.join(", ", missing) + "; findings carry no source.geo or source.as");
            report.record("component template " + GEOIP_COMPONENT_TEMPLATE, Outcome.SKIPPED, "no GeoIP pipeline");
            return;
        }
        install(subject,
                "/_ingest/pipeline/" + GEOIP_PIPELINE,
                geoipPipeline(),
                "_meta",
                r -> r.path(GEOIP_PIPELINE).path("_meta"),
                "source.geo and source.as from source.ip");
        install("component template " + GEOIP_COMPONENT_TEMPLATE,
                "/_component_template/" + GEOIP_COMPONENT_TEMPLATE,
                geoipComponentTemplate(),
                "_meta",
                r -> r.path("component_templates").path(0).path("component_template").path("_meta"),
                "findings run " + GEOIP_PIPELINE + " as their default pipeline");
    }

    /** The GeoIP pipeline's processors some node cannot run. */
    static List<String> missingProcessors(HttpResponse nodes) {
        if (nodes.status() != 200) {
            return List.of("a list of its ingest processors (GET /_nodes/ingest answered " + nodes.status() + ")");
        }
        JsonNode byNode = nodes.json().path("nodes");
        Set<String> missing = new TreeSet<>();
        if (byNode.isEmpty()) {
            // filter_path leaves nothing when no node has any processor, as on the Maven Central node.
            GEOIP_PROCESSORS.forEach(p -> missing.add("the " + p + " processor"));
        }
        for (JsonNode node : byNode) {
            Set<String> types = new HashSet<>();
            node.path("ingest").path("processors").forEach(p -> types.add(p.path("type").asText()));
            GEOIP_PROCESSORS.stream().filter(p -> !types.contains(p)).forEach(p -> missing.add("the " + p + " processor"));
        }
        return List.copyOf(missing);
    }

    /**
     * City and ASN lookups of {@code source.ip}, named as Elastic's integrations name them
     * ({@code source.as.number}, {@code source.as.organization.name}); a finding without an IP or
     * with a private one passes unchanged.
     */
    static ObjectNode geoipPipeline() {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("description", "deletion-watch findings: source.geo and source.as from source.ip");
        ArrayNode processors = body.putArray("processors");
        // ignore_failure: a lookup that fails must never cost the finding, only its geo fields.
        processors.addObject().putObject("geoip")
                .put("field", "source.ip").put("target_field", "source.geo")
                .put("ignore_missing", true).put("ignore_failure", true);
        processors.addObject().putObject("geoip")
                .put("database_file", "GeoLite2-ASN.mmdb")
                .put("field", "source.ip").put("target_field", "source.as")
                .put("ignore_missing", true).put("ignore_failure", true)
                .putArray("properties").add("asn").add("organization_name");
        processors.addObject().putObject("rename")
                .put("field", "source.as.asn").put("target_field", "source.as.number")
                .put("ignore_missing", true).put("ignore_failure", true);
        processors.addObject().putObject("rename")
                .put("field", "source.as.organization_name").put("target_field", "source.as.organization.name")
                .put("ignore_missing", true).put("ignore_failure", true);
        meta(body.putObject("_meta"), "source.geo and source.as for deletion-watch findings");
        return body;
    }

    static ObjectNode geoipComponentTemplate() {
        ObjectNode body = MAPPER.createObjectNode();
        body.putObject("template").putObject("settings").putObject("index").put("default_pipeline", GEOIP_PIPELINE);
        meta(body.putObject("_meta"), "runs " + GEOIP_PIPELINE + " on deletion-watch findings");
        return body;
    }

    static int rolloverDays(int retentionDays) {
        return Math.min(MAX_ROLLOVER_DAYS, retentionDays);
    }

    /** The policy body: hot rollover, then delete after the retention. */
    static ObjectNode ilmPolicy(int retentionDays) {
        ObjectNode body = MAPPER.createObjectNode();
        ObjectNode policy = body.putObject("policy");
        meta(policy.putObject("_meta"), "deletion-watch findings and dead letters: rollover, then delete");
        ObjectNode phases = policy.putObject("phases");
        ObjectNode rollover =
                phases.putObject("hot")
                        .put("min_age", "0ms")
                        .putObject("actions")
                        .putObject("rollover");
        rollover.put("max_age", rolloverDays(retentionDays) + "d");
        rollover.put("max_primary_shard_size", "50gb");
        phases.putObject("delete")
                .put("min_age", retentionDays + "d")
                .putObject("actions")
                .putObject("delete");
        return body;
    }

    static ObjectNode ilmComponentTemplate() {
        ObjectNode body = MAPPER.createObjectNode();
        body.putObject("template")
                .putObject("settings")
                .putObject("index")
                .putObject("lifecycle")
                .put("name", ILM_POLICY);
        meta(body.putObject("_meta"), "attaches ILM policy " + ILM_POLICY + " to deletion-watch's data streams");
        return body;
    }

    /** An index template: the connectors' resource as it is. */
    static ObjectNode indexTemplate(String resource) {
        try {
            return (ObjectNode) MAPPER.readTree(KibanaAssets.readResource(resource));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + resource, e);
        }
    }

    private static void meta(ObjectNode meta, String description) {
        meta.put("managed_by", "deletion-watch");
        meta.put("description", description);
    }

    /**
     * Creates, updates or leaves alone one object, by the hash in its metadata.
     *
     * @param metaPath where the metadata object is in the body, dot-separated
     * @param installedMeta finds the metadata in the GET answer
     */
    private void install(
            String subject,
            String path,
            ObjectNode body,
            String metaPath,
            Function<JsonNode, JsonNode> installedMeta,
            String detail) {
        ObjectNode meta = body;
        for (String key : metaPath.split("\\.")) {
            meta = meta.withObjectProperty(key);
        }
        String hash = stampHash(meta, body);
        HttpResponse existing = es.get(path);
        if (existing.status() == 200) {
            if (hash.equals(installedMeta.apply(existing.json()).path(HASH_KEY).asText())) {
                report.record(subject, Outcome.UNCHANGED, detail);
                return;
            }
            es.expectSuccess(es.put(path, body), "updating " + subject);
            report.record(subject, Outcome.UPDATED, detail);
            return;
        }
        if (existing.status() != 404) {
            throw es.refused(existing, "reading " + subject);
        }
        es.expectSuccess(es.put(path, body), "creating " + subject);
        report.record(subject, Outcome.CREATED, detail);
    }

    private void installRoles() {
        HttpResponse probe = es.get("/_security/role/" + WRITER_ROLE);
        Optional<String> missing = missingFeature(probe);
        if (missing.isPresent()) {
            report.record("role " + WRITER_ROLE, Outcome.SKIPPED,
                    "the cluster has no security (" + missing.get() + "); no role can be created");
            report.record("role " + ANALYST_ROLE, Outcome.SKIPPED, "the cluster has no security");
            return;
        }
        install("role " + WRITER_ROLE, "/_security/role/" + WRITER_ROLE, writerRole(), "metadata",
                r -> r.path(WRITER_ROLE).path("metadata"), "");
        install("role " + ANALYST_ROLE, "/_security/role/" + ANALYST_ROLE, analystRole(), "metadata",
                r -> r.path(ANALYST_ROLE).path("metadata"), "");
    }

    /**
     * Creates documents in the two data streams and nothing else; {@code auto_configure} lets the
     * first write create the data stream, {@code monitor} lets a client read the cluster's
     * information and health (no documents).
     */
    static ObjectNode writerRole() {
        return role("writes deletion-watch findings and dead letters; creates documents only",
                new String[] {"monitor"}, new String[] {"create_doc", "auto_configure"}, false);
    }

    /** Reads the two data streams, and their dashboards and searches in Kibana. */
    static ObjectNode analystRole() {
        return role("reads deletion-watch findings and dead letters and their Kibana dashboards",
                new String[0], new String[] {"read", "view_index_metadata"}, true);
    }

    private static ObjectNode role(
            String description, String[] cluster, String[] indexPrivileges, boolean kibanaRead) {
        ObjectNode role = MAPPER.createObjectNode();
        ArrayNode clusterNode = role.putArray("cluster");
        for (String privilege : cluster) {
            clusterNode.add(privilege);
        }
        ObjectNode indices = role.putArray("indices").addObject();
        indices.putArray("names")
                .add(KibanaAssets.FINDINGS_DATA_STREAM_PATTERN)
                .add(KibanaAssets.DEAD_LETTER_DATA_STREAM_PATTERN);
        ArrayNode privileges = indices.putArray("privileges");
        for (String privilege : indexPrivileges) {
            privileges.add(privilege);
        }
        if (kibanaRead) {
            // Kibana keeps its feature privileges as application privileges of "kibana-.kibana".
            ObjectNode kibana = role.putArray("applications").addObject();
            kibana.put("application", "kibana-.kibana");
            kibana.putArray("privileges")
                    .add("feature_dashboard.read")
                    .add("feature_discover.read")
                    .add("feature_visualize.read");
            kibana.putArray("resources").add("*");
        }
        meta(role.putObject("metadata"), description);
        return role;
    }

    /**
     * Why the cluster cannot serve this API at all, when that is the answer: a node without the
     * module ("no handler found"), serverless ("api_not_available"), or security switched off.
     */
    static Optional<String> missingFeature(HttpResponse response) {
        String body = response.body().toLowerCase(Locale.ROOT);
        if (body.contains("no handler found for uri")) {
            return Optional.of("no handler for " + response.path());
        }
        if (response.status() == 410 || body.contains("api_not_available")) {
            return Optional.of("the API is not available on this deployment");
        }
        if (body.contains("security must be explicitly enabled")
                || body.contains("security is not enabled")) {
            return Optional.of("security is disabled");
        }
        return Optional.empty();
    }

    /** Puts the SHA-256 of the body (without the hash) into {@code meta}; returns it. */
    static String stampHash(ObjectNode meta, ObjectNode body) {
        meta.remove(HASH_KEY);
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(MAPPER.writeValueAsString(body).getBytes(StandardCharsets.UTF_8));
            String hash = HexFormat.of().formatHex(digest);
            meta.put(HASH_KEY, hash);
            return hash;
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException("cannot hash a request body", e);
        }
    }
}
