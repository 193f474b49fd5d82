package io.deletionwatch.connectors.elasticsearch;

import java.io.IOException;
import java.time.Duration;
import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;

/**
 * The writer of {@link ElasticsearchSink}: converts elements, hands them to a {@link BulkIndexer}
 * and sends its buffer when full, on a timer ({@code maxInterval}) and on every checkpoint. Timer
 * callbacks run in the task's mailbox thread, like {@code write}, so nothing here is concurrent.
 */
final class ElasticsearchSinkWriter<T> implements SinkWriter<T> {
    private final DocumentConverter<T> converter;
    private final BulkIndexer indexer;
    private final ProcessingTimeService timeService;
    private final long maxIntervalMillis;
    private boolean timerPending;

    ElasticsearchSinkWriter(
            DocumentConverter<T> converter,
            BulkIndexer indexer,
            ProcessingTimeService timeService,
            Duration maxInterval) {
        this.converter = converter;
        this.indexer = indexer;
        this.timeService = timeService;
        this.maxIntervalMillis = maxInterval.toMillis();
    }

    @Override
    public void write(T element, Context context) throws IOException, InterruptedException {
        indexer.add(converter.convert(element));
        if (maxIntervalMillis > 0 && !timerPending && !indexer.isEmpty()) {
            timerPending = true;
            timeService.registerTimer(
                    timeService.getCurrentProcessingTime() + maxIntervalMillis,
                    time -> {
                        timerPending = false;
                        indexer.flush();
                    });
        }
    }

    /** Sends everything buffered; on a checkpoint, so all of it is answered before it completes. */
    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        indexer.flush();
    }

    @Override
    public void close() throws IOException {
        indexer.close();
    }
}
