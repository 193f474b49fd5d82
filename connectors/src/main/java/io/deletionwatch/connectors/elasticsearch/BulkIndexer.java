package io.deletionwatch.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.util.BinaryData;
import co.elastic.clients.util.ContentType;
import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.connectors.deadletter.DeadLetterDocument;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers documents and creates them in Elasticsearch with bulk requests, blocking until every
 * document has an answer: created, already there (409), or refused and dead-lettered. Requests that
 * fail as a whole (node unreachable, 429, 5xx) and retriable items are sent again after an
 * exponential backoff, for as long as it takes; blocking the caller is the backpressure.
 *
 * <p>Not thread-safe: the Flink writer calls it from the task's mailbox thread only.
 */
final class BulkIndexer implements AutoCloseable {
    static final String REJECTED_REASON = "rejected_by_elasticsearch";
    static final String STAGE = "sink";

    private static final Logger LOG = LoggerFactory.getLogger(BulkIndexer.class);

    /** At most one warning per this interval while retrying; the rest are counted. */
    private static final Duration WARN_INTERVAL = Duration.ofSeconds(5);

    /** Bulk metadata per document ({"create":{"_index":..,"_id":..}}), for the size estimate. */
    private static final int ACTION_OVERHEAD_BYTES = 96;

    private final ElasticsearchSinkOptions options;
    private final ElasticsearchClient client;
    private final SinkMetrics metrics;
    private final RetryPolicy retryPolicy;
    private final Clock clock;
    private final List<Action> buffer = new ArrayList<>();
    private long bufferedBytes;
    private boolean templatesInstalled;
    private long lastWarning = Long.MIN_VALUE;
    private int suppressedWarnings;

    /**
     * One document to create; {@code deadLetter} marks a dead letter, which is never re-wrapped.
     */
    private record Action(String index, String id, byte[] source, boolean deadLetter) {}

    BulkIndexer(
            ElasticsearchSinkOptions options,
            ElasticsearchClient client,
            SinkMetrics metrics,
            Clock clock) {
        this.options = options;
        this.client = client;
        this.metrics = metrics;
        this.clock = clock;
        this.retryPolicy = new RetryPolicy(options.initialBackoff(), options.maxBackoff());
        this.templatesInstalled = !options.installTemplates();
    }

    /**
     * Installs the index templates if the cluster answers now; if it does not, they are installed
     * before the first bulk request instead.
     *
     * @throws IOException when the cluster refuses (e.g. the credentials lack the privilege)
     */
    void installTemplatesIfReachable() throws IOException {
        if (templatesInstalled) {
            return;
        }
        try {
            install();
        } catch (IOException | RuntimeException e) {
            if (!RetryPolicy.isRetriable(e)) {
                throw templateFailure(e);
            }
            LOG.warn(
                    "Elasticsearch at {} is not reachable yet ({}); the index templates will be"
                            + " installed before the first bulk request",
                    options.hosts(),
                    describe(e));
        }
    }

    /** Buffers a document; sends the buffer first when it is full, blocking until answered. */
    void add(IndexedDocument document) throws IOException, InterruptedException {
        if (document == null || document.source() == null) {
            throw new IllegalArgumentException("the document converter returned no document");
        }
        buffer.add(new Action(options.dataStream(), document.id(), document.source(), false));
        bufferedBytes += document.source().length + ACTION_OVERHEAD_BYTES;
        metrics.inFlight.incrementAndGet();
        if (buffer.size() >= options.maxActions() || bufferedBytes >= options.maxBytes()) {
            flush();
        }
    }

    boolean isEmpty() {
        return buffer.isEmpty();
    }

    /** Sends everything buffered and returns once every document has its final answer. */
    void flush() throws IOException, InterruptedException {
        if (buffer.isEmpty()) {
            return;
        }
        List<Action> pending = new ArrayList<>(buffer);
        buffer.clear();
        bufferedBytes = 0;
        ensureTemplates();
        int attempt = 0;
        while (!pending.isEmpty()) {
            BulkResponse response;
            try {
                metrics.bulkRequests.inc();
                response = client.bulk(request(pending));
            } catch (IOException | RuntimeException e) {
                failIfInterrupted(e);
                if (!RetryPolicy.isRetriable(e)) {
                    throw new IOException(
                            "a bulk request of "
                                    + pending.size()
                                    + " documents failed: "
                                    + ElasticsearchFailures.describe(e, options),
                            e);
                }
                attempt++;
                waitBeforeRetry(attempt, "bulk request of " + pending.size() + " documents", e);
                continue;
            }
            Round round = handle(pending, response);
            pending = round.next();
            if (round.retriable() > 0) {
                attempt++;
                waitBeforeRetry(
                        attempt,
                        round.retriable() + " documents answered " + round.retryReason(),
                        null);
            } else {
                attempt = 0;
            }
        }
    }

    @Override
    public void close() throws IOException {
        ElasticsearchClients.close(client);
    }

    /** The outcome of one bulk round: what to send next and how much of it is a retry. */
    private record Round(List<Action> next, int retriable, String retryReason) {}

    private Round handle(List<Action> sent, BulkResponse response) {
        List<BulkResponseItem> items = response.items();
        if (items.size() != sent.size()) {
            throw new IllegalStateException(
                    "Elasticsearch answered " + items.size() + " items to " + sent.size());
        }
        List<Action> next = new ArrayList<>();
        int retriable = 0;
        String retryReason = null;
        for (int i = 0; i < items.size(); i++) {
            Action action = sent.get(i);
            BulkResponseItem item = items.get(i);
            switch (RetryPolicy.classifyItem(item.status())) {
                case CREATED -> {
                    if (!action.deadLetter()) {
                        metrics.created(action.source().length);
                    }
                    metrics.inFlight.decrementAndGet();
                }
                case ALREADY_PRESENT -> {
                    metrics.alreadyPresent();
                    metrics.inFlight.decrementAndGet();
                }
                case RETRY -> {
                    next.add(action);
                    retriable++;
                    if (retryReason == null) {
                        retryReason = describe(item);
                    }
                }
                case REJECT -> {
                    if (action.deadLetter()) {
                        // Dead letters hold no secrets, but their payload is not logged anyway.
                        metrics.deadLetterFailures.inc();
                        metrics.inFlight.decrementAndGet();
                        LOG.error(
                                "Elasticsearch refused a dead letter for {}: {}",
                                action.index(),
                                describe(item));
                    } else {
                        metrics.deadLettered();
                        next.add(deadLetter(action, item));
                    }
                }
            }
        }
        return new Round(next, retriable, retryReason);
    }

    /**
     * The request; {@code require_data_stream} stops a missing template from making a plain index.
     */
    private static BulkRequest request(List<Action> actions) {
        BulkRequest.Builder request = new BulkRequest.Builder().requireDataStream(true);
        for (Action action : actions) {
            request.operations(
                    operation ->
                            operation.create(
                                    create -> {
                                        create.index(action.index())
                                                .document(
                                                        BinaryData.of(
                                                                action.source(),
                                                                ContentType.APPLICATION_JSON));
                                        if (action.id() != null) {
                                            create.id(action.id());
                                        }
                                        return create;
                                    }));
        }
        return request.build();
    }

    private Action deadLetter(Action refused, BulkResponseItem item) {
        String detail =
                "create into "
                        + refused.index()
                        + (refused.id() == null ? "" : " with _id " + refused.id())
                        + " refused: "
                        + describe(item);
        DeadLetter deadLetter =
                new DeadLetter(
                        clock.instant(),
                        REJECTED_REASON,
                        detail,
                        STAGE,
                        null,
                        null,
                        null,
                        refused.source());
        IndexedDocument document = DeadLetterDocument.toIndexedDocument(deadLetter);
        return new Action(options.deadLetterDataStream(), document.id(), document.source(), true);
    }

    private void ensureTemplates() throws IOException, InterruptedException {
        int attempt = 0;
        while (!templatesInstalled) {
            try {
                install();
            } catch (IOException | RuntimeException e) {
                failIfInterrupted(e);
                if (!RetryPolicy.isRetriable(e)) {
                    throw templateFailure(e);
                }
                attempt++;
                waitBeforeRetry(attempt, "installing the index templates", e);
            }
        }
    }

    private void install() throws IOException {
        List<IndexTemplates.Result> results = IndexTemplates.install(client);
        templatesInstalled = true;
        LOG.info("index templates at {}: {}", options.hosts(), results);
    }

    private IOException templateFailure(Exception e) {
        if (ElasticsearchFailures.status(e) == 403) {
            return new IOException(
                    "cannot install the index templates ("
                            + describe(e)
                            + "); grant the manage_index_templates privilege, or install them with"
                            + " the setup command and turn installTemplates off",
                    e);
        }
        return new IOException(
                "cannot install the index templates: "
                        + ElasticsearchFailures.describe(e, options),
                e);
    }

    private void waitBeforeRetry(int attempt, String what, Exception failure)
            throws InterruptedException {
        metrics.retries.inc();
        Duration delay = retryPolicy.backoff(attempt);
        long now = clock.millis();
        if (lastWarning == Long.MIN_VALUE || now - lastWarning >= WARN_INTERVAL.toMillis()) {
            LOG.warn(
                    "Elasticsearch at {}: {} failed{}; retry {} in {} ms{}",
                    options.hosts(),
                    what,
                    failure == null ? "" : " (" + describe(failure) + ")",
                    attempt,
                    delay.toMillis(),
                    suppressedWarnings == 0
                            ? ""
                            : " (" + suppressedWarnings + " similar warnings suppressed)");
            lastWarning = now;
            suppressedWarnings = 0;
        } else {
            suppressedWarnings++;
        }
        Thread.sleep(delay.toMillis());
    }

    /**
     * Task cancellation interrupts the thread; the HTTP client may report that as an I/O error,
     * which must end the retries rather than count as one.
     */
    private static void failIfInterrupted(Exception e) throws InterruptedException {
        boolean interrupted = Thread.currentThread().isInterrupted();
        for (Throwable cause = e; cause != null && !interrupted; cause = cause.getCause()) {
            interrupted = cause instanceof InterruptedException;
        }
        if (interrupted) {
            InterruptedException stop =
                    new InterruptedException("interrupted while talking to Elasticsearch");
            stop.addSuppressed(e);
            throw stop;
        }
    }

    static String describe(Exception e) {
        return ElasticsearchFailures.describe(e);
    }

    private static String describe(BulkResponseItem item) {
        return item.status() + " " + describe(item.error());
    }

    static String describe(ErrorCause error) {
        return ElasticsearchFailures.describe(error);
    }
}
