package io.deletionwatch.connectors.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.connectors.localstack.ElasticsearchTestClient.Document;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Finding documents as the job writes them (a subset of the fields), with deterministic ids. */
final class SampleFindings {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Instant BEGINNING = Instant.parse("2026-03-01T10:15:00Z");

    private SampleFindings() {}

    /** Findings 0 to count-1. */
    static List<IndexedDocument> findings(int count) {
        return IntStream.range(0, count).mapToObj(SampleFindings::finding).toList();
    }

    static IndexedDocument finding(int n) {
        return document(json(n));
    }

    /** Finding {@code n} with one field replaced by a value the template's mapping refuses. */
    static IndexedDocument withField(int n, String objectName, String field, String badValue) {
        ObjectNode json = json(n);
        ObjectNode target = objectName == null ? json : (ObjectNode) json.get(objectName);
        target.put(field, badValue);
        return document(json);
    }

    static String id(int n) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256")
                            .digest(("finding-" + n).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode json(int n) {
        ObjectNode finding = MAPPER.createObjectNode();
        finding.put("@timestamp", BEGINNING.plusSeconds(n).toString());
        finding.put(
                "message",
                "alice@contoso.com deleted network security group nsg-"
                        + n
                        + " in resource group rg-prod");
        finding.putArray("tags").add("deletion-watch");
        ObjectNode event = finding.putObject("event");
        event.put("kind", "alert");
        event.put("id", id(n));
        event.put("action", "microsoft.network/networksecuritygroups/delete");
        event.put("severity", 73);
        event.put("risk_score", 73.0);
        event.put("dataset", "deletion_watch.findings");
        ObjectNode rule = finding.putObject("rule");
        rule.put("id", "nsg-deleted");
        rule.put("name", "Network security group deleted");
        finding.putObject("azure").putObject("resource").put("name", "nsg-" + n);
        return finding;
    }

    /** Version {@code version} of finding {@code n}: a burst of {@code version} deletions. */
    static IndexedDocument versioned(int n, long version) {
        ObjectNode json = json(n);
        json.put("message", "alice@contoso.com deleted " + version + " resources");
        json.putObject("deletion_watch").put("count", version).put("version", version);
        try {
            return new IndexedDocument(id(n), MAPPER.writeValueAsBytes(json), version);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What the sink was given, by id. */
    static Map<String, JsonNode> sentById(List<IndexedDocument> documents) {
        return documents.stream().collect(Collectors.toMap(IndexedDocument::id, d -> parse(d.source())));
    }

    /** What the node stores, by id, as it was sent (see {@link Document#asSent()}). */
    static Map<String, JsonNode> storedById(List<Document> documents) {
        return documents.stream().collect(Collectors.toMap(Document::id, Document::asSent));
    }

    static ObjectNode parse(byte[] source) {
        try {
            return (ObjectNode) MAPPER.readTree(source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static IndexedDocument document(ObjectNode json) {
        try {
            return new IndexedDocument(
                    json.path("event").path("id").asText(), MAPPER.writeValueAsBytes(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
