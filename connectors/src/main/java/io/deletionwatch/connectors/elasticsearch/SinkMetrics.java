package io.deletionwatch.connectors.elasticsearch;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;

/**
 * The sink's metrics, registered in the writer's metric group under the names below; Flink's
 * standard {@code numRecordsSend}, {@code numBytesSend} and {@code numRecordsOutErrors} (counting
 * dead-lettered documents) are kept too.
 */
public final class SinkMetrics {
    /** Documents Elasticsearch created. */
    public static final String DOCUMENTS_SENT = "documentsSent";

    /** Documents answered 409: already there, e.g. after a replay; counted as success. */
    public static final String DOCUMENTS_ALREADY_PRESENT = "documentsAlreadyPresent";

    /**
     * Documents that replaced an older version of themselves (a finding that grew: a burst that
     * went on, a sequence that gained evidence).
     */
    public static final String DOCUMENTS_UPDATED = "documentsUpdated";

    /** Documents refused (400 and other 4xx) and written to the dead-letter data stream. */
    public static final String DOCUMENTS_DEAD_LETTERED = "documentsDeadLettered";

    /** Dead letters Elasticsearch refused as well; they are only logged. */
    public static final String DEAD_LETTER_FAILURES = "deadLetterFailures";

    /** Waits before a retry (of a bulk request, its retriable items or the template install). */
    public static final String RETRIES = "retries";

    /** Bulk requests sent, retries included. */
    public static final String BULK_REQUESTS = "bulkRequests";

    /** Documents accepted by the writer and not yet answered by Elasticsearch. */
    public static final String IN_FLIGHT = "inFlight";

    final Counter documentsSent;
    final Counter documentsAlreadyPresent;
    final Counter documentsUpdated;
    final Counter documentsDeadLettered;
    final Counter deadLetterFailures;
    final Counter retries;
    final Counter bulkRequests;
    final AtomicLong inFlight = new AtomicLong();
    private final Counter recordsSend;
    private final Counter bytesSend;
    private final Counter recordsOutErrors;

    private SinkMetrics(
            Counter documentsSent,
            Counter documentsAlreadyPresent,
            Counter documentsUpdated,
            Counter documentsDeadLettered,
            Counter deadLetterFailures,
            Counter retries,
            Counter bulkRequests,
            Counter recordsSend,
            Counter bytesSend,
            Counter recordsOutErrors) {
        this.documentsSent = documentsSent;
        this.documentsAlreadyPresent = documentsAlreadyPresent;
        this.documentsUpdated = documentsUpdated;
        this.documentsDeadLettered = documentsDeadLettered;
        this.deadLetterFailures = deadLetterFailures;
        this.retries = retries;
        this.bulkRequests = bulkRequests;
        this.recordsSend = recordsSend;
        this.bytesSend = bytesSend;
        this.recordsOutErrors = recordsOutErrors;
    }

    static SinkMetrics register(SinkWriterMetricGroup group) {
        SinkMetrics metrics =
                new SinkMetrics(
                        group.counter(DOCUMENTS_SENT),
                        group.counter(DOCUMENTS_ALREADY_PRESENT),
                        group.counter(DOCUMENTS_UPDATED),
                        group.counter(DOCUMENTS_DEAD_LETTERED),
                        group.counter(DEAD_LETTER_FAILURES),
                        group.counter(RETRIES),
                        group.counter(BULK_REQUESTS),
                        group.getNumRecordsSendCounter(),
                        group.getNumBytesSendCounter(),
                        group.getNumRecordsOutErrorsCounter());
        group.gauge(IN_FLIGHT, (Gauge<Long>) metrics.inFlight::get);
        return metrics;
    }

    /** Metrics kept only in memory, for use outside a Flink task. */
    static SinkMetrics unregistered() {
        return new SinkMetrics(
                new SimpleCounter(),
                new SimpleCounter(),
                new SimpleCounter(),
                new SimpleCounter(),
                new SimpleCounter(),
                new SimpleCounter(),
                new SimpleCounter(),
                new SimpleCounter(),
                new SimpleCounter(),
                new SimpleCounter());
    }

    void created(long bytes) {
        documentsSent.inc();
        recordsSend.inc();
        bytesSend.inc(bytes);
    }

    void alreadyPresent() {
        documentsAlreadyPresent.inc();
    }

    void updated(long bytes) {
        documentsUpdated.inc();
        recordsSend.inc();
        bytesSend.inc(bytes);
    }

    void deadLettered() {
        documentsDeadLettered.inc();
        recordsOutErrors.inc();
    }
}
