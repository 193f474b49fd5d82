package io.deletionwatch.connectors.elasticsearch;

import java.util.List;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** A bounded Flink job that writes documents through the real {@link ElasticsearchSink}. */
final class SinkJob {
    private SinkJob() {}

    static StreamExecutionEnvironment environment(
            List<IndexedDocument> documents, ElasticsearchSinkOptions options, int parallelism) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(parallelism);
        env.fromData(documents)
                .sinkTo(
                        ElasticsearchSink.<IndexedDocument>builder()
                                .options(options)
                                .converter(document -> document)
                                .build())
                .uid("elasticsearch-sink")
                .name("Elasticsearch sink");
        return env;
    }
}
