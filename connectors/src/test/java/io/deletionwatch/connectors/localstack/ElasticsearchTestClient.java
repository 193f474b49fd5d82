package io.deletionwatch.connectors.localstack;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.elasticsearch.indices.get_index_template.IndexTemplateItem;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchClients;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** An elasticsearch-java client with the few reads tests need, for a node without security. */
public final class ElasticsearchTestClient implements AutoCloseable {
    private final ElasticsearchClient client;

    private ElasticsearchTestClient(ElasticsearchClient client) {
        this.client = client;
    }

    /** A client for {@code http://host:port}. */
    public static ElasticsearchTestClient connect(String url) {
        try {
            return new ElasticsearchTestClient(
                    ElasticsearchClients.create(
                            ElasticsearchSinkOptions.builder().hosts(url).build()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A search hit: the document's {@code _id} and its source. */
    public record Document(String id, ObjectNode source) {
        /**
         * The source as the sink was given it: without {@code event.ingested}, which the sink adds
         * to every document it writes and which must be an ISO-8601 instant.
         */
        public ObjectNode asSent() {
            ObjectNode copy = source.deepCopy();
            JsonNode event = copy.get("event");
            JsonNode ingested = event instanceof ObjectNode e ? e.remove("ingested") : null;
            if (ingested == null) {
                throw new AssertionError("document " + id + " has no event.ingested: " + source);
            }
            Instant.parse(ingested.asText());
            return copy;
        }
    }

    public ElasticsearchClient client() {
        return client;
    }

    /** Makes everything written to {@code index} so far searchable. */
    public void refresh(String index) {
        try {
            client.indices().refresh(r -> r.index(index).ignoreUnavailable(true));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The number of documents in {@code index} (0 when it does not exist), after a refresh. */
    public long count(String index) {
        refresh(index);
        try {
            return client.count(c -> c.index(index).ignoreUnavailable(true)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The documents of {@code index} (up to 10,000) matching a query-string query. */
    public List<Document> search(String index, String query) {
        refresh(index);
        try {
            SearchResponse<ObjectNode> response =
                    client.search(
                            s -> s.index(index).ignoreUnavailable(true).q(query).size(10_000),
                            ObjectNode.class);
            return response.hits().hits().stream()
                    .map(hit -> new Document(hit.id(), hit.source()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ElasticsearchException e) {
            throw new IllegalStateException("search of " + index + " for " + query + " failed", e);
        }
    }

    /** All documents of {@code index}. */
    public List<Document> all(String index) {
        return search(index, "*");
    }

    /** The document with this {@code _id}, searched by id: data streams have no get API. */
    public Optional<ObjectNode> get(String index, String id) {
        refresh(index);
        try {
            SearchResponse<ObjectNode> response =
                    client.search(
                            s ->
                                    s.index(index)
                                            .ignoreUnavailable(true)
                                            .query(q -> q.ids(i -> i.values(id))),
                            ObjectNode.class);
            List<Hit<ObjectNode>> hits = response.hits().hits();
            if (hits.size() > 1) {
                throw new IllegalStateException(hits.size() + " documents with _id " + id);
            }
            return hits.stream().findFirst().map(Hit::source);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the composable index templates installed. */
    public List<String> templateNames() {
        try {
            return client.indices().getIndexTemplate().indexTemplates().stream()
                    .map(IndexTemplateItem::name)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            ElasticsearchClients.close(client);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
