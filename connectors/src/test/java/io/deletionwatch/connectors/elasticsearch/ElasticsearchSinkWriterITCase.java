package io.deletionwatch.connectors.elasticsearch;

import static io.deletionwatch.connectors.elasticsearch.SampleFindings.findings;
import static io.deletionwatch.connectors.elasticsearch.SampleFindings.versioned;
import static org.assertj.core.api.Assertions.assertThat;

import io.deletionwatch.connectors.localstack.ElasticsearchNode;
import io.deletionwatch.connectors.localstack.ElasticsearchNodeExtension;
import io.deletionwatch.connectors.localstack.ElasticsearchTestClient;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The writer used directly, with a hand-driven processing-time service: when buffered documents
 * leave, and what happens when even a dead letter is refused.
 */
class ElasticsearchSinkWriterITCase {
    @RegisterExtension
    static final ElasticsearchNodeExtension ES = new ElasticsearchNodeExtension();

    @Test
    void bufferedFindingsStayUntilTheIntervalTimerFires() throws Exception {
        ElasticsearchSinkOptions options =
                options().maxActions(100).maxInterval(Duration.ofSeconds(30)).build();
        ManualTime time = new ManualTime();
        try (ElasticsearchSinkWriter<IndexedDocument> writer = writer(options, time, metrics())) {
            for (IndexedDocument document : findings(3)) {
                writer.write(document, null);
            }
            assertThat(ES.count(options.dataStream())).isZero();
            assertThat(time.timers).hasSize(1);
            assertThat(time.timers.get(0).time()).isEqualTo(ManualTime.NOW + 30_000);

            time.fireAll();

            assertThat(ES.count(options.dataStream())).isEqualTo(3);
        }
    }

    @Test
    void aCheckpointSendsEverythingBuffered() throws Exception {
        ElasticsearchSinkOptions options = options().maxActions(100).build();
        SinkMetrics metrics = metrics();
        try (ElasticsearchSinkWriter<IndexedDocument> writer =
                writer(options, new ManualTime(), metrics)) {
            for (IndexedDocument document : findings(5)) {
                writer.write(document, null);
            }
            assertThat(metrics.inFlight.get()).isEqualTo(5);

            writer.flush(false);

            assertThat(metrics.inFlight.get()).isZero();
            assertThat(metrics.documentsSent.getCount()).isEqualTo(5);
            assertThat(ES.count(options.dataStream())).isEqualTo(5);
        }
    }

    @Test
    void aFullBufferIsSentAtOnceInBulksOfMaxActions() throws Exception {
        ElasticsearchSinkOptions options = options().maxActions(4).build();
        SinkMetrics metrics = metrics();
        try (ElasticsearchSinkWriter<IndexedDocument> writer =
                writer(options, new ManualTime(), metrics)) {
            for (IndexedDocument document : findings(10)) {
                writer.write(document, null);
            }

            assertThat(metrics.bulkRequests.getCount()).isEqualTo(2);
            assertThat(ES.count(options.dataStream())).isEqualTo(8);
            assertThat(metrics.inFlight.get()).isEqualTo(2);
        }
    }

    @Test
    void aDeadLetterElasticsearchRefusesTooIsCountedAndLoggedWithoutFailingTheWriter()
            throws Exception {
        String namespace = ElasticsearchNodeExtension.uniqueNamespace();
        // No template makes this a data stream, so the sink's require_data_stream refuses it.
        ElasticsearchSinkOptions options =
                options().deadLetterDataStream("deletion-watch-no-template-" + namespace).build();
        SinkMetrics metrics = metrics();
        try (ElasticsearchSinkWriter<IndexedDocument> writer =
                writer(options, new ManualTime(), metrics)) {
            writer.write(SampleFindings.finding(0), null);
            writer.write(SampleFindings.withField(1, "event", "severity", "high"), null);

            writer.flush(true);

            assertThat(metrics.documentsSent.getCount()).isEqualTo(1);
            assertThat(metrics.documentsDeadLettered.getCount()).isEqualTo(1);
            assertThat(metrics.deadLetterFailures.getCount()).isEqualTo(1);
            assertThat(metrics.inFlight.get()).isZero();
            assertThat(ES.count(options.dataStream())).isEqualTo(1);
            assertThat(ES.count(options.deadLetterDataStream())).isZero();
        }
    }

    @Test
    void theWriterWaitsOutANodeOutageAndLosesNothing() throws Exception {
        ElasticsearchNode node = ElasticsearchNode.start();
        try {
            ElasticsearchSinkOptions options =
                    options()
                            .hosts(node.httpUrl())
                            .maxActions(5)
                            .initialBackoff(Duration.ofMillis(50))
                            .maxBackoff(Duration.ofMillis(500))
                            .build();
            SinkMetrics metrics = metrics();
            List<IndexedDocument> documents = findings(10);
            try (ElasticsearchSinkWriter<IndexedDocument> writer =
                    writer(options, new ManualTime(), metrics)) {
                for (IndexedDocument document : documents.subList(0, 5)) {
                    writer.write(document, null);
                }
                node.kill();

                CompletableFuture<Void> secondHalf =
                        CompletableFuture.runAsync(
                                () -> {
                                    try {
                                        for (IndexedDocument document : documents.subList(5, 10)) {
                                            writer.write(document, null);
                                        }
                                    } catch (IOException | InterruptedException e) {
                                        throw new CompletionException(e);
                                    }
                                });
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                while (metrics.retries.getCount() < 3) {
                    assertThat(secondHalf).as("the writer blocks while the node is down").isNotDone();
                    assertThat(System.nanoTime()).isLessThan(deadline);
                    TimeUnit.MILLISECONDS.sleep(20);
                }
                node = node.restart();
                secondHalf.get(3, TimeUnit.MINUTES);

                assertThat(metrics.inFlight.get()).isZero();
            }
            try (ElasticsearchTestClient client = ElasticsearchTestClient.connect(node.httpUrl())) {
                assertThat(client.all(options.dataStream()))
                        .extracting(ElasticsearchTestClient.Document::id)
                        .containsExactlyInAnyOrderElementsOf(
                                documents.stream().map(IndexedDocument::id).toList());
            }
        } finally {
            node.close();
        }
    }

    @Test
    void aNewerVersionReplacesTheStoredFindingAndAnOlderOrEqualOneChangesNothing() throws Exception {
        ElasticsearchSinkOptions options = options().build();
        SinkMetrics metrics = metrics();
        Instant first = Instant.parse("2026-12-06T15:00:00Z");
        SettableClock clock = new SettableClock(first);
        try (ElasticsearchSinkWriter<IndexedDocument> writer =
                writer(options, new ManualTime(), metrics, clock)) {
            writeAndFlush(writer, versioned(1, 10));
            clock.now = first.plusSeconds(90);
            writeAndFlush(writer, versioned(1, 35));
            assertThat(storedCounts(options)).containsExactly(35L);
            // The replacement keeps the first event.ingested: a rule looking back over it alerts once.
            assertThat(ES.all(options.dataStream()))
                    .extracting(d -> d.source().at("/event/ingested").asText())
                    .containsExactly(first.toString());
            assertThat(metrics.documentsSent.getCount()).isEqualTo(1);
            assertThat(metrics.documentsUpdated.getCount()).isEqualTo(1);

            writeAndFlush(writer, versioned(1, 20)); // an older version, e.g. from a replay
            writeAndFlush(writer, versioned(1, 35)); // the same version again

            assertThat(storedCounts(options)).containsExactly(35L);
            assertThat(metrics.documentsUpdated.getCount()).isEqualTo(1);
            assertThat(metrics.documentsAlreadyPresent.getCount()).isEqualTo(2);
            assertThat(metrics.inFlight.get()).isZero();
        }
    }

    @Test
    void versionsOfOneFindingInOneBulkRequestEndAtTheHighest() throws Exception {
        ElasticsearchSinkOptions options = options().maxActions(100).build();
        SinkMetrics metrics = metrics();
        try (ElasticsearchSinkWriter<IndexedDocument> writer =
                writer(options, new ManualTime(), metrics)) {
            for (IndexedDocument version : List.of(versioned(2, 10), versioned(2, 35), versioned(2, 30), versioned(3, 12))) {
                writer.write(version, null);
            }
            writer.flush(false);

            assertThat(storedCounts(options)).containsExactlyInAnyOrder(35L, 12L);
            assertThat(metrics.documentsSent.getCount()).isEqualTo(2);
            assertThat(metrics.documentsUpdated.getCount()).isEqualTo(1);
            assertThat(metrics.documentsAlreadyPresent.getCount()).isEqualTo(1);
            assertThat(metrics.inFlight.get()).isZero();
        }
    }

    private static void writeAndFlush(ElasticsearchSinkWriter<IndexedDocument> writer, IndexedDocument document)
            throws Exception {
        writer.write(document, null);
        writer.flush(false);
    }

    /** The count of every stored finding: one document per id, whatever was written. */
    private static List<Long> storedCounts(ElasticsearchSinkOptions options) {
        ES.refresh(options.dataStream());
        return ES.all(options.dataStream()).stream()
                .map(d -> d.source().at("/deletion_watch/count").asLong())
                .toList();
    }

    private static ElasticsearchSinkOptions.Builder options() {
        String namespace = ElasticsearchNodeExtension.uniqueNamespace();
        return ES.sinkOptions()
                .dataStream("logs-deletion_watch.findings-" + namespace)
                .deadLetterDataStream("logs-deletion_watch.deadletter-" + namespace);
    }

    private static SinkMetrics metrics() {
        return SinkMetrics.unregistered();
    }

    private static ElasticsearchSinkWriter<IndexedDocument> writer(
            ElasticsearchSinkOptions options, ProcessingTimeService time, SinkMetrics metrics)
            throws Exception {
        return writer(options, time, metrics, Clock.systemUTC());
    }

    private static ElasticsearchSinkWriter<IndexedDocument> writer(
            ElasticsearchSinkOptions options, ProcessingTimeService time, SinkMetrics metrics, Clock clock)
            throws Exception {
        BulkIndexer indexer =
                new BulkIndexer(options, ElasticsearchClients.create(options), metrics, clock);
        return new ElasticsearchSinkWriter<>(
                document -> document, indexer, time, options.maxInterval());
    }

    /** The sink's wall clock, set by the test. */
    private static final class SettableClock extends Clock {
        Instant now;

        SettableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /** Processing time that stands still; registered timers fire when the test says so. */
    private static final class ManualTime implements ProcessingTimeService {
        static final long NOW = 1_000_000L;

        record Timer(long time, ProcessingTimeCallback callback) {}

        final List<Timer> timers = new ArrayList<>();

        @Override
        public long getCurrentProcessingTime() {
            return NOW;
        }

        @Override
        public ScheduledFuture<?> registerTimer(long timestamp, ProcessingTimeCallback target) {
            timers.add(new Timer(timestamp, target));
            return null; // the writer never cancels its timer
        }

        void fireAll() throws Exception {
            List<Timer> due = new ArrayList<>(timers);
            timers.clear();
            for (Timer timer : due) {
                timer.callback().onProcessingTime(timer.time());
            }
        }
    }
}
