package io.deletionwatch.job.bench;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ExpandWildcard;
import co.elastic.clients.elasticsearch._types.OpType;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchClients;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.elasticsearch.IndexTemplates;
import io.deletionwatch.connectors.elasticsearch.SearchWhenReady;
import io.deletionwatch.job.bench.ActivityLogGenerator.ExpectedFinding;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Polls a findings data stream and notes when each expected finding first became searchable
 * (wall-clock milliseconds). The resolution is the poll interval plus one search round trip.
 */
final class FindingWatcher implements AutoCloseable {
    private final ElasticsearchClient client;
    private final String dataStream;
    private final Recall recall;
    private final Duration interval;
    private final Set<String> seenIds = new HashSet<>();
    private final Map<ExpectedFinding, Long> searchableAt = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Exception failure;

    FindingWatcher(ElasticsearchClient client, String dataStream, Recall recall, Duration interval) {
        this.client = client;
        this.dataStream = dataStream;
        this.recall = recall;
        this.interval = interval;
        this.thread = new Thread(this::loop, "bench-finding-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    Map<ExpectedFinding, Long> searchableAt() {
        return searchableAt;
    }

    Recall.Result recall() {
        return recall.result();
    }

    private void loop() {
        while (running) {
            long next = System.currentTimeMillis() + interval.toMillis();
            try {
                poll();
            } catch (Exception e) {
                failure = e;
            }
            long wait = next - System.currentTimeMillis();
            if (wait > 0) {
                try {
                    Thread.sleep(wait); // the poll interval is the measurement's resolution
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** One search: the newest findings first; anything not seen before is new. */
    void poll() throws IOException {
        Optional<SearchResponse<JsonNode>> answer =
                SearchWhenReady.search(
                        client,
                        SearchRequest.of(
                                s -> s.index(dataStream)
                                        .ignoreUnavailable(true)
                                        .allowNoIndices(true)
                                        .expandWildcards(ExpandWildcard.All)
                                        .size(1000)
                                        .trackTotalHits(t -> t.enabled(false))
                                        .sort(o -> o.field(f -> f.field("event.created").order(SortOrder.Desc)))
                                        .source(src -> src.filter(f -> f.includes("rule.id", "azure.resource.id", "user.id")))),
                        JsonNode.class);
        if (answer.isEmpty()) {
            return; // the data stream's first shard is not allocated yet
        }
        SearchResponse<JsonNode> response = answer.get();
        long now = System.currentTimeMillis();
        for (Hit<JsonNode> hit : response.hits().hits()) {
            if (!seenIds.add(hit.id())) {
                continue;
            }
            JsonNode doc = hit.source();
            String resource = doc.at("/azure/resource/id").asText(null);
            ExpectedFinding first =
                    recall.observe(doc.at("/rule/id").asText(), resource, doc.at("/user/id").asText(null), hit.id());
            if (first != null) {
                searchableAt.putIfAbsent(first, now);
            }
        }
    }

    /**
     * Creates the findings data stream before anything is measured, as a deployment's exists after
     * its first finding ever: in a first run the first bulk request creates it (template, backing
     * index, shard start) and every finding of the first seconds waits for that. The local node has
     * no {@code PUT _data_stream} handler, so one placeholder document creates it and is deleted.
     */
    static void createDataStream(ElasticsearchClient client, String dataStream) throws IOException {
        IndexTemplates.install(client); // as the sink does at start; idempotent
        // Deleted through its backing index: the local node has no _delete_by_query either.
        String backingIndex =
                client.index(i -> i.index(dataStream)
                                .id(PLACEHOLDER_ID)
                                .opType(OpType.Create)
                                .document(Map.of("@timestamp", Instant.now().toString())))
                        .index();
        client.delete(d -> d.index(backingIndex).id(PLACEHOLDER_ID).refresh(Refresh.True));
    }

    /** {@link #createDataStream(ElasticsearchClient, String)} with a client of its own. */
    static void createDataStream(ElasticsearchSinkOptions sink, String dataStream) throws IOException {
        ElasticsearchClient client = ElasticsearchClients.create(sink);
        try {
            createDataStream(client, dataStream);
        } finally {
            ElasticsearchClients.close(client);
        }
    }

    private static final String PLACEHOLDER_ID = "bench-data-stream-placeholder";

    /**
     * The recall of a run whose findings are all written: waits up to a minute for every expected
     * finding, then looks once more for duplicates and strays.
     */
    static Recall.Result recallOf(ElasticsearchSinkOptions sink, String dataStream, List<ExpectedFinding> expected)
            throws Exception {
        ElasticsearchClient client = ElasticsearchClients.create(sink);
        try (FindingWatcher watcher = new FindingWatcher(client, dataStream, new Recall(expected), Duration.ofMillis(250))) {
            watcher.awaitAll(expected.size(), Duration.ofSeconds(60));
            watcher.poll();
            return watcher.recall();
        } finally {
            ElasticsearchClients.close(client);
        }
    }

    /** Waits until every expected finding was seen, or the timeout; true when all were. */
    boolean awaitAll(int expected, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (searchableAt.size() < expected && System.nanoTime() < deadline) {
            if (failure != null) {
                throw failure;
            }
            Thread.sleep(interval.toMillis());
        }
        return searchableAt.size() >= expected;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5_000);
    }
}
