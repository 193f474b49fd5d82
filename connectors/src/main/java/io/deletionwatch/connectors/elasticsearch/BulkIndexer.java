package io.deletionwatch.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.MgetResponse;
import co.elastic.clients.elasticsearch.core.get.GetResult;
import co.elastic.clients.elasticsearch.core.mget.MultiGetResponseItem;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.util.BinaryData;
import co.elastic.clients.util.ContentType;
import com.fasterxml.jackson.databind.JsonNode;
import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.connectors.deadletter.DeadLetterDocument;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers documents and creates them in Elasticsearch with bulk requests, blocking until every
 * document has an answer: created, already there (409), replaced (a newer version of a versioned
 * document), or refused and dead-lettered. Requests that fail as a whole (node unreachable, 429,
 * 5xx) and retriable items are sent again after an exponential backoff, for as long as it takes;
 * blocking the caller is the backpressure.
 *
 * <p>Data streams only append, so a newer version of a document that is there (409 on create) is
 * written to the backing index the conflict names, with the stored copy's sequence number and
 * primary term (the only overwrite Elasticsearch allows there): read the stored version, replace
 * it only when ours is higher, read again when someone else wrote in between. Replays and restarts
 * therefore never put an older version back.
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
     * One document to write; {@code deadLetter} marks a dead letter, which is never re-wrapped.
     * A create goes to a data stream; a replacement ({@code ifSeqNo >= 0}) to the backing index
     * that holds the stored copy, on condition that it is still the copy that was read.
     */
    private record Action(
            String index,
            String id,
            byte[] source,
            boolean deadLetter,
            long version,
            long ifSeqNo,
            long ifPrimaryTerm,
            Instant firstIngested) {
        static Action create(String dataStream, String id, byte[] source, boolean deadLetter, long version) {
            return new Action(dataStream, id, source, deadLetter, version, -1, -1, null);
        }

        boolean isReplacement() {
            return ifSeqNo >= 0;
        }

        /**
         * A replacement keeps the stored copy's {@code event.ingested}: rules that look back over it
         * alert once per finding, not once per version (the alert links to the finding, which
         * shows its latest count).
         */
        Action replacing(String backingIndex, long seqNo, long primaryTerm, Instant storedIngested) {
            return new Action(backingIndex, id, source, deadLetter, version, seqNo, primaryTerm, storedIngested);
        }
    }

    /** A versioned document that met a stored copy of itself in {@code backingIndex}. */
    private record Conflict(Action action, String backingIndex) {}

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
        buffer.add(
                Action.create(
                        options.dataStream(),
                        document.id(),
                        document.source(),
                        false,
                        document.version()));
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
            // Creates and replacements go in separate requests: only creates may require a data
            // stream, and a replacement targets a backing index.
            boolean replacements = pending.get(0).isReplacement();
            List<Action> later = new ArrayList<>();
            List<Action> batch = new ArrayList<>();
            for (Action action : pending) {
                (action.isReplacement() == replacements ? batch : later).add(action);
            }
            pending = batch;
            BulkResponse response;
            try {
                metrics.bulkRequests.inc();
                response = client.bulk(request(pending, replacements));
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
                pending.addAll(later);
                continue;
            }
            Round round = handle(pending, response);
            pending = round.next();
            pending.addAll(later);
            if (!round.conflicts().isEmpty()) {
                pending.addAll(resolve(round.conflicts()));
            }
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

    /**
     * The outcome of one bulk round: what to send next, how much of it is a retry, and the
     * versioned documents whose stored copy must be read before they can replace it.
     */
    private record Round(List<Action> next, int retriable, String retryReason, List<Conflict> conflicts) {}

    private Round handle(List<Action> sent, BulkResponse response) {
        List<BulkResponseItem> items = response.items();
        if (items.size() != sent.size()) {
            throw new IllegalStateException(
                    "Elasticsearch answered " + items.size() + " items to " + sent.size());
        }
        List<Action> next = new ArrayList<>();
        List<Conflict> conflicts = new ArrayList<>();
        int retriable = 0;
        String retryReason = null;
        for (int i = 0; i < items.size(); i++) {
            Action action = sent.get(i);
            BulkResponseItem item = items.get(i);
            switch (RetryPolicy.classifyItem(item.status())) {
                case CREATED -> {
                    if (action.isReplacement()) {
                        metrics.updated(action.source().length);
                    } else if (!action.deadLetter()) {
                        metrics.created(action.source().length);
                    }
                    metrics.inFlight.decrementAndGet();
                }
                case ALREADY_PRESENT -> {
                    if (action.version() > 0 && item.index() != null) {
                        // There already, maybe in an older version; a replacement that met a
                        // write in between reads the stored copy again.
                        conflicts.add(new Conflict(action, item.index()));
                    } else {
                        metrics.alreadyPresent();
                        metrics.inFlight.decrementAndGet();
                    }
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
        return new Round(next, retriable, retryReason, conflicts);
    }

    /**
     * Reads the stored copies of conflicting versioned documents; returns the replacements to send
     * for those whose stored version is lower, and creates again for any that vanished meanwhile.
     * The others are already present in an equal or newer version.
     */
    private List<Action> resolve(List<Conflict> conflicts) throws IOException, InterruptedException {
        int attempt = 0;
        while (true) {
            MgetResponse<JsonNode> stored;
            try {
                stored =
                        client.mget(
                                m -> {
                                    for (Conflict c : conflicts) {
                                        m.docs(
                                                d -> d.index(c.backingIndex())
                                                        .id(c.action().id())
                                                        .source(src -> src.filter(f -> f.includes(IndexedDocument.VERSION_FIELD, IngestedTimestamp.FIELD))));
                                    }
                                    return m;
                                },
                                JsonNode.class);
            } catch (IOException | RuntimeException e) {
                failIfInterrupted(e);
                if (!RetryPolicy.isRetriable(e)) {
                    throw new IOException(
                            "reading the stored versions of "
                                    + conflicts.size()
                                    + " documents failed: "
                                    + ElasticsearchFailures.describe(e, options),
                            e);
                }
                attempt++;
                waitBeforeRetry(attempt, "reading the stored versions of " + conflicts.size() + " documents", e);
                continue;
            }
            List<Action> next = new ArrayList<>();
            for (int i = 0; i < conflicts.size(); i++) {
                Conflict conflict = conflicts.get(i);
                Action action = conflict.action();
                MultiGetResponseItem<JsonNode> item = stored.docs().get(i);
                if (item.isFailure() || !item.result().found()) {
                    // Gone since the conflict (deleted by hand, or by ILM): create it again.
                    next.add(
                            Action.create(
                                    options.dataStream(),
                                    action.id(),
                                    action.source(),
                                    false,
                                    action.version()));
                    continue;
                }
                GetResult<JsonNode> copy = item.result();
                if (storedVersion(copy.source()) >= action.version()) {
                    metrics.alreadyPresent();
                    metrics.inFlight.decrementAndGet();
                } else {
                    next.add(
                            action.replacing(
                                    conflict.backingIndex(),
                                    copy.seqNo(),
                                    copy.primaryTerm(),
                                    IngestedTimestamp.of(copy.source())));
                }
            }
            return next;
        }
    }

    /** The version a stored copy holds; 0 when it has none (written before versions existed). */
    private static long storedVersion(JsonNode source) {
        if (source == null) {
            return 0;
        }
        JsonNode version = source.at("/" + IndexedDocument.VERSION_FIELD.replace('.', '/'));
        return version.canConvertToLong() ? version.asLong() : 0;
    }

    /**
     * The request, of creates or of replacements; {@code require_data_stream} stops a missing
     * template from making a plain index (creates only: a replacement targets a backing index).
     */
    private BulkRequest request(List<Action> actions, boolean replacements) {
        BulkRequest.Builder request = new BulkRequest.Builder().requireDataStream(!replacements);
        Instant ingested = clock.instant(); // stamped anew on every attempt: the time it got in
        for (Action action : actions) {
            byte[] body =
                    IngestedTimestamp.stamp(
                            action.source(), action.firstIngested() != null ? action.firstIngested() : ingested);
            if (action.isReplacement()) {
                request.operations(
                        operation ->
                                operation.index(
                                        index ->
                                                index.index(action.index())
                                                        .id(action.id())
                                                        .ifSeqNo(action.ifSeqNo())
                                                        .ifPrimaryTerm(action.ifPrimaryTerm())
                                                        .document(
                                                                BinaryData.of(
                                                                        body,
                                                                        ContentType.APPLICATION_JSON))));
                continue;
            }
            request.operations(
                    operation ->
                            operation.create(
                                    create -> {
                                        create.index(action.index())
                                                .document(
                                                        BinaryData.of(
                                                                body,
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
                (refused.isReplacement() ? "replace in " : "create into ")
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
        return Action.create(options.deadLetterDataStream(), document.id(), document.source(), true, 0);
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
