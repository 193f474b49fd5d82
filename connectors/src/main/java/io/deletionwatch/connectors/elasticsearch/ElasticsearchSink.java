package io.deletionwatch.connectors.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Creates documents in an Elasticsearch data stream (Flink Sink V2), at least once: everything a
 * writer accepted is sent and answered before a checkpoint completes. With deterministic document
 * ids a replay answers 409, which counts as success, so the effect is exactly once.
 *
 * <p>Documents Elasticsearch refuses (mapping or parse errors) go to the dead-letter data stream
 * with the reason; unreachable nodes, 429 and 5xx answers are retried with backoff for as long as
 * it takes, the writer blocking meanwhile (backpressure). See {@link ElasticsearchSinkOptions}.
 *
 * <pre>{@code
 * ElasticsearchSink<Finding> sink = ElasticsearchSink.<Finding>builder()
 *         .options(ElasticsearchSinkOptions.fromEnvironment(System.getenv()).build())
 *         .converter(FindingDocuments::toIndexedDocument)
 *         .build();
 * findings.sinkTo(sink).uid("elasticsearch-findings").name("Elasticsearch findings");
 * }</pre>
 */
public final class ElasticsearchSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    private final ElasticsearchSinkOptions options;
    private final DocumentConverter<T> converter;

    private ElasticsearchSink(ElasticsearchSinkOptions options, DocumentConverter<T> converter) {
        this.options = options;
        this.converter = converter;
    }

    public static <T> Builder<T> builder() {
        return new Builder<>();
    }

    public ElasticsearchSinkOptions options() {
        return options;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) throws IOException {
        SinkMetrics metrics = SinkMetrics.register(context.metricGroup());
        ElasticsearchClient client = ElasticsearchClients.create(options);
        BulkIndexer indexer = new BulkIndexer(options, client, metrics, Clock.systemUTC());
        try {
            indexer.installTemplatesIfReachable();
        } catch (IOException | RuntimeException e) {
            indexer.close();
            throw e;
        }
        return new ElasticsearchSinkWriter<>(
                converter, indexer, context.getProcessingTimeService(), options.maxInterval());
    }

    @Override
    public String toString() {
        return "ElasticsearchSink[" + options + "]";
    }

    /** Builds an {@link ElasticsearchSink}; both the options and the converter are required. */
    public static final class Builder<T> {
        private ElasticsearchSinkOptions options;
        private DocumentConverter<T> converter;

        private Builder() {}

        public Builder<T> options(ElasticsearchSinkOptions options) {
            this.options = options;
            return this;
        }

        public Builder<T> converter(DocumentConverter<T> converter) {
            this.converter = converter;
            return this;
        }

        public ElasticsearchSink<T> build() {
            Objects.requireNonNull(options, "the Elasticsearch sink needs options");
            Objects.requireNonNull(converter, "the Elasticsearch sink needs a document converter");
            return new ElasticsearchSink<>(options, converter);
        }
    }
}
