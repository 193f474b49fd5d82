package io.deletionwatch.connectors.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.transport.rest5_client.Rest5ClientTransport;
import co.elastic.clients.transport.rest5_client.low_level.Request;
import com.fasterxml.jackson.databind.JsonNode;
import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cold-node race that killed {@code local} on its first run, on a real node: an index whose
 * shard is not allocated answers a search 503 {@code no_shard_available_action_exception}; {@link
 * SearchWhenReady} makes that "not yet", and a watcher that queries a data stream while its first
 * write creates it never fails.
 */
class SearchWhenReadyITCase {
    @RegisterExtension static final ElasticsearchNodeExtension ES = new ElasticsearchNodeExtension();

    @Test
    void anIndexWhoseShardIsNotAllocatedIsNotYetSearchableUntilItIs() throws Exception {
        String index = "cold-" + ElasticsearchNodeExtension.uniqueNamespace();
        // The shard may live only on a node that does not exist: it stays unassigned, as a
        // just-created backing index's shard is for a moment on a cold node.
        low(
                "PUT",
                "/" + index + "?wait_for_active_shards=0",
                "{\"settings\":{\"number_of_shards\":1,\"number_of_replicas\":0,"
                        + "\"index.routing.allocation.require._name\":\"no-such-node\"}}");
        SearchRequest request = SearchRequest.of(s -> s.index("cold-*").allowNoIndices(true).ignoreUnavailable(true));

        assertThatThrownBy(() -> ES.client().search(request, JsonNode.class))
                .satisfies(e -> assertThat(ElasticsearchFailures.status((Exception) e)).isEqualTo(503))
                .hasMessageContaining("no_shard_available_action_exception");
        assertThat(SearchWhenReady.search(ES.client(), request, JsonNode.class)).isEmpty();

        low("PUT", "/" + index + "/_settings", "{\"index.routing.allocation.require._name\":null}");
        low("GET", "/_cluster/health/" + index + "?wait_for_status=green&timeout=60s", null);
        low("PUT", "/" + index + "/_doc/one?refresh=true", "{\"rule\":\"nsg-deleted\"}");

        Optional<SearchResponse<JsonNode>> ready = SearchWhenReady.search(ES.client(), request, JsonNode.class);
        assertThat(ready).isPresent();
        assertThat(ready.get().hits().hits()).extracting(hit -> hit.id()).containsExactly("one");
    }

    @Test
    void aDataStreamQueriedWhileItsFirstWriteCreatesItIsNotYetThenHasTheDocument() throws Exception {
        IndexTemplates.install(ES.client());
        String dataStream = "logs-deletion_watch.findings-" + ElasticsearchNodeExtension.uniqueNamespace();
        SearchRequest request =
                SearchRequest.of(
                        s -> s.index(dataStream).allowNoIndices(true).ignoreUnavailable(true));

        CompletableFuture<Void> firstWrite =
                CompletableFuture.runAsync(
                        () -> {
                            try {
                                low(
                                        "PUT",
                                        "/" + dataStream + "/_create/finding-1?refresh=true",
                                        "{\"@timestamp\":\"2026-12-06T14:00:00Z\",\"event\":{\"id\":\"finding-1\"}}");
                            } catch (IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        });
        List<String> ids = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // Ask at once and as often as possible: every answer in between is either "not yet" or a
        // (possibly empty) result, never an exception.
        while (ids.isEmpty() && System.nanoTime() < deadline) {
            ids =
                    SearchWhenReady.search(ES.client(), request, JsonNode.class)
                            .map(r -> r.hits().hits().stream().map(hit -> hit.id()).toList())
                            .orElse(List.of());
        }
        firstWrite.get(60, TimeUnit.SECONDS);

        assertThat(ids).containsExactly("finding-1");
    }

    @Test
    void aMalformedQueryIsStillAnError() throws IOException {
        IndexTemplates.install(ES.client());
        String dataStream = "logs-deletion_watch.findings-" + ElasticsearchNodeExtension.uniqueNamespace();
        low(
                "PUT",
                "/" + dataStream + "/_create/x?refresh=true",
                "{\"@timestamp\":\"2026-12-06T14:00:00Z\",\"event\":{\"created\":\"2026-12-06T14:00:00Z\"}}");
        SearchRequest request =
                SearchRequest.of(s -> s.index(dataStream).sort(o -> o.field(f -> f.field("no_such_field"))));

        assertThatThrownBy(() -> SearchWhenReady.search(ES.client(), request, JsonNode.class))
                .isInstanceOfSatisfying(
                        ElasticsearchException.class, e -> assertThat(e.status()).isEqualTo(400));
    }

    private static void low(String method, String path, String body) throws IOException {
        Request request = new Request(method, path);
        if (body != null) {
            request.setJsonEntity(body);
        }
        ((Rest5ClientTransport) ES.client()._transport()).restClient().performRequest(request);
    }
}
