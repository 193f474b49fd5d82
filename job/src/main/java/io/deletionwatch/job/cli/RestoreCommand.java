package io.deletionwatch.job.cli;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchClients;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code restore}: prints what a responder runs to put a deleted NSG back, from one finding's
 * {@code deletion_watch.restore}. It never calls Azure.
 */
@Command(
        name = "restore",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Prints the ARM template that recreates a deleted NSG with its last known rules, the az"
                    + " command that deploys it and the az commands that attach it again to its"
                    + " subnets and NICs, for one finding (nsg-deleted,"
                    + " nsg-disassociated-then-deleted, nsg-forced-deletion). Reads the finding from"
                    + " Elasticsearch, or from a detect output file with --input. Never calls Azure.",
            "Exit 0 when printed; 1 when there is no such finding or it knows no earlier definition;"
                    + " 2 on wrong options."
        })
final class RestoreCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec CommandSpec spec;

    @Option(names = "--finding", required = true, paramLabel = "EVENT_ID", description = "The finding's event.id.")
    String findingId;

    @Option(
            names = "--input",
            paramLabel = "FILE",
            description = "A detect output file (NDJSON findings) to read instead of Elasticsearch.")
    Path input;

    @Option(
            names = "--es-url",
            paramLabel = "URL[,URL...]",
            defaultValue = "http://localhost:9200",
            description = "Elasticsearch URLs; credentials from ES_API_KEY or ES_USERNAME/ES_PASSWORD (or their _FILE variants) (default: ${DEFAULT-VALUE}).")
    String esUrl;

    @Option(names = "--es-ca-file", paramLabel = "FILE", description = "PEM CA certificate that signed Elasticsearch's TLS certificate.")
    String esCaFile;

    @Option(
            names = "--findings-index",
            paramLabel = "PATTERN",
            defaultValue = "logs-deletion_watch.findings-*",
            description = "Where findings are searched (default: ${DEFAULT-VALUE}).")
    String findingsIndex;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        JsonNode finding = input != null ? fromFile() : fromElasticsearch();
        String where = input != null ? input.toString() : esUrl;
        if (finding == null) {
            err.println("deletion-watch restore: no finding with event.id " + findingId + " in " + where);
            err.flush();
            return 1;
        }
        JsonNode restore = finding.path("deletion_watch").path("restore");
        if (!restore.path("arm_template").isTextual()) {
            err.println("deletion-watch restore: finding " + findingId + " (" + finding.at("/rule/id").asText()
                    + ") has no earlier definition of its NSG: nothing to restore");
            err.flush();
            return 1;
        }
        out.print(RestoreScript.of(finding));
        out.flush();
        return 0;
    }

    /** The last version of the finding in a detect output file (later lines are later versions). */
    private JsonNode fromFile() throws IOException {
        if (!Files.isRegularFile(input) || !Files.isReadable(input)) {
            throw new IllegalArgumentException("--input: cannot read " + input);
        }
        JsonNode found = null;
        for (String line : Files.readAllLines(input, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode doc;
            try {
                doc = JSON.readTree(line);
            } catch (IOException e) {
                continue; // not a finding line
            }
            if (findingId.equals(doc.at("/event/id").asText(null))) {
                found = doc;
            }
        }
        return found;
    }

    private JsonNode fromElasticsearch() throws IOException {
        ElasticsearchSinkOptions.Builder options = ElasticsearchSinkOptions.fromEnvironment(System.getenv()).hosts(esUrl);
        if (esCaFile != null) {
            options.caCertificateFile(esCaFile);
        }
        ElasticsearchClient client = ElasticsearchClients.create(options.build());
        try {
            SearchResponse<ObjectNode> response =
                    client.search(
                            s -> s.index(findingsIndex)
                                    .query(q -> q.term(t -> t.field("event.id").value(findingId)))
                                    .sort(o -> o.field(f -> f.field("deletion_watch.version").order(SortOrder.Desc).unmappedType(
                                            co.elastic.clients.elasticsearch._types.mapping.FieldType.Long)))
                                    .size(1),
                            ObjectNode.class);
            List<co.elastic.clients.elasticsearch.core.search.Hit<ObjectNode>> hits = response.hits().hits();
            return hits.isEmpty() ? null : hits.get(0).source();
        } finally {
            ElasticsearchClients.close(client);
        }
    }
}
