package io.deletionwatch.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.indices.GetIndexTemplateResponse;
import co.elastic.clients.json.JsonData;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Installs deletion-watch's composable index templates (findings and dead letters) idempotently:
 * each template carries a hash of its content in {@code _meta.content_hash}, and one whose
 * installed hash matches is left alone, so a second install changes nothing in the cluster.
 */
public final class IndexTemplates {
    /** The template for {@code logs-deletion_watch.findings-*}. */
    public static final String FINDINGS = "logs-deletion_watch.findings";

    /** The template for {@code logs-deletion_watch.deadletter-*}. */
    public static final String DEAD_LETTERS = "logs-deletion_watch.deadletter";

    static final String HASH_FIELD = "content_hash";
    private static final Map<String, String> RESOURCES =
            Map.of(FINDINGS, "findings-template.json", DEAD_LETTERS, "deadletter-template.json");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private IndexTemplates() {}

    /** What an install did to one template. */
    public enum Outcome {
        CREATED,
        UPDATED,
        UNCHANGED
    }

    /** The outcome for one template. */
    public record Result(String name, Outcome outcome) {}

    /**
     * Installs both templates, creating or replacing those whose content differs.
     *
     * @throws IOException when the cluster cannot be reached
     * @throws ElasticsearchException when the cluster refuses (e.g. missing privileges)
     */
    public static List<Result> install(ElasticsearchClient client) throws IOException {
        List<Result> results = new ArrayList<>();
        for (String name : List.of(FINDINGS, DEAD_LETTERS)) {
            results.add(install(client, name));
        }
        return List.copyOf(results);
    }

    private static Result install(ElasticsearchClient client, String name) throws IOException {
        ObjectNode body = body(name);
        String hash = body.path("_meta").path(HASH_FIELD).asText();
        String installed = installedHash(client, name);
        if (hash.equals(installed)) {
            return new Result(name, Outcome.UNCHANGED);
        }
        String json = MAPPER.writeValueAsString(body);
        client.indices().putIndexTemplate(r -> r.name(name).withJson(new StringReader(json)));
        return new Result(name, installed == null ? Outcome.CREATED : Outcome.UPDATED);
    }

    /** The template's body as shipped, with its content hash in {@code _meta}. */
    public static ObjectNode body(String name) throws IOException {
        String resource = RESOURCES.get(name);
        if (resource == null) {
            throw new IllegalArgumentException("no index template named " + name);
        }
        byte[] bytes;
        try (InputStream in = IndexTemplates.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("resource " + resource + " is missing");
            }
            bytes = in.readAllBytes();
        }
        ObjectNode body = (ObjectNode) MAPPER.readTree(bytes);
        // Hash the parsed form, so whitespace edits do not count as changes.
        String hash = sha256(MAPPER.writeValueAsBytes(body));
        ObjectNode meta =
                body.has("_meta") ? (ObjectNode) body.get("_meta") : body.putObject("_meta");
        meta.put(HASH_FIELD, hash);
        return body;
    }

    private static String installedHash(ElasticsearchClient client, String name)
            throws IOException {
        GetIndexTemplateResponse response;
        try {
            response = client.indices().getIndexTemplate(r -> r.name(name));
        } catch (ElasticsearchException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
        if (response.indexTemplates().isEmpty()) {
            return null;
        }
        Map<String, JsonData> meta = response.indexTemplates().get(0).indexTemplate().meta();
        JsonData hash = meta == null ? null : meta.get(HASH_FIELD);
        // A template installed by other means (no hash) counts as different and is replaced.
        return hash == null ? "" : hash.to(String.class);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
