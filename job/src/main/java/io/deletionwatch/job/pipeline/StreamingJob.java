package io.deletionwatch.job.pipeline;

import io.deletionwatch.connectors.deadletter.DeadLetter;
import io.deletionwatch.connectors.deadletter.DeadLetterDocument;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSink;
import io.deletionwatch.connectors.elasticsearch.ElasticsearchSinkOptions;
import io.deletionwatch.connectors.source.EventHubsAmqpOptions;
import io.deletionwatch.connectors.source.EventHubsAmqpSource;
import io.deletionwatch.connectors.source.EventHubsConnectionString;
import io.deletionwatch.connectors.source.EventHubsSource;
import io.deletionwatch.connectors.source.KafkaSourceOptions;
import io.deletionwatch.job.config.DetectionConfig;
import io.deletionwatch.job.findings.Finding;
import io.deletionwatch.job.findings.FindingDocument;
import io.deletionwatch.job.parsing.ActivityLogAmqpDeserializer;
import io.deletionwatch.job.parsing.ActivityLogDeserializer;
import io.deletionwatch.job.parsing.ActivityLogParser;
import io.deletionwatch.job.parsing.ParsedRecord;
import io.deletionwatch.job.rules.DetectionRule;
import java.util.List;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.streaming.api.datastream.DataStream;
import java.time.Duration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The production wiring: Event Hubs (or Kafka) in, Elasticsearch out, the pipeline between. */
public final class StreamingJob {
    private StreamingJob() {}

    /** The network buffer timeout {@code run} (and the benchmark) use when the Flink configuration sets none. */
    public static final Duration BUFFER_TIMEOUT = Duration.ofMillis(10);

    /**
     * An event between two tasks waits in a network buffer until it is full or {@code
     * execution.buffer-timeout} passes (Flink's default 100 ms, per hop), and the events that make
     * a finding are few. Only when the Flink configuration sets none does {@link #BUFFER_TIMEOUT}
     * apply; findings themselves are sent at once whatever it is ({@link FindingOutputs}).
     *
     * @return whether the fallback was applied
     */
    public static boolean bufferTimeoutUnlessConfigured(StreamExecutionEnvironment flink) {
        if (flink.getConfiguration().getOptional(ExecutionOptions.BUFFER_TIMEOUT).isPresent()) {
            return false;
        }
        flink.setBufferTimeout(BUFFER_TIMEOUT.toMillis());
        return true;
    }

    /**
     * Where the Activity Log comes from: Event Hubs' Kafka endpoint (or plain Kafka), or Event
     * Hubs over AMQP. Both parse inside the source, under the same operator name (so the same
     * metric names); their uids differ because their checkpointed positions do.
     */
    public record Input(Source<ParsedRecord, ?, ?> source, String uid) {
        public static final String NAME = "Event Hubs Activity Log";

        /**
         * @param connectionString the Event Hubs connection string, or null for plain Kafka
         */
        public static Input kafka(KafkaSourceOptions kafka, EventHubsConnectionString connectionString, DetectionConfig config) {
            return kafka(kafkaSource(kafka, connectionString, config).build());
        }

        /** The Kafka source, built by the caller from {@link #kafkaSource} (the benchmark bounds it). */
        public static Input kafka(KafkaSource<ParsedRecord> source) {
            return new Input(source, "eventhubs-source");
        }

        /** The Kafka source's builder, parsing inside the source ({@link #kafkaParser}). */
        public static KafkaSourceBuilder<ParsedRecord> kafkaSource(
                KafkaSourceOptions kafka, EventHubsConnectionString connectionString, DetectionConfig config) {
            return EventHubsSource.builder(kafka, connectionString, kafkaParser(config));
        }

        /** What the Kafka source parses each record with (the benchmark wraps it in a clock). */
        public static ActivityLogDeserializer kafkaParser(DetectionConfig config) {
            return new ActivityLogDeserializer(new ActivityLogParser(config.maxRecordBytes()));
        }

        /** @param connectionString read from the environment or a file (the job carries only where) */
        public static Input amqp(EventHubsAmqpOptions amqp, EventHubsConnectionString connectionString, DetectionConfig config) {
            return amqp(amqpSource(amqp, connectionString, config));
        }

        /** The AMQP source, made by {@link #amqpSource} (the benchmark bounds it). */
        public static Input amqp(EventHubsAmqpSource<ParsedRecord> source) {
            return new Input(source, "eventhubs-amqp-source");
        }

        /** The AMQP source, parsing inside the source. */
        public static EventHubsAmqpSource<ParsedRecord> amqpSource(
                EventHubsAmqpOptions amqp, EventHubsConnectionString connectionString, DetectionConfig config) {
            return EventHubsAmqpSource.create(
                    amqp, connectionString, new ActivityLogAmqpDeserializer(new ActivityLogParser(config.maxRecordBytes())));
        }
    }

    /**
     * Adds the job to {@code env}, reading through Event Hubs' Kafka endpoint or plain Kafka.
     *
     * @param connectionString the Event Hubs connection string, or null for plain Kafka
     * @param elasticsearch the sink options; the findings go to its data stream, dead letters to
     *     its dead-letter data stream
     */
    public static void define(
            StreamExecutionEnvironment env,
            KafkaSourceOptions kafka,
            EventHubsConnectionString connectionString,
            ElasticsearchSinkOptions elasticsearch,
            List<DetectionRule> rules,
            DetectionConfig config) {
        define(env, Input.kafka(kafka, connectionString, config), elasticsearch, rules, config);
    }

    /** Adds the job to {@code env}, reading from {@code input}. */
    public static void define(
            StreamExecutionEnvironment env,
            Input input,
            ElasticsearchSinkOptions elasticsearch,
            List<DetectionRule> rules,
            DetectionConfig config) {
        DataStream<ParsedRecord> records =
                env.fromSource(input.source(), Inputs.watermarks(config), Input.NAME)
                        .uid(input.uid())
                        .name(Input.NAME);
        ElasticsearchSink<Finding> findings =
                ElasticsearchSink.<Finding>builder()
                        .options(elasticsearch)
                        .converter(FindingDocument::toIndexedDocument)
                        .build();
        ElasticsearchSink<DeadLetter> deadLetters =
                ElasticsearchSink.<DeadLetter>builder()
                        .options(
                                elasticsearch.toBuilder()
                                        .dataStream(elasticsearch.deadLetterDataStream())
                                        .build())
                        .converter(DeadLetterDocument::toIndexedDocument)
                        .build();
        DeletionWatchPipeline.define(records, rules, config, findings, deadLetters);
    }
}
