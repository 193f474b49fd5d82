package io.deletionwatch.job.enrichment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.deletionwatch.job.events.Caller;
import io.deletionwatch.job.findings.Enrichment;
import io.deletionwatch.job.findings.Evidence;
import io.deletionwatch.job.findings.Finding;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the lookup file says about subscriptions (name, environment, owner), resource-id prefixes
 * (criticality) and principals (the automation behind an object id or app id: name, owner, kind).
 * Two file formats, told apart by the extension ({@code .json}, else CSV):
 *
 * <pre>
 * {"subscriptions": [{"id": "...", "name": "Production", "environment": "prod", "owner": "netops"}],
 *  "resources": [{"prefix": "/subscriptions/.../resourceGroups/rg-prod", "criticality": "high"}],
 *  "principals": [{"id": "c0ffee00-...", "name": "terraform-prod", "owner": "platform", "kind": "terraform"}]}
 *
 * kind,key,name,environment,owner,criticality,principal_kind
 * subscription,6a3c...,Production,prod,netops,,
 * resource,/subscriptions/.../resourceGroups/rg-prod,,,,high,
 * principal,c0ffee00-...,terraform-prod,,platform,,terraform
 * </pre>
 *
 * Ids and prefixes match case-insensitively; a prefix matches whole path segments and the longest
 * one wins. A principal's id is its object id or its app id (client id): either matches.
 */
public record EnrichmentTable(
        Map<String, Subscription> subscriptions,
        List<Criticality> resources,
        Map<String, Principal> principals)
        implements Serializable {

    public static final EnrichmentTable EMPTY = new EnrichmentTable(Map.of(), List.of(), Map.of());

    /**
     * The automation (or person) behind an object id or app id: the name findings show in {@code
     * user.name} and their sentence, who owns it and what kind of automation it is.
     */
    public record Principal(String id, String name, String owner, String kind) implements Serializable {}

    public EnrichmentTable(Map<String, Subscription> subscriptions, List<Criticality> resources) {
        this(subscriptions, resources, Map.of());
    }

    /** A subscription's name and labels; any of them may be null. */
    public record Subscription(String id, String name, String environment, String owner)
            implements Serializable {}

    /** The criticality of every resource under a resource-id prefix. */
    public record Criticality(String prefix, String criticality) implements Serializable {}

    private static final List<String> CRITICALITY_ORDER = List.of("low", "medium", "high", "critical");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public EnrichmentTable {
        Map<String, Subscription> byId = new LinkedHashMap<>();
        subscriptions.forEach((id, s) -> byId.put(id.strip().toLowerCase(Locale.ROOT), s));
        subscriptions = Map.copyOf(byId);
        List<Criticality> normalized = new ArrayList<>();
        for (Criticality c : resources) {
            normalized.add(new Criticality(normalizePrefix(c.prefix()), c.criticality()));
        }
        // Longest prefix first: the first match is the most specific one.
        normalized.sort(Comparator.comparingInt((Criticality c) -> c.prefix().length()).reversed());
        resources = List.copyOf(normalized);
        Map<String, Principal> principalsById = new LinkedHashMap<>();
        principals.forEach((id, p) -> principalsById.put(id.strip().toLowerCase(Locale.ROOT), p));
        principals = Map.copyOf(principalsById);
    }

    public boolean isEmpty() {
        return subscriptions.isEmpty() && resources.isEmpty() && principals.isEmpty();
    }

    /** The principal the file names for this caller's object id, else for its app id. */
    public Optional<Principal> principal(Caller caller) {
        for (String id : new String[] {caller.id(), caller.appId()}) {
            if (id != null) {
                Principal p = principals.get(id.toLowerCase(Locale.ROOT));
                if (p != null) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    public static EnrichmentTable load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the enrichment file " + file, e);
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        try {
            return name.endsWith(".json") ? fromJson(text) : fromCsv(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("enrichment file " + file + ": " + e.getMessage(), e);
        }
    }

    static EnrichmentTable fromJson(String text) {
        JsonNode root;
        try {
            root = MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(
                    "expected an object with \"subscriptions\", \"resources\" and \"principals\" arrays");
        }
        Map<String, Subscription> subscriptions = new LinkedHashMap<>();
        for (JsonNode s : array(root, "subscriptions")) {
            String id = required(s, "id", "subscriptions");
            subscriptions.put(
                    id, new Subscription(id, text(s, "name"), text(s, "environment"), text(s, "owner")));
        }
        List<Criticality> resources = new ArrayList<>();
        for (JsonNode r : array(root, "resources")) {
            resources.add(
                    new Criticality(
                            required(r, "prefix", "resources"),
                            required(r, "criticality", "resources")));
        }
        Map<String, Principal> principals = new LinkedHashMap<>();
        for (JsonNode p : array(root, "principals")) {
            String id = required(p, "id", "principals");
            principals.put(
                    id,
                    new Principal(id, required(p, "name", "principals"), text(p, "owner"), text(p, "kind")));
        }
        return new EnrichmentTable(subscriptions, resources, principals);
    }

    static EnrichmentTable fromCsv(String text) {
        String[] lines = text.split("\r?\n");
        int at = 0;
        while (at < lines.length && (lines[at].isBlank() || lines[at].strip().startsWith("#"))) {
            at++;
        }
        if (at == lines.length) {
            return EMPTY;
        }
        List<String> header = Csv.fields(lines[at]).stream().map(h -> h.strip().toLowerCase(Locale.ROOT)).toList();
        int kind = column(header, "kind");
        int key = column(header, "key");
        int name = header.indexOf("name");
        int environment = header.indexOf("environment");
        int owner = header.indexOf("owner");
        int criticality = header.indexOf("criticality");
        int principalKind = header.indexOf("principal_kind");
        Map<String, Subscription> subscriptions = new LinkedHashMap<>();
        List<Criticality> resources = new ArrayList<>();
        Map<String, Principal> principals = new LinkedHashMap<>();
        for (int i = at + 1; i < lines.length; i++) {
            if (lines[i].isBlank() || lines[i].strip().startsWith("#")) {
                continue;
            }
            List<String> row = Csv.fields(lines[i]);
            String rowKey = cell(row, key);
            String rowKind = cell(row, kind);
            if (rowKey == null || rowKind == null) {
                throw new IllegalArgumentException("line " + (i + 1) + " has no kind or key");
            }
            switch (rowKind.toLowerCase(Locale.ROOT)) {
                case "subscription" -> subscriptions.put(
                        rowKey,
                        new Subscription(
                                rowKey, cell(row, name), cell(row, environment), cell(row, owner)));
                case "resource" -> {
                    String level = cell(row, criticality);
                    if (level == null) {
                        throw new IllegalArgumentException(
                                "line " + (i + 1) + ": a resource row needs a criticality");
                    }
                    resources.add(new Criticality(rowKey, level));
                }
                case "principal" -> {
                    String principalName = cell(row, name);
                    if (principalName == null) {
                        throw new IllegalArgumentException(
                                "line " + (i + 1) + ": a principal row needs a name");
                    }
                    principals.put(
                            rowKey,
                            new Principal(rowKey, principalName, cell(row, owner), cell(row, principalKind)));
                }
                default -> throw new IllegalArgumentException(
                        "line " + (i + 1) + ": kind is \"" + rowKind
                                + "\"; use subscription, resource or principal");
            }
        }
        return new EnrichmentTable(subscriptions, resources, principals);
    }

    /** The subscription's name and labels, and the criticality of the finding's resources. */
    public Enrichment lookup(Finding finding) {
        Map<String, String> labels = new LinkedHashMap<>();
        String accountName = null;
        if (finding.subscriptionId() != null) {
            Subscription s = subscriptions.get(finding.subscriptionId().toLowerCase(Locale.ROOT));
            if (s != null) {
                accountName = s.name();
                putIfPresent(labels, "environment", s.environment());
                putIfPresent(labels, "owner", s.owner());
            }
        }
        putIfPresent(labels, "criticality", criticality(finding));
        principal(finding.caller())
                .ifPresent(
                        p -> {
                            putIfPresent(labels, "principal_owner", p.owner());
                            putIfPresent(labels, "principal_kind", p.kind());
                        });
        if (accountName == null && labels.isEmpty()) {
            return finding.enrichment();
        }
        return new Enrichment(accountName, Map.copyOf(labels));
    }

    /** The primary resource's criticality; for a burst, the highest among its resources. */
    private String criticality(Finding finding) {
        if (resources.isEmpty()) {
            return null;
        }
        if (finding.resource() != null) {
            return criticalityOf(finding.resource().key());
        }
        String best = null;
        for (Evidence e : finding.evidence()) {
            String c = e.resourceId() == null ? null : criticalityOf(e.resourceId().toLowerCase(Locale.ROOT));
            if (c != null && (best == null || rank(c) > rank(best))) {
                best = c;
            }
        }
        return best;
    }

    String criticalityOf(String resourceKey) {
        for (Criticality c : resources) {
            if (resourceKey.startsWith(c.prefix())
                    && (resourceKey.length() == c.prefix().length()
                            || resourceKey.charAt(c.prefix().length()) == '/')) {
                return c.criticality();
            }
        }
        return null;
    }

    private static int rank(String criticality) {
        return CRITICALITY_ORDER.indexOf(criticality.toLowerCase(Locale.ROOT));
    }

    private static String normalizePrefix(String prefix) {
        String p = prefix.strip().toLowerCase(Locale.ROOT);
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private static Iterable<JsonNode> array(JsonNode root, String field) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException("\"" + field + "\" must be an array");
        }
        return node;
    }

    private static String required(JsonNode node, String field, String in) {
        String value = text(node, field);
        if (value == null) {
            throw new IllegalArgumentException("an entry of \"" + in + "\" has no \"" + field + "\"");
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull() || value.isContainerNode()) {
            return null;
        }
        String text = value.asText().strip();
        return text.isEmpty() ? null : text;
    }

    private static int column(List<String> header, String name) {
        int index = header.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException(
                    "the CSV header must name the columns kind,key,name,environment,owner,criticality"
                            + " (and, for principals, principal_kind);"
                            + " it has no \"" + name + "\"");
        }
        return index;
    }

    private static String cell(List<String> row, int index) {
        if (index < 0 || index >= row.size()) {
            return null;
        }
        String value = row.get(index).strip();
        return value.isEmpty() ? null : value;
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    /** Splits one CSV line (RFC 4180 quoting, no line breaks inside fields). */
    static final class Csv {
        private Csv() {}

        static List<String> fields(String line) {
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char c = line.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        field.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                } else {
                    field.append(c);
                }
            }
            fields.add(field.toString());
            return fields;
        }
    }
}
