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
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * Installs the index templates, the ILM policy and the roles. Each object carries a hash of what we
 * sent in its metadata, so a second run finds it {@code unchanged} without having to compare the
 * normalised form Elasticsearch answers with.
 */
final class ElasticsearchSetup {
    static final String FINDINGS_TEMPLATE = "deletion-watch-findings";
    static final String DEAD_LETTER_TEMPLATE = "deletion-watch-deadletter";
    static final String ILM_POLICY = "deletion-watch";
    static final String WRITER_ROLE = "deletion-watch-writer";
    static final String ANALYST_ROLE = "deletion-watch-analyst";
    /** The metadata key holding the SHA-256 of the body we sent. */
    static final String HASH_KEY = "deletion_watch_sha256";
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
        boolean ilm = installIlmPolicy();
        installTemplate(FINDINGS_TEMPLATE, KibanaAssets.FINDINGS_TEMPLATE, ilm);
        installTemplate(DEAD_LETTER_TEMPLATE, KibanaAssets.DEAD_LETTER_TEMPLATE, ilm);
        installRoles();
    }

    /** Installs the policy; false when the cluster has no ILM. */
    private boolean installIlmPolicy() {
        String subject = "ILM policy " + ILM_POLICY;
        String path = "/_ilm/policy/" + ILM_POLICY;
        HttpResponse existing = es.get(path);
        Optional<String> missing = missingFeature(existing);
        if (missing.isPresent()) {
            report.record(
                    subject,
                    Outcome.SKIPPED,
                    "the cluster has no ILM (" + missing.get() + "); findings and dead letters "
                            + "are kept until deleted by hand");
            return false;
        }
        ObjectNode policy = ilmPolicy(retentionDays);
        String hash = stampHash(policy.withObjectProperty("policy").withObjectProperty("_meta"), policy);
        if (existing.status() == 200) {
            String current =
                    existing.json().path(ILM_POLICY).path("policy").path("_meta").path(HASH_KEY).asText();
            if (hash.equals(current)) {
                report.record(subject, Outcome.UNCHANGED, retentionText());
                return true;
            }
            es.expectSuccess(es.put(path, policy), "updating " + subject);
            report.record(subject, Outcome.UPDATED, retentionText());
            return true;
        }
        if (existing.status() != 404) {
            throw es.refused(existing, "reading " + subject);
        }
        es.expectSuccess(es.put(path, policy), "creating " + subject);
        report.record(subject, Outcome.CREATED, retentionText());
        return true;
    }

    private String retentionText() {
        return "rollover after " + rolloverDays(retentionDays) + " days or 50 GB a shard, delete "
                + retentionDays + " days after rollover";
    }

    static int rolloverDays(int retentionDays) {
        return Math.min(MAX_ROLLOVER_DAYS, retentionDays);
    }

    /** The policy body (without its hash): hot rollover, then delete after the retention. */
    static ObjectNode ilmPolicy(int retentionDays) {
        ObjectNode body = MAPPER.createObjectNode();
        ObjectNode policy = body.putObject("policy");
        ObjectNode meta = policy.putObject("_meta");
        meta.put("managed_by", "deletion-watch");
        meta.put("description", "deletion-watch findings and dead letters: rollover, then delete");
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

    private void installTemplate(String name, String resource, boolean withIlm) {
        String subject = "index template " + name;
        String path = "/_index_template/" + name;
        ObjectNode template = indexTemplate(resource, withIlm);
        String hash = stampHash((ObjectNode) template.get("_meta"), template);
        HttpResponse existing = es.get(path);
        String detail = withIlm ? "with ILM policy " + ILM_POLICY : "without ILM";
        if (existing.status() == 200) {
            String current =
                    existing.json()
                            .path("index_templates")
                            .path(0)
                            .path("index_template")
                            .path("_meta")
                            .path(HASH_KEY)
                            .asText();
            if (hash.equals(current)) {
                report.record(subject, Outcome.UNCHANGED, detail);
                return;
            }
            es.expectSuccess(es.put(path, template), "updating " + subject);
            report.record(subject, Outcome.UPDATED, detail);
            return;
        }
        if (existing.status() != 404) {
            throw es.refused(existing, "reading " + subject);
        }
        es.expectSuccess(es.put(path, template), "creating " + subject);
        report.record(subject, Outcome.CREATED, detail);
    }

    /** The template from the connectors' resource, with the ILM policy when the cluster has ILM. */
    static ObjectNode indexTemplate(String resource, boolean withIlm) {
        ObjectNode template;
        try {
            template = (ObjectNode) MAPPER.readTree(KibanaAssets.readResource(resource));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + resource, e);
        }
        if (withIlm) {
            template.withObjectProperty("template")
                    .withObjectProperty("settings")
                    .withObjectProperty("index")
                    .putObject("lifecycle")
                    .put("name", ILM_POLICY);
        }
        template.withObjectProperty("_meta");
        return template;
    }

    private void installRoles() {
        ObjectNode writer = role(
                "writes deletion-watch findings and dead letters; creates documents only",
                new String[] {"monitor"},
                new String[] {"create_doc", "auto_configure"},
                false);
        ObjectNode analyst = role(
                "reads deletion-watch findings and dead letters and their Kibana dashboards",
                new String[0],
                new String[] {"read", "view_index_metadata"},
                true);
        if (installRole(WRITER_ROLE, writer)) {
            installRole(ANALYST_ROLE, analyst);
        }
    }

    /**
     * A role on both data streams. The writer also gets {@code monitor} (cluster information and
     * health, which a client checks before writing; no document access).
     */
    static ObjectNode role(
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
            // Kibana stores feature privileges as application privileges of "kibana-.kibana".
            ObjectNode kibana = role.putArray("applications").addObject();
            kibana.put("application", "kibana-.kibana");
            kibana.putArray("privileges")
                    .add("feature_dashboard.read")
                    .add("feature_discover.read")
                    .add("feature_visualize.read");
            kibana.putArray("resources").add("*");
        }
        ObjectNode metadata = role.putObject("metadata");
        metadata.put("managed_by", "deletion-watch");
        metadata.put("description", description);
        return role;
    }

    /** Installs a role; false when the cluster has no security (the next role is not tried). */
    private boolean installRole(String name, ObjectNode role) {
        String subject = "role " + name;
        String path = "/_security/role/" + name;
        String hash = stampHash((ObjectNode) role.get("metadata"), role);
        HttpResponse existing = es.get(path);
        Optional<String> missing = missingFeature(existing);
        if (missing.isPresent()) {
            report.record(
                    subject,
                    Outcome.SKIPPED,
                    "the cluster has no security (" + missing.get() + "); no role can be created");
            report.record(
                    "role " + (name.equals(WRITER_ROLE) ? ANALYST_ROLE : WRITER_ROLE),
                    Outcome.SKIPPED,
                    "the cluster has no security");
            return false;
        }
        if (existing.status() == 200) {
            String current = existing.json().path(name).path("metadata").path(HASH_KEY).asText();
            if (hash.equals(current)) {
                report.record(subject, Outcome.UNCHANGED);
                return true;
            }
            es.expectSuccess(es.put(path, role), "updating " + subject);
            report.record(subject, Outcome.UPDATED);
            return true;
        }
        if (existing.status() != 404) {
            throw es.refused(existing, "reading " + subject);
        }
        es.expectSuccess(es.put(path, role), "creating " + subject);
        report.record(subject, Outcome.CREATED);
        return true;
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
